import { MetricCatalogue } from '@hub/contract';
import { Domain, RejectReason } from '@hub/contract';
import { DeviceFaultPlan, FaultSpec, FaultTarget } from './fault-plan';
import { deriveSeed, mulberry32, Random } from '@hub/common';
import { createDeviceProfile, DeviceProfile, generateMetrics } from './reading-generator';
import { encodeVendorPayload, PayloadFormat } from './vendor-payload';

export type TimestampFormat = 'epoch-ms' | 'iso' | 'none';
export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['epoch-ms', 'iso', 'none'];

/** One reading as the simulator sent it; tests compare these with what the hub stored. */
export interface SentReading {
  readonly deviceId: string;
  readonly domain: Domain;
  /** 1-based number of the reading on its device (the numbering fault windows use). */
  readonly reading: number;
  /** Event time in epoch ms as sent, or undefined when ts was omitted (the hub then uses its receive time). */
  readonly ts: number | undefined;
  readonly seq?: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly valid: boolean;
  readonly expectedReason?: RejectReason;
  /** Set once the broker acknowledged the publish carrying it (QoS 1 PUBACK). */
  acked: boolean;
}

export interface DeviceMessage {
  /** Undefined when every reading slot of this step was silent. */
  readonly payload?: string;
  readonly readings: readonly SentReading[];
  /** The rejections the hub should record for this payload: one for a malformed payload, else one per bad reading. */
  readonly expectedRejections: readonly RejectReason[];
  /** A silent fault with disconnect was reached: drop the connection, publish nothing more. */
  readonly disconnect: boolean;
}

export interface MessageSourceConfig {
  readonly target: FaultTarget;
  readonly seed: number;
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Event time of reading 1. */
  readonly startTs: number;
  readonly timestampFormat: TimestampFormat;
  readonly withSeq: boolean;
  /** Readings per device before the source is exhausted; undefined = endless. */
  readonly count?: number;
  readonly faults: readonly FaultSpec[];
  /** The metrics and ranges readings are drawn from: the hub's live catalogue (with --api); default the built-ins. */
  readonly catalogue?: MetricCatalogue;
  /** Default 'contract'; a vendor format sends one reading per publish (vendor-payload.ts). */
  readonly payloadFormat?: PayloadFormat;
}

/**
 * The pure heart of a simulated device: turns reading slots into MQTT payloads. No timers, no I/O, so a run can be
 * replayed and inspected in a unit test. Every slot consumes the same random numbers whether or not a fault
 * hides or alters it, so a faulty device's healthy readings equal those of the same device without faults.
 */
export class TelemetryMessageSource {
  private readonly random: Random;
  private readonly profile: DeviceProfile;
  private readonly faults: DeviceFaultPlan;
  private nextReading = 1;
  private dropped = false;

  constructor(private readonly config: MessageSourceConfig) {
    this.random = mulberry32(deriveSeed(config.seed, config.target.deviceId));
    this.profile = createDeviceProfile(config.target.domain, this.random, config.catalogue ?? MetricCatalogue.BUILT_IN);
    this.faults = new DeviceFaultPlan(config.target, config.faults, config.catalogue ?? MetricCatalogue.BUILT_IN);
  }

  get exhausted(): boolean {
    return this.dropped || (this.config.count !== undefined && this.nextReading > this.config.count);
  }

  /** The next publish: up to batchSize reading slots. Call only while !exhausted. */
  next(): DeviceMessage {
    const { target, batchSize, count } = this.config;
    const readings: SentReading[] = [];
    const entries: Record<string, unknown>[] = [];
    let malformed = false;
    let disconnect = false;
    const last = Math.min(this.nextReading + batchSize - 1, count ?? Infinity);
    for (; this.nextReading <= last; this.nextReading++) {
      const number = this.nextReading;
      const eventTs = this.config.startTs + (number - 1) * this.config.intervalMs;
      const outcome = this.faults.apply(number, generateMetrics(this.profile, eventTs, this.random));
      if (outcome.disconnect) {
        this.dropped = true;
        disconnect = true;
        break;
      }
      if (!outcome.publish) continue;
      malformed ||= outcome.malformed;
      const ts = this.config.timestampFormat === 'none' ? undefined : eventTs;
      const seq = this.config.withSeq ? number : undefined;
      entries.push({
        ...(ts === undefined ? {} : { ts: this.config.timestampFormat === 'iso' ? new Date(ts).toISOString() : ts }),
        ...(seq === undefined ? {} : { seq }),
        metrics: outcome.metrics,
      });
      readings.push({
        deviceId: target.deviceId,
        domain: target.domain,
        reading: number,
        ts,
        ...(seq === undefined ? {} : { seq }),
        metrics: outcome.metrics,
        valid: outcome.expectedReason === undefined,
        ...(outcome.expectedReason === undefined ? {} : { expectedReason: outcome.expectedReason }),
        acked: false,
      });
    }
    if (entries.length === 0) return { readings: [], expectedRejections: [], disconnect };
    const format = this.config.payloadFormat ?? 'contract';
    if (format !== 'contract') return this.vendorMessage(format, readings[0], disconnect);

    const json = JSON.stringify(batchSize > 1 ? entries : entries[0]);
    if (malformed) {
      // A truncated object or array always lacks its closing bracket, so it can never parse.
      const all = readings.map((reading) => ({ ...reading, valid: false, expectedReason: 'MALFORMED_JSON' as const }));
      return { payload: json.slice(0, Math.max(1, Math.floor(json.length / 2))), readings: all, expectedRejections: ['MALFORMED_JSON'], disconnect };
    }
    const expectedRejections = readings.flatMap((reading) => (reading.expectedReason === undefined ? [] : [reading.expectedReason]));
    return { payload: json, readings, expectedRejections, disconnect };
  }

  /** One reading in a vendor's format; the report keeps what the device's profile makes of it (the time to the second). */
  private vendorMessage(format: Exclude<PayloadFormat, 'contract'>, generated: SentReading, disconnect: boolean): DeviceMessage {
    const eventTs = this.config.startTs + (generated.reading - 1) * this.config.intervalMs;
    const { payload, stored } = encodeVendorPayload(format, eventTs, generated.metrics);
    const reading: SentReading = { ...generated, ts: stored.ts, metrics: stored.metrics };
    return { payload, readings: [reading], expectedRejections: reading.expectedReason === undefined ? [] : [reading.expectedReason], disconnect };
  }
}
