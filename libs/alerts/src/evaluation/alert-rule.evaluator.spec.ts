import { aRule } from '../testing/alert-fixtures';
import { evaluateDeviceBuckets, screenMatches } from './alert-rule.evaluator';

const S = 1000;

describe('screenMatches', () => {
  it('never rules out a device that could be in the condition', () => {
    const above = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20 } }).condition;
    expect(screenMatches(above, { max: 20 })).toBe(true);
    expect(screenMatches(above, { max: 19.9 })).toBe(false);
    expect(screenMatches(above, {})).toBe(false);
    const band = aRule({ selector: { domain: 'power', metric: 'voltage_v' }, condition: { type: 'threshold', operator: 'outside', low: 207, high: 253 } }).condition;
    expect([screenMatches(band, { max: 240, min: 207 }), screenMatches(band, { max: 253, min: 230 }), screenMatches(band, { max: 252, min: 208 })]).toEqual([true, true, false]);
    const drop = aRule({ selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'rate-of-change', direction: 'drop', amount: 50, window: '5m' } }).condition;
    expect([screenMatches(drop, { max: 450, min: 400 }), screenMatches(drop, { max: 449, min: 400 })]).toEqual([true, false]);
    const stuck = aRule({ selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'stuck', window: '30m', tolerance: 0.5 } }).condition;
    expect([screenMatches(stuck, { max: 400.5, min: 400 }), screenMatches(stuck, { max: 401, min: 400 })]).toEqual([true, false]);
  });
});

describe('evaluateDeviceBuckets', () => {
  const rule = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '2s' } });
  const bucket = (second: number, value: number) => ({ t: second * S, min: value, max: value, mean: value, last: value, count: 2 });

  it('turns a device’s buckets into its episodes and newest value', () => {
    const evaluation = evaluateDeviceBuckets(rule, 'g-1', [bucket(0, 1), bucket(1, 30), bucket(2, 31), bucket(3, 32), bucket(4, 5)], 1000, null);
    expect(evaluation).toEqual({
      deviceId: 'g-1',
      episodes: [{ start: S, end: 4 * S, value: 5, valueAt: 4 * S, peak: 32, peakScore: 12 }],
      clearSince: 4 * S,
      latestAt: 4 * S,
      latestValue: 5,
    });
    expect(evaluateDeviceBuckets(rule, 'g-1', [], 1000, null)).toBeUndefined();
  });

  it('continues an alert that was already active before the first bucket', () => {
    const evaluation = evaluateDeviceBuckets(rule, 'g-1', [bucket(10, 15), bucket(11, 16)], 1000, 0);
    expect(evaluation?.episodes).toEqual([{ start: 0, end: null, value: 16, valueAt: 11 * S, peak: 15, peakScore: -Infinity }]);
  });
});
