import type { InfluxSeries } from '@hub/influx';
import { NoDataCondition } from '../rules/alert-rule';
import { DeviceEvaluation } from './device-evaluation';
import { rowsByDevice } from './query-result.parser';

/** A device the no-data rule looks at: what InfluxDB holds for the metric, and what the hub itself last received. */
export interface NoDataDevice {
  readonly deviceId: string;
  /** Event time of the newest reading of the metric in InfluxDB (within the recent window read); null when none. */
  readonly storedLastTs: number | null;
  /**
   * Event time of the newest reading of the metric the hub accepted (device presence), stored yet or not: readings
   * waiting in the writer or the outage spool during an InfluxDB outage must not read as silence.
   */
  readonly receivedLastTs: number | null;
  /** The device's usual reporting interval, measured over the baseline; null when unknown. */
  readonly usualIntervalMs: number | null;
}

export interface NoDataContext {
  readonly now: number;
  readonly baselineStart: number;
  /**
   * When this evaluator started. Silence is only declared once the hub itself has been running for longer than the
   * silence threshold: right after a restart, devices are still reconnecting and resending what they buffered.
   */
  readonly runningSince: number;
}

/**
 * Silence per device, by event time. A device is silent once its newest reading of the metric is older than the
 * rule's threshold: `silentFor`, or `intervalMultiple` × its own usual interval (measured over the baseline), or the
 * larger of both. Devices that never reported the metric are not expected to, and are left alone.
 */
export function evaluateNoData(condition: NoDataCondition, devices: readonly NoDataDevice[], context: NoDataContext): DeviceEvaluation[] {
  const evaluations: DeviceEvaluation[] = [];
  for (const device of devices) {
    const lastTs = maxOf(device.storedLastTs, device.receivedLastTs);
    if (lastTs === null) continue;
    const usualIntervalMs = condition.intervalMultiple === null ? null : device.usualIntervalMs;
    const thresholdMs = silenceThreshold(condition, usualIntervalMs, context.now - context.baselineStart);
    const silentMs = Math.max(0, context.now - lastTs);
    const silentSeconds = Math.round(silentMs / 1000);
    const facts = { thresholdMs, lastReadingAt: lastTs, ...(usualIntervalMs === null ? {} : { usualIntervalMs }) };
    const base = { deviceId: device.deviceId, latestAt: context.now, latestValue: silentSeconds, facts };
    if (silentMs < thresholdMs) {
      evaluations.push({ ...base, episodes: [], clearSince: lastTs });
    } else if (context.now - context.runningSince >= thresholdMs) {
      evaluations.push({ ...base, episodes: [{ start: lastTs, end: null, value: silentSeconds, valueAt: context.now, peak: silentSeconds, peakScore: silentSeconds }], clearSince: null });
    } else {
      evaluations.push({ ...base, episodes: [], clearSince: null });
    }
  }
  return evaluations;
}

/**
 * (last − first) / (count − 1) over the baseline, with "first" approximated by the later of the baseline start and
 * the device's first appearance. Needs three readings; fewer cannot tell an interval from a gap.
 */
export function usualInterval(lastTs: number | null, count: number, firstSeen: number | null, baselineStart: number): number | null {
  if (lastTs === null || count < 3) return null;
  const first = Math.max(baselineStart, firstSeen ?? baselineStart);
  const span = lastTs - first;
  return span > 0 ? Math.round(span / (count - 1)) : null;
}

/** With only a multiple and no measurable interval, the device must have been silent for the whole baseline. */
export function silenceThreshold(condition: NoDataCondition, usualIntervalMs: number | null, baselineMs: number): number {
  const fromInterval =
    condition.intervalMultiple === null ? 0 : usualIntervalMs === null ? (condition.silentForMs === null ? baselineMs : 0) : condition.intervalMultiple * usualIntervalMs;
  return Math.round(Math.max(condition.silentForMs ?? 0, fromInterval));
}

/** The answer of `SELECT last(m) AS "last" …; SELECT count(m) AS "count" …`, both grouped by device. */
export function storedActivity(series: readonly InfluxSeries[]): Map<string, { lastTs: number | null; count: number }> {
  const activity = new Map<string, { lastTs: number | null; count: number }>();
  for (const [deviceId, row] of rowsByDevice(series)) {
    activity.set(deviceId, { lastTs: row['time:last'] ?? null, count: row.count ?? 0 });
  }
  return activity;
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
