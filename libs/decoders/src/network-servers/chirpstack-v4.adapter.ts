import { isPlainObject } from '../mapping/mapping-definition';
import {
  AdaptedEvent, counterField, devEuiField, eventObject, F_CNT_MAX, F_PORT_MAX, Field, linkQuality, malformed, payloadField, preDecodedField, timeField,
} from './uplink';

/**
 * ChirpStack v4 integration events, JSON marshaler (the protobuf JSON mapping: camelCase, bytes as base64, zero
 * values left out; https://www.chirpstack.io/docs/chirpstack/integrations/events.html). Over MQTT the event type is
 * the topic's last level, application/{applicationId}/device/{devEui}/event/{type}; over HTTP the `event` query
 * parameter. Without it the type is read from the event's fields.
 */
export const CHIRPSTACK_EVENT_TYPES = ['up', 'join', 'status', 'ack', 'txack', 'log', 'location', 'integration'] as const;

const TOPIC = /^application\/([^/]+)\/device\/([0-9a-fA-F]{16})\/event\/([a-z]+)$/;

export interface ChirpStackTopic {
  readonly applicationId: string;
  readonly devEui: string;
  readonly eventType: string;
}

export function parseChirpStackTopic(topic: string): ChirpStackTopic | undefined {
  const match = TOPIC.exec(topic);
  return match === null ? undefined : { applicationId: match[1]!, devEui: match[2]!.toLowerCase(), eventType: match[3]! };
}

export interface ChirpStackEventContext {
  /** From the topic or the HTTP query; read from the fields when absent. */
  readonly eventType?: string;
  /** The topic's DevEUI, which must match the event's. */
  readonly topicDevEui?: string;
  /** The hub's arrival time, used when the event has no `time`. */
  readonly arrivedAt: Date;
}

export function adaptChirpStackEvent(payload: Uint8Array, context: ChirpStackEventContext): AdaptedEvent {
  const event = eventObject(payload);
  if ('kind' in event) return event as AdaptedEvent;
  const type = context.eventType ?? inferType(event);
  if (type === undefined) return malformed('not a ChirpStack v4 event: no deviceInfo, and no field that names the event type');
  if (type !== 'up') {
    return (CHIRPSTACK_EVENT_TYPES as readonly string[]).includes(type) ? { kind: 'not-uplink', event: type } : malformed(`unknown ChirpStack event type ${JSON.stringify(type)}`);
  }

  if (!isPlainObject(event.deviceInfo)) return malformed('deviceInfo is missing or not an object');
  const fields = {
    devEui: devEuiField(event.deviceInfo.devEui, 'deviceInfo.devEui'),
    fPort: counterField(event.fPort, 'fPort', F_PORT_MAX),
    fCnt: counterField(event.fCnt, 'fCnt', F_CNT_MAX),
    bytes: payloadField(event.data, 'data'),
    preDecoded: preDecodedField(event.object, 'object'),
    time: timeField(event.time, 'time', context.arrivedAt),
  };
  for (const field of Object.values(fields) as Field<unknown>[]) {
    if ('problem' in field) return malformed(field.problem);
  }
  const value = <T>(field: Field<T>): T => (field as { value: T }).value;
  const devEui = value(fields.devEui);
  if (context.topicDevEui !== undefined && context.topicDevEui.toLowerCase() !== devEui) {
    return malformed(`deviceInfo.devEui ${devEui} is not the topic's ${context.topicDevEui.toLowerCase()}`);
  }
  const preDecoded = value(fields.preDecoded);
  const link = linkQuality(event.rxInfo, 'rssi', 'snr');
  return {
    kind: 'uplink',
    uplink: {
      devEui,
      fPort: value(fields.fPort),
      fCnt: value(fields.fCnt),
      bytes: value(fields.bytes),
      ...(preDecoded === undefined ? {} : { preDecoded }),
      receivedAt: value(fields.time).at,
      timeFromNetworkServer: value(fields.time).fromNetworkServer,
      ...(link === undefined ? {} : { link }),
    },
  };
}

/** The event type from the fields each type alone has (integration.proto); an up event is the one with radio data. */
function inferType(event: Record<string, unknown>): string | undefined {
  if (!isPlainObject(event.deviceInfo)) return undefined;
  if ('level' in event && 'code' in event) return 'log';
  if ('integrationName' in event) return 'integration';
  if ('location' in event) return 'location';
  if ('downlinkId' in event || 'gatewayId' in event) return 'txack';
  if ('queueItemId' in event) return 'ack';
  if ('margin' in event || 'batteryLevel' in event || 'externalPowerSource' in event || 'batteryLevelUnavailable' in event) return 'status';
  if ('rxInfo' in event || 'txInfo' in event || 'data' in event || 'fPort' in event || 'object' in event) return 'up';
  if ('devAddr' in event) return 'join';
  return undefined;
}
