import type { DecoderRefusalReason } from '@hub/decoders';
import { SentUplink, UplinkPublish } from './lorawan-uplink-source';

/**
 * What the simulated network server sent, per kind, so a test can compare it with what the hub stored: every
 * distinct uplink (DevEUI, fCnt) should be stored once or dead-lettered once, however often it was published.
 */
export interface NetworkServerReport {
  readonly kind: 'chirpstack';
  readonly applicationId: string;
  /** The MQTT client id of the network server's integration (one connection for the whole fleet). */
  readonly clientId: string;
  /** Each simulated device's DevEUI, to register with the hub (also planLoRaWanFleet before the run). */
  readonly devices: readonly { readonly deviceId: string; readonly devEui: string }[];
  /** Events published: distinct uplinks plus the second publishes of duplicates. */
  readonly events: number;
  /** Events whose QoS 1 publish the broker acknowledged. */
  readonly eventsAcked: number;
  /** Distinct uplinks by kind. */
  readonly uplinks: {
    readonly decodable: number;
    readonly undecodable: number;
    readonly codecError: number;
  };
  /** Second publishes of the same event (the same fCnt). */
  readonly duplicates: number;
  /** Uplinks published after a later fCnt of the same device (a gateway had buffered them). */
  readonly outOfOrder: number;
  /** Readings the hub should store: one per decodable uplink, duplicates counted once. */
  readonly expectedStored: number;
  /** Uplinks the hub's decoder should refuse, per reason. */
  readonly expectedRefusals: Readonly<Partial<Record<DecoderRefusalReason, number>>>;
  /** Every distinct uplink, when recordReadings was set. */
  readonly sent?: readonly SentUplink[];
}

export class NetworkServerTally {
  private events = 0;
  private eventsAcked = 0;
  private decodable = 0;
  private undecodable = 0;
  private codecError = 0;
  private duplicates = 0;
  private outOfOrder = 0;
  private readonly refusals: Partial<Record<DecoderRefusalReason, number>> = {};
  private readonly sent: SentUplink[] | undefined;

  constructor(
    private readonly context: Pick<NetworkServerReport, 'applicationId' | 'clientId' | 'devices'>,
    recordUplinks: boolean,
  ) {
    this.sent = recordUplinks ? [] : undefined;
  }

  published({ uplink, repeat }: UplinkPublish): void {
    this.events++;
    if (repeat) {
      this.duplicates++;
      return;
    }
    if (uplink.outOfOrder) this.outOfOrder++;
    if (uplink.fault === 'undecodable') this.undecodable++;
    else if (uplink.fault === 'codec-error') this.codecError++;
    else this.decodable++;
    if (uplink.expectedRefusal !== undefined) this.refusals[uplink.expectedRefusal] = (this.refusals[uplink.expectedRefusal] ?? 0) + 1;
    this.sent?.push(uplink);
  }

  acked(): void {
    this.eventsAcked++;
  }

  snapshot(): NetworkServerReport {
    return {
      kind: 'chirpstack',
      ...this.context,
      events: this.events,
      eventsAcked: this.eventsAcked,
      uplinks: { decodable: this.decodable, undecodable: this.undecodable, codecError: this.codecError },
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      expectedStored: this.decodable,
      expectedRefusals: { ...this.refusals },
      ...(this.sent === undefined ? {} : { sent: this.sent.map((uplink) => ({ ...uplink })) }),
    };
  }
}
