import type { HubLogger } from '@hub/common';
import { type AdaptedEvent, isPlainObject, type Uplink } from '@hub/decoders';
import { parseTimestamp } from '@hub/contract';
import { MAX_QUARANTINED_DEVICES, type RegistryDevice } from '@hub/devices';
import type { IngestReceipt, IngestService, PublishingClient, PublishRefusal } from './ingest.service';
import type { AckCallback } from './ordered-acks';

/** The registry's side: a device by DevEUI, and (quarantine mode) a newcomer held for approval. */
export interface DevEuiLookup {
  findByDevEui(devEui: string): RegistryDevice | undefined;
  quarantineDevEui(devEui: string, source: string, maxWaiting: number): RegistryDevice | null;
}

/** registered: an unknown DevEUI is refused (DEV_EUI_UNKNOWN) and counted; quarantine: held as a quarantined device. */
export type UplinkAdmission = 'registered' | 'quarantine';

/** Where a LoRaWAN device was last heard: which network-server connection, and (ChirpStack) its application. */
export interface UplinkRoute {
  readonly connection: string;
  readonly applicationId: string;
}

/** Who wants to know of LoRaWAN traffic besides ingest: the commands feature (downlinks wait for a route, acks end them). */
export interface UplinkListener {
  heard(device: { readonly deviceId: string; readonly domain: string }): void;
  /** Resolves once the acknowledgement is committed: the network server's event is acknowledged only then. */
  downlinkAcknowledged(deviceId: string, queueItemId: string, acknowledged: boolean): Promise<void>;
}

/** What one network-server connection has delivered, by outcome: what its status page shows. */
export interface UplinkCounts {
  uplinks: number;
  otherEvents: number;
  refused: number;
}

/**
 * The hub's side of a LoRaWAN network server (ChirpStack over MQTT, The Things Stack over HTTP): each event, already
 * adapted from the network server's format, becomes readings of the registered device with that DevEUI — decoded by
 * its profile, validated, de-duplicated by frame counter, written — or a dead letter saying why not. `done` runs
 * when what the event held is durable (readings in InfluxDB or the spool, or the dead letter), so the bridge may
 * acknowledge the event to the network server then and only then; with an error nothing may be promised.
 */
export class UplinkIngestService {
  /**
   * One ordered-acknowledgement state per connection, as a device connection has. Connectionless: a meter heard
   * through a network server is seen (last seen, newest values), never `online`, which means an MQTT connection.
   */
  private readonly clients = new Map<string, PublishingClient>();
  private readonly counts = new Map<string, UplinkCounts>();
  /** DevEUI → where its last uplink came from: where its downlinks go. */
  private readonly routes = new Map<string, UplinkRoute>();
  private listener: UplinkListener | undefined;

  constructor(
    private readonly ingest: IngestService,
    private readonly devices: DevEuiLookup,
    private readonly logger: HubLogger,
    private readonly admissionMode: UplinkAdmission = 'registered',
  ) {}

  useListener(listener: UplinkListener): void {
    this.listener = listener;
  }

  /** Where the device with this DevEUI was last heard through ChirpStack (its application), since the service started. */
  routeOf(devEui: string): UplinkRoute | undefined {
    return this.routes.get(devEui);
  }

  /** Every connection's counts (a ChirpStack connection's name, `things-stack:<API key>` for a webhook). */
  allCounts(): ReadonlyMap<string, UplinkCounts> {
    return this.counts;
  }

  countsOf(connection: string): UplinkCounts {
    return { ...(this.counts.get(connection) ?? { uplinks: 0, otherEvents: 0, refused: 0 }) };
  }

