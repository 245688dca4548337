import type { InfluxSeries, InfluxValue } from '@hub/influx';
import { BucketSample } from './device-evaluation';

/**
 * Reads the answers of alert-query.builder's statements. Columns are found by their alias (`AS "max"`), never by
 * position, and series are keyed by their `device_id` tag; several statements in one answer can be told apart by
 * their columns.
 */
export type AggregateRow = Readonly<Record<string, number | null>>;

/** One row per device (statements grouped by device but not by time), with `time` kept as a column. */
export function rowsByDevice(series: readonly InfluxSeries[]): Map<string, Record<string, number | null>> {
  const rows = new Map<string, Record<string, number | null>>();
  for (const entry of series) {
    const deviceId = entry.tags?.device_id;
    const values = entry.values[0];
    if (deviceId === undefined || values === undefined) continue;
    const row = rows.get(deviceId) ?? {};
    entry.columns.forEach((column, index) => {
      const key = column === 'time' ? `time:${entry.columns[1] ?? ''}` : column;
      row[key] = asNumber(values[index]);
    });
    rows.set(deviceId, row);
  }
  return rows;
}

/**
 * The answer of extremeDevicesStatement: each device's most extreme reading, per side (`top` and/or `bottom`), with
 * `full` when a side returned as many devices as it asked for (there may be more beyond).
 */
export function extremeDevices(series: readonly InfluxSeries[], limit: number): Array<{ side: 'top' | 'bottom'; full: boolean; devices: Map<string, number> }> {
  const sides: Array<{ side: 'top' | 'bottom'; full: boolean; devices: Map<string, number> }> = [];
  for (const entry of series) {
    const side = entry.columns.includes('top') ? 'top' : entry.columns.includes('bottom') ? 'bottom' : undefined;
    if (side === undefined) continue;
    const [value, device] = [entry.columns.indexOf(side), entry.columns.indexOf('device_id')];
    const devices = new Map<string, number>();
    for (const row of entry.values) {
      const reading = asNumber(row[value]);
      if (typeof row[device] === 'string' && reading !== null) devices.set(row[device] as string, reading);
    }
    sides.push({ side, full: entry.values.length >= limit, devices });
  }
  return sides;
}

/** Time buckets per device, in time order; a bucket missing any aggregate (no readings) is skipped. */
export function bucketsByDevice(series: readonly InfluxSeries[]): Map<string, BucketSample[]> {
  const buckets = new Map<string, BucketSample[]>();
  for (const entry of series) {
    const deviceId = entry.tags?.device_id;
    if (deviceId === undefined) continue;
    const column = (name: string): number => entry.columns.indexOf(name);
    const [time, min, max, mean, last, count] = ['time', 'min', 'max', 'mean', 'last', 'count'].map(column);
    const samples = buckets.get(deviceId) ?? [];
    for (const row of entry.values) {
      const sample = {
        t: asNumber(row[time]),
        min: asNumber(row[min]),
        max: asNumber(row[max]),
        mean: asNumber(row[mean]),
        last: asNumber(row[last]),
        count: asNumber(row[count]),
      };
      if (Object.values(sample).every((value) => value !== null)) samples.push(sample as BucketSample);
    }
    samples.sort((a, b) => a.t - b.t);
    buckets.set(deviceId, samples);
  }
  return buckets;
}

function asNumber(value: InfluxValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
