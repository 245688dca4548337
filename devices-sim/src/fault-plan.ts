import { Domain, isDomainName, type MetricCatalogue, RejectReason } from '@hub/contract';
import type { UplinkFaultSpec } from './uplink-fault-plan';

/**
 * Fault injection, as pure data and pure functions: which device misbehaves, on which readings, how, and which
 * reject reason the hub is expected to record for it. Tests compare that expectation with what the hub stored.
 */
export const FAULT_MODES = ['out-of-range', 'malformed-json', 'unknown-metric', 'silent', 'stuck', 'spike'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** The reason validateTelemetry must give for a reading carrying each invalid fault; undefined = still valid. */
export const FAULT_EXPECTED_REASON: Readonly<Record<FaultMode, RejectReason | undefined>> = {
  'out-of-range': 'VALUE_OUT_OF_RANGE',
  'malformed-json': 'MALFORMED_JSON',
  'unknown-metric': 'METRIC_UNKNOWN',
  silent: undefined,
  stuck: undefined,
  spike: undefined,
};

export interface FaultSpec {
  readonly mode: FaultMode;
  /** Exact devices; when set, `devices` and `domain` only narrow it further. */
  readonly deviceIds?: readonly string[];
  /** The first N devices of each selected domain (default: all of them). */
  readonly devices?: number;
  readonly domain?: Domain;
  /** out-of-range, spike, stuck: the metric (default: the domain's first; stuck: all). unknown-metric: the name to send. */
  readonly metric?: string;
  /** Only every Nth reading (N, 2N, 3N …) inside the window. */
  readonly everyNth?: number;
  /** Window of reading numbers, 1-based and inclusive (the device's first reading is 1). Default: all. */
  readonly fromReading?: number;
  readonly toReading?: number;
  /** out-of-range: the value sent (must be outside the range); spike/stuck: the value (must be inside it). */
  readonly value?: number;
  /** silent only: drop the TCP connection without DISCONNECT, so the broker publishes the last will [MQTT-3.1.2-8]. */
  readonly disconnect?: boolean;
}

export class FaultSpecError extends Error {
  constructor(
    readonly fault: FaultSpec | UplinkFaultSpec,
    problem: string,
  ) {
    super(`Invalid fault ${JSON.stringify(fault)}: ${problem}`);
    this.name = 'FaultSpecError';
  }
}

export interface FaultTarget {
  readonly deviceId: string;
  readonly domain: Domain;
  /** 1-based position of the device within its domain. */
  readonly index: number;
}

export interface FaultOutcome {
  /** The metrics to send (after stuck/spike/out-of-range/unknown-metric). */
  readonly metrics: Record<string, number>;
  /** False while a `silent` fault holds the device quiet. */
  readonly publish: boolean;
  /** A `silent` fault with disconnect: drop the connection now. */
  readonly disconnect: boolean;
  /** The payload carrying this reading must be truncated. */
  readonly malformed: boolean;
  readonly expectedReason?: RejectReason;
}

/** Checks the parts of a fault that do not depend on the device; throws FaultSpecError. */
export function checkFaultSpec(fault: FaultSpec): void {
  if (!(FAULT_MODES as readonly string[]).includes(fault.mode)) {
    throw new FaultSpecError(fault, `mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  checkFaultSelection(fault);
  if (fault.value !== undefined && !Number.isFinite(fault.value)) throw new FaultSpecError(fault, 'value must be a finite number');
  if (fault.disconnect && fault.mode !== 'silent') throw new FaultSpecError(fault, 'disconnect applies to silent only');
}

/** The device selection and the reading window, as every fault kind has them. */
export function checkFaultSelection(fault: FaultSpec | UplinkFaultSpec): void {
  if (fault.domain !== undefined && !isDomainName(fault.domain)) throw new FaultSpecError(fault, 'not a domain name');
  for (const [name, value, min] of [
    ['devices', fault.devices, 0],
    ['everyNth', fault.everyNth, 1],
    ['fromReading', fault.fromReading, 1],
    ['toReading', fault.toReading, 1],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new FaultSpecError(fault, `${name} must be a whole number ≥ ${min}`);
    }
  }
  if ((fault.toReading ?? Infinity) < (fault.fromReading ?? 1)) throw new FaultSpecError(fault, 'toReading is before fromReading');
}

/** Which devices a fault picks; the same selection for payload faults and the uplink faults of uplink-fault-plan.ts. */
export type FaultSelection = Pick<FaultSpec, 'deviceIds' | 'devices' | 'domain' | 'everyNth' | 'fromReading' | 'toReading'>;

export function faultApplies(fault: FaultSelection, target: FaultTarget): boolean {
  if (fault.deviceIds !== undefined && !fault.deviceIds.includes(target.deviceId)) return false;
  if (fault.domain !== undefined && fault.domain !== target.domain) return false;
  return fault.devices === undefined || target.index <= fault.devices;
}

export function inWindow(fault: FaultSelection, readingNumber: number): boolean {
  return (
    readingNumber >= (fault.fromReading ?? 1) &&
    readingNumber <= (fault.toReading ?? Infinity) &&
    readingNumber % (fault.everyNth ?? 1) === 0
  );
}

/** The faults of one device, with their metrics and values resolved against its domain. */
export class DeviceFaultPlan {
  private readonly faults: readonly FaultSpec[];
  private readonly stuckValues = new Map<FaultSpec, Record<string, number>>();

  constructor(
    private readonly target: FaultTarget,
    faults: readonly FaultSpec[],
    private readonly catalogue: MetricCatalogue,
  ) {
    this.faults = faults.filter((fault) => faultApplies(fault, target));
    for (const fault of this.faults) this.checkForDomain(fault);
  }

  get isEmpty(): boolean {
    return this.faults.length === 0;
  }

  apply(readingNumber: number, generated: Readonly<Record<string, number>>): FaultOutcome {
    const metrics = { ...generated };
    let publish = true;
    let disconnect = false;
    let invalid: FaultSpec | undefined;
    for (const fault of this.faults) {
      if (!inWindow(fault, readingNumber)) continue;
      switch (fault.mode) {
        case 'silent':
          publish = false;
          disconnect ||= fault.disconnect === true;
          break;
        case 'stuck':
          Object.assign(metrics, this.stuckValue(fault, metrics));
          break;
        case 'spike': {
          const metric = this.metricOf(fault);
          metrics[metric] = fault.value ?? nearTop(this.rangeOf(metric));
          break;
        }
        default:
          // One invalid fault per reading, the first listed, so the expected reason is never ambiguous.
          invalid ??= fault;
      }
    }
    if (invalid?.mode === 'out-of-range') {
      const metric = this.metricOf(invalid);
      metrics[metric] = invalid.value ?? beyondRange(this.rangeOf(metric));
    } else if (invalid?.mode === 'unknown-metric') {
      metrics[invalid.metric ?? 'unknown_metric'] = 1;
    }
    return {
      metrics,
      publish,
      disconnect,
      malformed: invalid?.mode === 'malformed-json',
      expectedReason: invalid === undefined ? undefined : FAULT_EXPECTED_REASON[invalid.mode],
    };
  }

  private rangeOf(metric: string): readonly [number, number] {
    const spec = this.catalogue.metricSpec(this.target.domain, metric);
    if (spec === undefined) throw new Error(`${metric} is not a ${this.target.domain} metric`);
    return spec.range;
  }

  private metricOf(fault: FaultSpec): string {
    return fault.metric ?? this.catalogue.metricNames(this.target.domain)[0];
  }

  /** The values captured on the first reading of the window; a stuck sensor repeats them exactly. */
  private stuckValue(fault: FaultSpec, metrics: Readonly<Record<string, number>>): Record<string, number> {
    let stuck = this.stuckValues.get(fault);
    if (stuck === undefined) {
      const names = fault.metric === undefined ? Object.keys(metrics) : [fault.metric];
      stuck = Object.fromEntries(names.map((name) => [name, fault.value ?? metrics[name]]));
      this.stuckValues.set(fault, stuck);
    }
    return stuck;
  }

  private checkForDomain(fault: FaultSpec): void {
    const domain = this.target.domain;
    if (fault.mode === 'unknown-metric') {
      if (fault.metric !== undefined && this.catalogue.metricSpec(domain, fault.metric) !== undefined) {
        throw new FaultSpecError(fault, `${fault.metric} is a real ${domain} metric; unknown-metric needs a name outside the catalogue`);
      }
      return;
    }
    if (fault.mode !== 'out-of-range' && fault.mode !== 'spike' && fault.mode !== 'stuck') return;
    if (fault.mode === 'stuck' && fault.metric === undefined) {
      if (fault.value !== undefined) throw new FaultSpecError(fault, 'stuck with a value needs a metric');
      return;
    }
    const spec = this.catalogue.metricSpec(domain, this.metricOf(fault));
    if (spec === undefined) {
      throw new FaultSpecError(fault, `${fault.metric} is not a ${domain} metric (${this.catalogue.metricNames(domain).join(', ')})`);
    }
    if (fault.value === undefined) return;
    const inside = fault.value >= spec.range[0] && fault.value <= spec.range[1] && (!spec.integer || Number.isInteger(fault.value));
    if (fault.mode === 'out-of-range' && (fault.value >= spec.range[0] && fault.value <= spec.range[1])) {
      throw new FaultSpecError(fault, `value ${fault.value} is inside the range [${spec.range.join(', ')}], so it would be accepted`);
    }
    if (fault.mode !== 'out-of-range' && !inside) {
      throw new FaultSpecError(fault, `value ${fault.value} must be a valid ${fault.metric} value in [${spec.range.join(', ')}]`);
    }
  }
}

/** Half a range-width above the physical maximum: unmistakably a faulty probe. */
export function beyondRange([min, max]: readonly [number, number]): number {
  return Math.round(max + (max - min) / 2);
}

/** 95 % of the way up the physical range: valid, but far outside normal (e.g. methane 95 %LEL). */
export function nearTop([min, max]: readonly [number, number]): number {
  return Math.round(min + (max - min) * 0.95);
}