  /**
   * Never throws: whatever the network server sends is a reading, a dead letter, or an acknowledged non-data event.
   * The receipt (what became of it) is known before `done` says it is durable. `mayTake` bounds which devices the
   * sender may write for (a webhook's API key and its towns); a device outside it is refused as TOPIC_FORBIDDEN.
   */
  take(connection: string, topic: string, payload: Uint8Array, event: AdaptedEvent, done: AckCallback, mayTake: (device: RegistryDevice) => boolean = () => true): Promise<IngestReceipt> {
    const client = this.clientOf(connection);
    const counts = this.countsFor(connection);
    const refuse = (refusal: PublishRefusal): Promise<IngestReceipt> => {
      this.ingest.refusePublish(client, topic, payload, refusal, done);
      return Promise.resolve({ accepted: 0, duplicates: 0, refused: [{ reason: refusal.reason, detail: refusal.detail }] });
    };
    try {
      if (event.kind === 'refused') {
        counts.refused++;
        return refuse({ reason: event.reason, detail: event.detail });
      }
      if (event.kind === 'not-uplink') {
        counts.otherEvents++;
        // Read once; only log, status and ack events say something the hub acts on.
        const parsed = event.event === 'log' || event.event === 'status' || event.event === 'ack' ? deviceEvent(payload) : null;
        const error = parsed !== null && event.event === 'log' ? networkServerError(parsed) : null;
        if (error !== null) return refuse({ ...error, reason: 'NETWORK_SERVER_ERROR', deviceId: this.devices.findByDevEui(error.devEui)?.deviceId });
        const status = parsed !== null && event.event === 'status' ? deviceStatus(parsed) : null;
        const reporting = status === null ? undefined : this.devices.findByDevEui(status.devEui);
        if (status !== null && reporting !== undefined && reporting.status === 'active' && reporting.enabled && reporting.domain !== null && mayTake(reporting)) {
          // The device's own report of its battery and how well it hears the network: readings, when the domain has them.
          return this.ingest.handleMeasured(client, { domain: reporting.domain, deviceId: reporting.deviceId }, topic, payload, status.metrics, status.at, done);
        }
        const ack = parsed !== null && event.event === 'ack' ? downlinkAck(parsed) : null;
        const acked = ack === null ? undefined : this.devices.findByDevEui(ack.devEui);
        const none: IngestReceipt = { accepted: 0, duplicates: 0, refused: [] };
        if (ack !== null && acked !== undefined && this.listener !== undefined) {
          // The device confirmed a command: that is stored before the network server's event is acknowledged, or the
          // event is not acknowledged (it comes again) and the command would expire as never confirmed.
          return this.listener.downlinkAcknowledged(acked.deviceId, ack.queueItemId, ack.acknowledged).then(
            () => {
              done();
              return none;
            },
            (error: unknown) => {
              this.logger.error({ msg: 'Could not record a downlink acknowledgement; the event is not acknowledged', deviceId: acked.deviceId, commandId: ack.queueItemId, error });
              done(error instanceof Error ? error : new Error(String(error)));
              return none;
            },
          );
        }
        done();
        return Promise.resolve(none);
      }
      const admitted = this.admission(connection, event.uplink, mayTake);
      if ('reason' in admitted) {
        counts.refused++;
        return refuse(admitted);
      }
      counts.uplinks++;
      const { device } = admitted;
      const { uplink } = event;
      const applicationId = /^application\/([^/]+)\/device\//.exec(topic)?.[1];
      if (applicationId !== undefined) this.routes.set(uplink.devEui, { connection, applicationId });
      this.tell(() => this.listener?.heard({ deviceId: device.deviceId, domain: device.domain }));
      return this.ingest.handleDecodable(
        client,
        { domain: device.domain, deviceId: device.deviceId },
        topic,
        payload,
        {
          input: { bytes: uplink.bytes, fPort: uplink.fPort, receivedAt: uplink.receivedAt },
          eventTime: uplink.receivedAt.getTime(),
          seq: uplink.fCnt,
          ...(uplink.preDecoded === undefined ? {} : { networkServerObject: uplink.preDecoded }),
          ...(uplink.link === undefined ? {} : { extraMetrics: { rssi_dbm: uplink.link.rssi, snr_db: uplink.link.snr, gateways_heard: uplink.link.gateways } }),
        },
        done,
      );
    } catch (error) {
      this.logger.error({ msg: 'Could not take a network server event', connection, topic, error });
      done(error instanceof Error ? error : new Error(String(error)));
      return Promise.resolve({ accepted: 0, duplicates: 0, refused: [] });
    }
  }

