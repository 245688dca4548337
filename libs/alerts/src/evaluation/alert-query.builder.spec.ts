import { MetricCatalogue } from '@hub/contract';
import { AlertRule } from '../rules/alert-rule';
import { parseAlertRuleInput } from '../rules/alert-rule.validator';
import { aggregateStatement, DETAIL_AGGREGATES, detailBucketMs, deviceFilter, evaluationWindow, extremeDevicesStatement, fineBucketMs, screenAggregates } from './alert-query.builder';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const M = 60_000;

function rule(document: Record<string, unknown>): AlertRule {
  const { spec } = parseAlertRuleInput({ name: 'r', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '30s', ...document }, MetricCatalogue.BUILT_IN);
  return { ...spec, id: 'r', revision: 1, createdAt: 0, updatedAt: 0 };
}

const BELOW = rule({ condition: { type: 'threshold', operator: 'below', value: 200, clear: 220, for: '2m', clearFor: '1m' } });
const WINDOW_OPTIONS = { lateDataMs: 10 * M, maxFutureMs: 5 * M, evaluatedThrough: null, maxCatchUpMs: 6 * 60 * M };

describe('evaluationWindow', () => {
  it('reads what the condition needs, the late-data allowance and two intervals of slack, up to the accepted clock skew', () => {
    expect(evaluationWindow(BELOW, NOW, WINDOW_OPTIONS)).toEqual({ now: NOW, start: NOW - (3 * M + 10 * M + M), end: NOW + 5 * M });
  });

  it('reaches back to the last completed evaluation after downtime, capped', () => {
    const span = 3 * M + 10 * M + M;
    expect(evaluationWindow(BELOW, NOW, { ...WINDOW_OPTIONS, evaluatedThrough: NOW - 45 * M }).start).toBe(NOW - 45 * M - span);
    expect(evaluationWindow(BELOW, NOW, { ...WINDOW_OPTIONS, evaluatedThrough: NOW - 48 * 60 * M }).start).toBe(NOW - 6 * 60 * M - span);
    expect(evaluationWindow(BELOW, NOW, { ...WINDOW_OPTIONS, evaluatedThrough: NOW + 5 * M }).start).toBe(NOW - span);
  });

  it('reads a no-data rule over its baseline only', () => {
    const silent = rule({ condition: { type: 'no-data', intervalMultiple: 3, baseline: '2h' } });
    expect(evaluationWindow(silent, NOW, { ...WINDOW_OPTIONS, evaluatedThrough: NOW - 60 * M })).toEqual({ now: NOW, start: NOW - 120 * M, end: NOW + 5 * M });
  });
});

describe('bucket sizes', () => {
  it('are a quarter of for/clearFor, a fifth of a window, at most the interval', () => {
    expect(fineBucketMs(BELOW)).toBe(15_000);
    expect(fineBucketMs(rule({ condition: { type: 'rate-of-change', direction: 'drop', amount: 50, window: '5m' } }))).toBe(30_000);
    expect(fineBucketMs(rule({ evaluateEvery: '1m', condition: { type: 'rate-of-change', direction: 'drop', amount: 50, window: '5m' } }))).toBe(M);
    expect(fineBucketMs(rule({ evaluateEvery: '10s', condition: { type: 'stuck', window: '30m' } }))).toBe(10_000);
    expect(fineBucketMs(rule({ condition: { type: 'threshold', operator: 'above', value: 900 } }))).toBe(30_000);
  });

  it('grow so that an answer stays within the row budget, rounded to readable steps', () => {
    const window = evaluationWindow(BELOW, NOW, WINDOW_OPTIONS);
    expect(detailBucketMs(BELOW, window, 3, 50_000)).toBe(15_000);
    // 2000 devices × 14 minutes into 50 000 rows: 33.6 s → 34 s.
    expect(detailBucketMs(BELOW, window, 2000, 50_000)).toBe(34_000);
    const fast = rule({ evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 900, for: '1s' } });
    expect(detailBucketMs(fast, { now: NOW, start: NOW - 20_000, end: NOW }, 1, 50_000)).toBe(300);
  });
});

describe('aggregateStatement', () => {
  it('screens per device by event time, for the rule’s own devices', () => {
    const scoped = rule({ selector: { domain: 'water', metric: 'pressure_kpa', deviceIds: ['w-1', 'w-2'] }, condition: { type: 'threshold', operator: 'below', value: 200 } });
    expect(aggregateStatement(scoped, screenAggregates(scoped.condition), { from: 1000, to: 2000, groupByDevice: true, deviceIds: scoped.selector.deviceIds })).toBe(
      `SELECT min("pressure_kpa") AS "min" FROM "water" WHERE time >= 1000ms AND time <= 2000ms AND "device_id" =~ /^(w-1|w-2)$/ GROUP BY "device_id"`,
    );
  });

  it('screens a threshold by the most extreme devices of the whole domain, and reads details in time buckets', () => {
    expect(extremeDevicesStatement(BELOW, { from: 1000, to: 2000 })).toBe(
      `SELECT bottom("pressure_kpa", "device_id", 100) FROM "water" WHERE time >= 1000ms AND time <= 2000ms`,
    );
    const band = rule({ condition: { type: 'threshold', operator: 'outside', low: 100, high: 900 } });
    expect(extremeDevicesStatement(band, { from: 1000, to: 2000, deviceIds: ['w-1'] }, 5)).toBe(
      `SELECT top("pressure_kpa", "device_id", 5) FROM "water" WHERE time >= 1000ms AND time <= 2000ms AND "device_id" =~ /^(w-1)$/; ` +
        `SELECT bottom("pressure_kpa", "device_id", 5) FROM "water" WHERE time >= 1000ms AND time <= 2000ms AND "device_id" =~ /^(w-1)$/`,
    );
    expect(aggregateStatement(BELOW, DETAIL_AGGREGATES, { from: 0, to: 60_000, groupByDevice: true, bucketMs: 15_000, deviceIds: ['w-9'] })).toBe(
      `SELECT min("pressure_kpa") AS "min", max("pressure_kpa") AS "max", mean("pressure_kpa") AS "mean", last("pressure_kpa") AS "last", count("pressure_kpa") AS "count" ` +
        `FROM "water" WHERE time >= 0ms AND time <= 60000ms AND "device_id" =~ /^(w-9)$/ GROUP BY "device_id", time(15000ms) fill(none)`,
    );
  });

  it('screens each rule type on what can rule a device out', () => {
    expect(screenAggregates(rule({ condition: { type: 'threshold', operator: 'outside', low: 100, high: 900 } }).condition)).toEqual(['max', 'min']);
    expect(screenAggregates(rule({ condition: { type: 'rate-of-change', direction: 'drop', amount: 50, window: '5m' } }).condition)).toEqual(['max', 'min']);
    expect(screenAggregates(rule({ condition: { type: 'stuck', window: '30m' } }).condition)).toEqual(['max', 'min']);
  });

  it('refuses a device filter that could inject InfluxQL, or is empty', () => {
    expect(() => deviceFilter(['w-1|.*'])).toThrow('device ids must match');
    expect(() => deviceFilter([])).toThrow('at least one device');
  });
});
