import type { InfluxSeries } from '@hub/influx';
import { combineParts, partsFromSeries, readingsFromResults, readingsInfluxQl } from './readings-query';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-06T00:00:00Z');

describe('readingsInfluxQl', () => {
  it('asks raw readings for each bucket\'s sum, count, min and max of every metric', () => {
    const query = readingsInfluxQl({
      domain: 'water',
      deviceId: "wm-1'a",
      plan: { from: T0, to: T0 + HOUR, everyMs: 60_000, resolution: 'raw', sources: [{ resolution: 'raw', from: T0, to: T0 + HOUR }] },
      policies: { rawPolicy: null, backfillPolicy: null },
      timeZone: 'UTC',
    });
    expect(query).toBe(`SELECT sum(*), count(*), min(*), max(*) FROM "water" WHERE "device_id" = 'wm-1\\'a' AND time >= ${T0}ms AND time < ${T0 + HOUR}ms GROUP BY time(60000ms) fill(none)`);
  });

  it('asks each source of a mixed plan in a statement of its own, over its own policy and range, days in the county\'s zone', () => {
    const group = `GROUP BY time(86400000ms) fill(none) tz('Asia/Shanghai')`;
    const query = readingsInfluxQl({
      domain: 'water',
      deviceId: 'wm-1',
      plan: {
        from: T0,
        to: T0 + 48 * HOUR,
        everyMs: 24 * HOUR,
        resolution: '1h',
        sources: [
          { resolution: '1h', from: T0, to: T0 + 40 * HOUR },
          { resolution: '1m', from: T0 + 40 * HOUR, to: T0 + 47 * HOUR },
          { resolution: 'raw', from: T0 + 47 * HOUR, to: T0 + 48 * HOUR },
        ],
      },
      policies: { rawPolicy: 'autogen', backfillPolicy: 'hub_backfill' },
      timeZone: 'Asia/Shanghai',
    });
    expect(query.split('; ')).toEqual([
      `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM "hub_1h"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0}ms AND time < ${T0 + 40 * HOUR}ms ${group}`,
      `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM "hub_1m"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0 + 40 * HOUR}ms AND time < ${T0 + 47 * HOUR}ms ${group}`,
      `SELECT sum(*), count(*), min(*), max(*) FROM "autogen"."water", "hub_backfill"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0 + 47 * HOUR}ms AND time < ${T0 + 48 * HOUR}ms ${group}`,
    ]);
  });
});

describe('combining the parts of a bucket', () => {
  it('adds up sources: sum of sums over sum of counts for the mean, least min, greatest max, sum of counts', () => {
    // One bucket read from hours (20 readings), minutes (4) and raw readings (1).
    const hours = new Map([['p', new Map([[T0, { sum: 6000, count: 20, min: 280, max: 320 }]])]]);
    const minutes = new Map([['p', new Map([[T0, { sum: 1240, count: 4, min: 250, max: 330 }]])]]);
    const raw = new Map([['p', new Map([[T0, { sum: 50, count: 1, min: 50, max: 50 }]])]]);
    expect(combineParts([hours, minutes, raw], () => 'kPa')).toEqual({
      p: { unit: 'kPa', points: [[T0, 7290 / 25]], min: [[T0, 50]], max: [[T0, 330]], count: [[T0, 25]] },
    });
    // Not the mean of the sources' means (300, 310, 50 → 220): a bucket of one reading weighs one reading.
    expect(7290 / 25).not.toBe((300 + 310 + 50) / 3);
  });

  it('keeps buckets and metrics only one source has, in time order', () => {
    const a = new Map([['p', new Map([[T0 + HOUR, { sum: 2, count: 1, min: 2, max: 2 }]])]]);
    const b = new Map([
      ['p', new Map([[T0, { sum: 1, count: 1, min: 1, max: 1 }]])],
      ['q', new Map([[T0, { sum: 9, count: 3, min: 2, max: 4 }]])],
    ]);
    expect(combineParts([a, b], () => '')).toEqual({
      p: { unit: '', points: [[T0, 1], [T0 + HOUR, 2]], min: [[T0, 1], [T0 + HOUR, 2]], max: [[T0, 1], [T0 + HOUR, 2]], count: [[T0, 1], [T0 + HOUR, 1]] },
      q: { unit: '', points: [[T0, 3]], min: [[T0, 2]], max: [[T0, 4]], count: [[T0, 3]] },
    });
  });

  it('reads raw and aggregate answers by their column names, a metric named like a prefix included, skipping empty buckets', () => {
    const raw: InfluxSeries[] = [{ name: 'water', columns: ['time', 'sum_x', 'sum_count_x', 'count_x', 'count_count_x', 'min_x', 'min_count_x', 'max_x', 'max_count_x'], values: [[T0, 3, 8, 2, 1, 1, 8, 2, 8], [T0 + 60_000, null, 4, null, 1, null, 4, null, 4]] }];
    expect(partsFromSeries(raw, 'raw')).toEqual(
      new Map([
        ['x', new Map([[T0, { sum: 3, count: 2, min: 1, max: 2 }]])],
        ['count_x', new Map([[T0, { sum: 8, count: 1, min: 8, max: 8 }], [T0 + 60_000, { sum: 4, count: 1, min: 4, max: 4 }]])],
      ]),
    );
    const aggregate: InfluxSeries[] = [{ name: 'water', columns: ['time', 'sum_sum_x', 'sum_count_x', 'min_min_x', 'max_max_x'], values: [[T0, 10.5, 3, 1.5, 6]] }];
    expect(readingsFromResults([aggregate, raw], [{ resolution: '1m', from: T0, to: T0 + 30_000 }, { resolution: 'raw', from: T0 + 30_000, to: T0 + 120_000 }], () => 'u').x).toEqual({
      unit: 'u',
      points: [[T0, 13.5 / 5]],
      min: [[T0, 1]],
      max: [[T0, 6]],
      count: [[T0, 5]],
    });
  });
});
