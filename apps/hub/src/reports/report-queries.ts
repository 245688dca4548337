import { quoteIdentifier, type InfluxSeries, type InfluxValue } from '@hub/influx';
import type { AreaPath } from '../areas/area-path';
import { areaConditions } from '../areas/rollup-query';
import type { DeviceActivity, MetricSummary } from './report-figures';

/** The readings a report reads: one domain's, of an area, in a period. */
export interface ReportSelection {
  readonly domain: string;
  readonly area: AreaPath;
  readonly start: number;
  readonly end: number;
  /** The retention policy raw readings are written to (INFLUX_RETENTION_POLICY); null: the database's default. */
  readonly rawPolicy: string | null;
}

/** The domain's raw readings: a report reads them as sent, in the policy the hub writes them to. */
function rawMeasurementOf(selection: ReportSelection): string {
  const measurement = quoteIdentifier(selection.domain);
  return selection.rawPolicy === null ? measurement : `${quoteIdentifier(selection.rawPolicy)}.${measurement}`;
}

function whereOf(selection: ReportSelection): string {
  return [`time >= ${selection.start}ms AND time < ${selection.end}ms`, ...areaConditions(selection.area)].join(' AND ');
}

/**
 * One metric over the whole period, as the roll-ups compute theirs (rollup-query.ts): per device in the inner query,
 * combined over the area's devices in the outer one. No GROUP BY time: the period is the WHERE range, whose bounds are
 * the county's midnights (report-period.ts), so no tz() is needed.
 */
export function metricSummaryInfluxQl(selection: ReportSelection, metric: string): string {
  const field = quoteIdentifier(metric);
  const where = whereOf(selection);
  const inner = `SELECT sum(${field}) AS "s", count(${field}) AS "n", min(${field}) AS "lo", max(${field}) AS "hi", mean(${field}) AS "m" FROM ${rawMeasurementOf(selection)} WHERE ${where} GROUP BY "device_id"`;
  return `SELECT sum("s") AS "sum", sum("n") AS "readings", min("lo") AS "min", max("hi") AS "max", sum("m") AS "means", count("n") AS "devices" FROM (${inner}) WHERE time >= ${selection.start}ms AND time < ${selection.end}ms`;
}

/** The summary from metricSummaryInfluxQl's answer; null when no reading of the metric was in the period. */
export function summaryFromSeries(series: readonly InfluxSeries[]): MetricSummary | null {
  const entry = series[0];
  const row = entry?.values[0];
  if (entry === undefined || row === undefined) return null;
  const read = (name: string): number => numberOr0(row[entry.columns.indexOf(name)]);
  const readings = read('readings');
  if (readings === 0) return null;
  return { devices: read('devices'), readings, sum: read('sum'), min: read('min'), max: read('max'), sumOfDeviceMeans: read('means') };
}

/**
 * Each device's longest time between two consecutive readings: ELAPSED per field, its max per device. A reading
 * carries several fields; the device's gap is the smallest of its fields' longest gaps (a field the device sends with
 * every reading has exactly the gaps of its readings, and one sent less often only longer ones).
 */
export function silencesInfluxQl(selection: ReportSelection): string {
  const inner = `SELECT elapsed(*, 1ms) FROM ${rawMeasurementOf(selection)} WHERE ${whereOf(selection)} GROUP BY "device_id"`;
  return `SELECT max(*) FROM (${inner}) WHERE time >= ${selection.start}ms AND time < ${selection.end}ms GROUP BY "device_id"`;
}

/**
 * Each device's first and last reading of each metric, with their real instants (InfluxQL gives a selector's own
 * time only when it is alone in its statement): two statements per metric, in one request.
 */
export function edgesInfluxQl(selection: ReportSelection, metrics: readonly string[]): string {
  const where = whereOf(selection);
  const from = rawMeasurementOf(selection);
  return metrics
    .flatMap((metric) => [`SELECT first(${quoteIdentifier(metric)}) FROM ${from} WHERE ${where} GROUP BY "device_id"`, `SELECT last(${quoteIdentifier(metric)}) FROM ${from} WHERE ${where} GROUP BY "device_id"`])
    .join('; ');
}

/** Per device that sent anything in the period: its first and last reading and the longest time between two. */
export function activityFromSeries(edges: readonly InfluxSeries[], silences: readonly InfluxSeries[]): Map<string, DeviceActivity> {
  const firstAndLast = new Map<string, { first: number; last: number }>();
  for (const entry of edges) {
    const deviceId = entry.tags?.device_id;
    if (deviceId === undefined || deviceId === '') continue;
    const isFirst = entry.columns.includes('first');
    for (const row of entry.values) {
      const t = Number(row[0]);
      const known = firstAndLast.get(deviceId) ?? { first: t, last: t };
      firstAndLast.set(deviceId, isFirst ? { ...known, first: Math.min(known.first, t) } : { ...known, last: Math.max(known.last, t) });
    }
  }
  const longest = new Map<string, number>();
  for (const entry of silences) {
    const deviceId = entry.tags?.device_id;
    const row = entry.values[0];
    if (deviceId === undefined || row === undefined) continue;
    const perField = row.slice(1).filter((value): value is number => typeof value === 'number');
    if (perField.length > 0) longest.set(deviceId, Math.min(...perField));
  }
  const activity = new Map<string, DeviceActivity>();
  for (const [deviceId, { first, last }] of firstAndLast) activity.set(deviceId, { first, last, longestBetweenMs: longest.get(deviceId) ?? 0 });
  return activity;
}

function numberOr0(value: InfluxValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}