  /** An uplink's device must be registered by its DevEUI, active and enabled; otherwise the event is a dead letter. */
  private admission(connection: string, uplink: Uplink, mayTake: (device: RegistryDevice) => boolean): PublishRefusal | { readonly device: RegistryDevice & { readonly domain: string } } {
    const device = this.devices.findByDevEui(uplink.devEui);
    if (device === undefined || device.status === 'quarantined') {
      const held = this.admissionMode === 'quarantine' ? this.devices.quarantineDevEui(uplink.devEui, `network server ${connection}`, MAX_QUARANTINED_DEVICES) : null;
      if (held !== null) {
        const detail = `DevEUI ${uplink.devEui} waits in quarantine as device ${held.deviceId} (fCnt ${uplink.fCnt}): approve it with a domain and a profile to take its uplinks`;
        return { reason: 'DEVICE_QUARANTINED', detail, deviceId: held.deviceId };
      }
      if (device !== undefined) return { reason: 'DEVICE_NOT_ACTIVE', detail: `device ${device.deviceId} (DevEUI ${uplink.devEui}) is quarantined and quarantine mode is off`, deviceId: device.deviceId };
      return { reason: 'DEV_EUI_UNKNOWN', detail: `no registered device has DevEUI ${uplink.devEui} (fCnt ${uplink.fCnt}); set a device's devEui to take its uplinks` };
    }
    if (device.status !== 'active' || !device.enabled || device.domain === null) {
      const why = device.status !== 'active' ? `is ${device.status}` : !device.enabled ? 'is disabled' : 'has no domain yet';
      return { reason: 'DEVICE_NOT_ACTIVE', detail: `device ${device.deviceId} (DevEUI ${uplink.devEui}) ${why}`, deviceId: device.deviceId, ...(device.domain === null ? {} : { domain: device.domain }) };
    }
    if (!mayTake(device)) {
      return { reason: 'TOPIC_FORBIDDEN', detail: `device ${device.deviceId} (DevEUI ${uplink.devEui}) is outside the towns and domains this sender may write for`, deviceId: device.deviceId, domain: device.domain };
    }
    // Its domain was checked above (not null); TypeScript does not narrow a property of the object.
    return { device: device as RegistryDevice & { readonly domain: string } };
  }

  /** A listener's failure is its own: logged, never the uplink's. */
  private tell(notify: () => void): void {
    try {
      notify();
    } catch (error) {
      this.logger.error({ msg: 'A LoRaWAN listener failed', error });
    }
  }

  private clientOf(connection: string): PublishingClient {
    let client = this.clients.get(connection);
    if (client === undefined) this.clients.set(connection, (client = { id: `network-server:${connection}`, connectionless: true }));
    return client;
  }

  private countsFor(connection: string): UplinkCounts {
    let counts = this.counts.get(connection);
    if (counts === undefined) this.counts.set(connection, (counts = { uplinks: 0, otherEvents: 0, refused: 0 }));
    return counts;
  }
}

/** A non-uplink event's JSON object and the DevEUI it names (lower case; null when it names none), read once. */
interface DeviceEvent {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly devEui: string | null;
}

function deviceEvent(payload: Uint8Array): DeviceEvent | null {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return null;
  }
  if (!isPlainObject(fields)) return null;
  const devEui = isPlainObject(fields.deviceInfo) && typeof fields.deviceInfo.devEui === 'string' ? fields.deviceInfo.devEui.toLowerCase() : null;
  return { fields, devEui };
}

/**
 * A ChirpStack `log` event of level ERROR (an uplink the network server could not handle: a codec error on its
 * side, a frame-counter reset, a MIC failure) is worth an operator's look: it becomes a dead letter. Other
 * non-data events (join, txack, location, lower log levels) are acknowledged and counted only.
 */
function networkServerError({ fields, devEui }: DeviceEvent): { devEui: string; detail: string } | null {
  if (fields.level !== 'ERROR') return null;
  const code = typeof fields.code === 'string' ? fields.code : 'unknown code';
  const description = typeof fields.description === 'string' ? fields.description.slice(0, 300) : '';
  return { devEui: devEui ?? '', detail: `network server error ${code} for DevEUI ${devEui ?? 'unknown'}: ${description}` };
}

/** A ChirpStack ack event: which queued downlink, and whether the device acknowledged it. */
function downlinkAck({ fields, devEui }: DeviceEvent): { devEui: string; queueItemId: string; acknowledged: boolean } | null {
  if (devEui === null || typeof fields.queueItemId !== 'string') return null;
  // Protobuf's JSON mapping leaves false out: an ack without `acknowledged` is a negative one.
  return { devEui, queueItemId: fields.queueItemId, acknowledged: fields.acknowledged === true };
}

/**
 * A ChirpStack status event (the device's answer to DevStatusReq): battery level in percent (absent when it runs on
 * external power or cannot measure) and the link margin in dB, at the event's time.
 */
function deviceStatus({ fields, devEui }: DeviceEvent): { devEui: string; at: number; metrics: Record<string, number> } | null {
  const at = typeof fields.time === 'string' ? parseTimestamp(fields.time) : undefined;
  if (devEui === null || at === undefined) return null;
  const metrics: Record<string, number> = {};
  if (typeof fields.batteryLevel === 'number' && fields.externalPowerSource !== true && fields.batteryLevelUnavailable !== true) metrics.battery_pct = fields.batteryLevel;
  // Protobuf's JSON mapping leaves a zero margin out.
  metrics.link_margin_db = typeof fields.margin === 'number' ? fields.margin : 0;
  return { devEui, at, metrics };
}
