import { RateOfChangeCondition, StuckCondition, ThresholdCondition } from '../rules/alert-rule';
import { rateOfChangeStatuses, SlidingExtreme, stuckStatuses, thresholdStatuses } from './condition-status';
import { BucketSample } from './device-evaluation';

const M = 60_000;

/** A bucket at minute `minute` holding these readings, in order. */
function bucket(minute: number, ...readings: number[]): BucketSample {
  return {
    t: minute * M,
    min: Math.min(...readings),
    max: Math.max(...readings),
    mean: readings.reduce((sum, value) => sum + value, 0) / readings.length,
    last: readings[readings.length - 1],
    count: readings.length,
  };
}

const ABOVE_20: ThresholdCondition = { type: 'threshold', operator: 'above', high: { trigger: 20, clear: 10 }, low: null, forMs: 2 * M, clearForMs: 0 };

describe('thresholdStatuses', () => {
  it('with a for-duration, breaches only when every reading in the bucket is at or beyond the trigger', () => {
    const buckets = [bucket(0, 5, 25), bucket(1, 20, 30), bucket(2, 15, 12), bucket(3, 9, 2)];
    expect(thresholdStatuses(ABOVE_20, buckets).map((point) => point.status)).toEqual(['between', 'breach', 'between', 'clear']);
  });

  it('without one, a single reading at the trigger is enough', () => {
    const buckets = [bucket(0, 5, 20, 3), bucket(1, 5, 19.99)];
    expect(thresholdStatuses({ ...ABOVE_20, forMs: 0 }, buckets).map((point) => point.status)).toEqual(['breach', 'between']);
  });

  it('reports the latest reading as the value and the extreme as the peak, ranked by distance beyond the trigger', () => {
    const band: ThresholdCondition = { type: 'threshold', operator: 'outside', high: { trigger: 253, clear: 250 }, low: { trigger: 207, clear: 210 }, forMs: 0, clearForMs: 0 };
    const [low, high, normal] = thresholdStatuses(band, [bucket(0, 230, 195, 228), bucket(1, 230, 256), bucket(2, 230, 231)]);
    expect(low).toEqual({ t: 0, status: 'breach', value: 228, peak: 195, score: 12 });
    expect(high).toEqual({ t: M, status: 'breach', value: 256, peak: 256, score: 3 });
    expect(normal.status).toBe('clear');
    const below: ThresholdCondition = { type: 'threshold', operator: 'below', high: null, low: { trigger: 200, clear: 220 }, forMs: 0, clearForMs: 0 };
    expect(thresholdStatuses(below, [bucket(0, 210, 190), bucket(1, 215), bucket(2, 221)]).map((point) => [point.status, point.peak])).toEqual([
      ['breach', 190],
      ['between', 215],
      ['clear', 221],
    ]);
  });
});

describe('rateOfChangeStatuses', () => {
  const DROP_50: RateOfChangeCondition = { type: 'rate-of-change', direction: 'drop', amount: 50, clearAmount: 25, windowMs: 5 * M, clearForMs: 0 };

  it('compares each bucket mean with the highest mean of the preceding window', () => {
    // 400 steady, then a burst: 380, 330, 320 …; the window reaches back 5 minutes.
    const means = [400, 400, 400, 380, 330, 320, 320, 320, 320, 320, 320];
    const points = rateOfChangeStatuses(DROP_50, means.map((mean, minute) => bucket(minute, mean)));
    expect(points.map((point) => point.status)).toEqual(['between', 'clear', 'clear', 'clear', 'breach', 'breach', 'breach', 'breach', 'breach', 'clear', 'clear']);
    expect(points[5]).toEqual({ t: 5 * M, status: 'breach', value: -80, peak: -80, score: 80 });
    // Minute 9: the window [4, 9) still holds 330 → a drop of 10, which is clear (< 25).
    expect(points[9].value).toBe(-10);
  });

  it('uses means, so one noisy reading does not read as a burst', () => {
    const points = rateOfChangeStatuses(DROP_50, [bucket(0, 400, 400, 400), bucket(1, 400, 330, 400, 400)]);
    expect(points[1].status).toBe('clear');
    expect(points[1].value).toBeCloseTo(-17.5, 9);
  });

  it('watches rises, or either direction', () => {
    const buckets = [bucket(0, 300), bucket(1, 360), bucket(2, 290)];
    expect(rateOfChangeStatuses({ ...DROP_50, direction: 'rise' }, buckets).map((point) => [point.status, point.value])).toEqual([
      ['between', 0],
      ['breach', 60],
      ['clear', -10],
    ]);
    expect(rateOfChangeStatuses({ ...DROP_50, direction: 'either' }, buckets).map((point) => [point.status, point.value])).toEqual([
      ['between', 0],
      ['breach', 60],
      ['breach', -70],
    ]);
  });
});

describe('stuckStatuses', () => {
  const STUCK_5M: StuckCondition = { type: 'stuck', windowMs: 5 * M, tolerance: 0, minReadings: 3 };

  it('breaches once the same value has covered the whole window, and clears on the first change', () => {
    const buckets = [bucket(0, 412, 413), ...[1, 2, 3, 4, 5, 6, 7].map((minute) => bucket(minute, 415, 415)), bucket(8, 415, 416)];
    expect(stuckStatuses(STUCK_5M, buckets, M).map((point) => point.status)).toEqual([
      'clear',
      'clear', // the window (−4, 1] still holds 412–413
      'clear',
      'clear',
      'clear',
      'breach', // (0, 5]: 415 only, from minute 1 to the end of minute 5
      'breach',
      'breach',
      'clear',
    ]);
  });

  it('needs the minimum number of readings, and accepts changes within the tolerance', () => {
    const sparse = [bucket(0, 7), bucket(5, 7), bucket(6, 7)];
    expect(stuckStatuses({ ...STUCK_5M, minReadings: 4 }, sparse, M).map((point) => point.status)).toEqual(['between', 'between', 'between']);
    const jitter = [0, 1, 2, 3, 4, 5].map((minute) => bucket(minute, 7 + (minute % 2) * 0.05));
    expect(stuckStatuses({ ...STUCK_5M, tolerance: 0.1 }, jitter, M).map((point) => point.status)).toEqual(['between', 'between', 'between', 'between', 'breach', 'breach']);
  });
});

describe('SlidingExtreme', () => {
  it('keeps the max of what is left after eviction', () => {
    const max = new SlidingExtreme((a, b) => a >= b);
    [5, 3, 4, 1].forEach((value, t) => max.push(t, value));
    expect(max.value).toBe(5);
    max.evictBefore(1);
    expect(max.value).toBe(4);
    max.evictBefore(3);
    expect(max.value).toBe(1);
    max.evictBefore(4);
    expect(max.value).toBeUndefined();
  });
});
