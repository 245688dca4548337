import type { AlertFigures, DeviceGap, DomainAvailability, MetricFigures, Severity } from '@hub/api-types';

/** The figures' shapes are the API's (@hub/api-types); the maths that fill them is here, free of I/O. */
export type { AlertFigures, DeviceGap, DomainAvailability, MetricFigures, ReportFigures } from '@hub/api-types';

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One alert as the report reads it: its severity and the instants of its lifecycle. */
export interface ReportedAlert {
  readonly severity: Severity;
  readonly firedAt: number;
  readonly acknowledgedAt: number | null;
  readonly resolvedAt: number | null;
}

export function alertFigures(alerts: readonly ReportedAlert[]): AlertFigures {
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const alert of alerts) bySeverity[alert.severity] += 1;
  const toAcknowledge = alerts.filter((alert) => alert.acknowledgedAt !== null).map((alert) => alert.acknowledgedAt! - alert.firedAt);
  const toResolve = alerts.filter((alert) => alert.resolvedAt !== null).map((alert) => alert.resolvedAt! - alert.firedAt);
  return {
    total: alerts.length,
    bySeverity,
    acknowledged: toAcknowledge.length,
    meanTimeToAcknowledgeMs: mean(toAcknowledge),
    medianTimeToAcknowledgeMs: median(toAcknowledge),
    resolved: toResolve.length,
    meanTimeToResolveMs: mean(toResolve),
    medianTimeToResolveMs: median(toResolve),
  };
}

/** What InfluxDB answered about one device's readings in the period (any metric). */
export interface DeviceActivity {
  /** Its first and last reading's instants. */
  readonly first: number;
  readonly last: number;
  /** The longest time between two consecutive readings within the period (0 with one reading). */
  readonly longestBetweenMs: number;
}

/** A registered device of the area, as availability reads it. */
export interface AreaDevice {
  readonly deviceId: string;
  readonly expectedIntervalS: number | null;
}

/**
 * Availability of one domain's devices: who reported, and who fell silent for longer than their expected interval —
 * between two readings, from the period's start to the first, or from the last to the period's end.
 */
export function availabilityOf(domain: string, devices: readonly AreaDevice[], activity: ReadonlyMap<string, DeviceActivity>, period: { start: number; end: number }): DomainAvailability {
  const gaps: DeviceGap[] = [];
  let reporting = 0;
  for (const device of devices) {
    const seen = activity.get(device.deviceId);
    if (seen === undefined) continue;
    reporting += 1;
    if (device.expectedIntervalS === null) continue;
    const longest = Math.max(seen.first - period.start, seen.longestBetweenMs, period.end - seen.last);
    if (longest > device.expectedIntervalS * 1000) gaps.push({ deviceId: device.deviceId, longestSilenceMs: longest, expectedIntervalS: device.expectedIntervalS });
  }
  gaps.sort((a, b) => b.longestSilenceMs - a.longestSilenceMs || a.deviceId.localeCompare(b.deviceId));
  return { domain, devices: devices.length, reporting, withGaps: gaps.length, gaps };
}

/** A rate unit and the unit of its total over hours: m³/h → m³, kW → kWh. Null: not a rate. */
export function totalUnitOf(unit: string): string | null {
  if (unit.endsWith('/h')) return unit.slice(0, -2);
  if (/^[kMG]?W$/.test(unit)) return `${unit}h`;
  return null;
}

/** One metric's summary as InfluxDB answered it (the report's query over the whole period). */
export interface MetricSummary {
  readonly devices: number;
  readonly readings: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Each device's mean, summed over devices: the area's mean rate. */
  readonly sumOfDeviceMeans: number;
}

export function metricFigures(domain: string, metric: string, unit: string, summary: MetricSummary, periodMs: number): MetricFigures {
  const totalUnit = totalUnitOf(unit);
  return {
    domain,
    metric,
    unit,
    devices: summary.devices,
    readings: summary.readings,
    mean: summary.sum / summary.readings,
    min: summary.min,
    max: summary.max,
    total: totalUnit === null ? null : summary.sumOfDeviceMeans * (periodMs / 3_600_000),
    totalUnit,
  };
}
