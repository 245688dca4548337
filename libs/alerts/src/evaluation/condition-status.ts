import type { RateOfChangeCondition, StuckCondition, ThresholdCondition } from '../rules/alert-rule';
import { BucketSample, ConditionStatus, StatusPoint } from './device-evaluation';

/**
 * Per-bucket verdicts of the bucketed rule types. Pure: buckets of one device in, verdicts out. The episode
 * detector then applies for / clearFor over them.
 */

/**
 * With a for-duration, a bucket breaches only when every reading in it is beyond the trigger (min ≥ trigger for
 * "above"), so "held for 2 minutes" means every reading for 2 minutes. With for = 0 one reading beyond is enough —
 * a single methane reading at 35 %LEL must not wait for company. A bucket clears only when every reading in it is
 * past the clear level; anything else (the hysteresis band, a bucket straddling a crossing) is `between`.
 */
export function thresholdStatuses(condition: ThresholdCondition, buckets: readonly BucketSample[]): StatusPoint[] {
  const { high, low } = condition;
  return buckets.map((bucket) => {
    const anyBeyond = (high !== null && bucket.max >= high.trigger) || (low !== null && bucket.min <= low.trigger);
    const allBeyond = (high !== null && bucket.min >= high.trigger) || (low !== null && bucket.max <= low.trigger);
    const clear = (high === null || bucket.max < high.clear) && (low === null || bucket.min > low.clear);
    const status: ConditionStatus = (condition.forMs === 0 ? anyBeyond : allBeyond) ? 'breach' : clear ? 'clear' : 'between';
    // Distance beyond the trigger ranks the peak on either side of an "outside" band.
    const highExcess = high === null ? -Infinity : bucket.max - high.trigger;
    const lowExcess = low === null ? -Infinity : low.trigger - bucket.min;
    const peak = highExcess >= lowExcess ? bucket.max : bucket.min;
    return { t: bucket.t, status, value: bucket.last, peak, score: Math.max(highExcess, lowExcess) };
  });
}

/**
 * Change of the bucket mean against the highest (drop) or lowest (rise) mean of the buckets in the preceding window:
 * "pressure fell 60 kPa within 5 minutes". Means, not single readings, so sensor noise does not read as a burst.
 * A bucket with no earlier bucket inside the window cannot be judged (`between`).
 */
export function rateOfChangeStatuses(condition: RateOfChangeCondition, buckets: readonly BucketSample[]): StatusPoint[] {
  const highest = new SlidingExtreme((a, b) => a >= b);
  const lowest = new SlidingExtreme((a, b) => a <= b);
  const points: StatusPoint[] = [];
  for (const bucket of buckets) {
    const from = bucket.t - condition.windowMs;
    highest.evictBefore(from);
    lowest.evictBefore(from);
    const reference = { high: highest.value, low: lowest.value };
    highest.push(bucket.t, bucket.mean);
    lowest.push(bucket.t, bucket.mean);
    if (reference.high === undefined || reference.low === undefined) {
      points.push({ t: bucket.t, status: 'between', value: 0, peak: 0, score: 0 });
      continue;
    }
    const drop = reference.high - bucket.mean;
    const rise = bucket.mean - reference.low;
    const magnitude = condition.direction === 'drop' ? drop : condition.direction === 'rise' ? rise : Math.max(drop, rise);
    const change = condition.direction === 'drop' || (condition.direction === 'either' && drop >= rise) ? -drop : rise;
    const status: ConditionStatus = magnitude >= condition.amount ? 'breach' : magnitude < condition.clearAmount ? 'clear' : 'between';
    points.push({ t: bucket.t, status, value: round(change), peak: round(change), score: magnitude });
  }
  return points;
}

/**
 * Stuck: over the last `windowMs` (the bucket itself included) the readings span no more than `tolerance`, there
 * are at least `minReadings` of them, and they reach back to the start of the window. Any change beyond the
 * tolerance inside the window clears it; too few readings to tell is `between`.
 */
export function stuckStatuses(condition: StuckCondition, buckets: readonly BucketSample[], bucketMs: number): StatusPoint[] {
  const highest = new SlidingExtreme((a, b) => a >= b);
  const lowest = new SlidingExtreme((a, b) => a <= b);
  const inWindow: BucketSample[] = [];
  let readings = 0;
  const points: StatusPoint[] = [];
  for (const bucket of buckets) {
    const from = bucket.t - condition.windowMs;
    while (inWindow.length > 0 && inWindow[0].t <= from) readings -= (inWindow.shift() as BucketSample).count;
    highest.evictBefore(from + 1);
    lowest.evictBefore(from + 1);
    inWindow.push(bucket);
    readings += bucket.count;
    highest.push(bucket.t, bucket.max);
    lowest.push(bucket.t, bucket.min);
    const spread = (highest.value ?? bucket.max) - (lowest.value ?? bucket.min);
    const covered = inWindow[0].t <= from + bucketMs;
    const status: ConditionStatus =
      spread > condition.tolerance ? 'clear' : covered && readings >= condition.minReadings ? 'breach' : 'between';
    points.push({ t: bucket.t, status, value: bucket.last, peak: bucket.last, score: 0 });
  }
  return points;
}

/** Max (or min) over a sliding window of (time, value) pairs: a monotonic deque, O(1) amortised per step. */
export class SlidingExtreme {
  private readonly entries: Array<{ t: number; v: number }> = [];

  /** `dominates(a, b)`: a makes b irrelevant (a ≥ b for a maximum). */
  constructor(private readonly dominates: (a: number, b: number) => boolean) {}

  push(t: number, v: number): void {
    while (this.entries.length > 0 && this.dominates(v, this.entries[this.entries.length - 1].v)) this.entries.pop();
    this.entries.push({ t, v });
  }

  /** Drops entries with t < from. */
  evictBefore(from: number): void {
    while (this.entries.length > 0 && this.entries[0].t < from) this.entries.shift();
  }

  get value(): number | undefined {
    return this.entries[0]?.v;
  }
}

/** Means of float readings carry noise in the last digits; 1e-9 keeps summaries and API answers readable. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
