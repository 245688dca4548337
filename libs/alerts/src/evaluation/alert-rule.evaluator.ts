import { AlertCondition, AlertRule } from '../rules/alert-rule';
import { rateOfChangeStatuses, stuckStatuses, thresholdStatuses } from './condition-status';
import { BucketSample, DeviceEvaluation, StatusPoint } from './device-evaluation';
import { detectEpisodes, EpisodeTiming } from './episode.detector';
import { AggregateRow } from './query-result.parser';

/**
 * Evaluation of the bucketed rule types (threshold, rate of change, stuck), pure: a device's buckets in, its
 * episodes out. `activeSince` is the start of the device's alert when its condition was still active at the
 * previous evaluation and began before these buckets.
 */
export function evaluateDeviceBuckets(
  rule: AlertRule,
  deviceId: string,
  buckets: readonly BucketSample[],
  bucketMs: number,
  activeSince: number | null,
): DeviceEvaluation | undefined {
  const latest = buckets[buckets.length - 1];
  if (latest === undefined) return undefined;
  const { points, timing } = statusesOf(rule.condition, buckets, bucketMs);
  const seed = activeSince !== null && activeSince < buckets[0].t ? activeSince : null;
  const { episodes, clearSince } = detectEpisodes(points, timing, seed);
  return { deviceId, episodes, clearSince, latestAt: latest.t, latestValue: latest.last };
}

function statusesOf(condition: AlertCondition, buckets: readonly BucketSample[], bucketMs: number): { points: StatusPoint[]; timing: EpisodeTiming } {
  switch (condition.type) {
    case 'threshold':
      return { points: thresholdStatuses(condition, buckets), timing: { forMs: condition.forMs, clearForMs: condition.clearForMs } };
    case 'rate-of-change':
      return { points: rateOfChangeStatuses(condition, buckets), timing: { forMs: 0, clearForMs: condition.clearForMs } };
    case 'stuck':
      return { points: stuckStatuses(condition, buckets, bucketMs), timing: { forMs: 0, clearForMs: 0 } };
    case 'no-data':
      throw new Error('no-data rules are evaluated by evaluateNoData');
  }
}

/**
 * Whether a device's (pre)screen row means it may be in the condition somewhere in the window, so its buckets must
 * be read. Never a false "no": for a threshold the extreme must reach the trigger, for a change the spread must reach
 * the amount (means lie within the readings' range), for stuck the spread must stay within the tolerance.
 */
export function screenMatches(condition: AlertCondition, row: AggregateRow): boolean {
  const { min, max, count } = row;
  switch (condition.type) {
    case 'threshold':
      return (condition.high !== null && max !== null && max !== undefined && max >= condition.high.trigger) ||
        (condition.low !== null && min !== null && min !== undefined && min <= condition.low.trigger);
    case 'rate-of-change':
      return typeof max === 'number' && typeof min === 'number' && max - min >= condition.amount;
    case 'stuck':
      return typeof max === 'number' && typeof min === 'number' && max - min <= condition.tolerance && (typeof count !== 'number' || count >= condition.minReadings);
    case 'no-data':
      return true;
  }
}
