import { isPlainObject } from '../mapping/mapping-definition';
import {
  AdaptedEvent, counterField, devEuiField, eventObject, F_CNT_MAX, F_PORT_MAX, Field, linkQuality, malformed, payloadField, preDecodedField, timeField,
} from './uplink';

/**
 * The Things Stack v3 application messages (webhook body or MQTT payload; "Data Formats" in its documentation): one
 * top-level member names the message. Empty fields are left out ("", 0 and false never appear), so a missing f_cnt is 0.
 */
const OTHER_MESSAGES = [
  'join_accept',
  'downlink_ack',
  'downlink_nack',
  'downlink_sent',
  'downlink_failed',
  'downlink_queued',
  'downlink_queue_invalidated',
  'location_solved',
  'service_data',
  'uplink_normalized',
] as const;

export interface ThingsStackContext {
  /** The hub's arrival time, used when the message carries no received_at. */
  readonly arrivedAt: Date;
}

export function adaptThingsStackMessage(payload: Uint8Array, context: ThingsStackContext): AdaptedEvent {
  const message = eventObject(payload);
  if ('kind' in message) return message as AdaptedEvent;
  const uplink = message.uplink_message;
  if (uplink === undefined) {
    const other = OTHER_MESSAGES.find((name) => name in message);
    return other === undefined ? malformed(`not a The Things Stack message: none of uplink_message, ${OTHER_MESSAGES.join(', ')}`) : { kind: 'not-uplink', event: other };
  }
  if (!isPlainObject(uplink)) return malformed('uplink_message is not an object');
  const ids = message.end_device_ids;
  if (!isPlainObject(ids)) return malformed('end_device_ids is missing or not an object');
  if (ids.dev_eui === undefined) {
    return malformed(`end_device_ids.dev_eui is missing (device_id ${JSON.stringify(ids.device_id)}): the hub knows LoRaWAN devices by DevEUI`);
  }
  const fields = {
    devEui: devEuiField(ids.dev_eui, 'end_device_ids.dev_eui'),
    fPort: counterField(uplink.f_port, 'uplink_message.f_port', F_PORT_MAX),
    fCnt: counterField(uplink.f_cnt, 'uplink_message.f_cnt', F_CNT_MAX),
    bytes: payloadField(uplink.frm_payload, 'uplink_message.frm_payload'),
    preDecoded: preDecodedField(uplink.decoded_payload, 'uplink_message.decoded_payload'),
    // The Network Server's receive time is the closest to the radio; the message's own is the Application Server's.
    time: timeField(uplink.received_at ?? message.received_at, uplink.received_at === undefined ? 'received_at' : 'uplink_message.received_at', context.arrivedAt),
  };
  for (const field of Object.values(fields) as Field<unknown>[]) {
    if ('problem' in field) return malformed(field.problem);
  }
  const value = <T>(field: Field<T>): T => (field as { value: T }).value;
  const preDecoded = value(fields.preDecoded);
  const link = linkQuality(uplink.rx_metadata, 'rssi', 'snr');
  return {
    kind: 'uplink',
    uplink: {
      devEui: value(fields.devEui),
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
