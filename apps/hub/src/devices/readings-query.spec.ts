import type { InfluxSeries } from '@hub/influx';
import { readingsFromSeries, readingsInfluxQl } from './readings-query';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-06T00:00:00Z');

describe('readingsInfluxQl', () => {
  it('reads raw readings as per-bucket sums, counts, mins and maxes, combined by the outer query', () => {
    const query = readingsInfluxQl({
      domain: 'water',
      deviceId: "wm-1'a",
      plan: { from: T0, to: T0 + HOUR, everyMs: 60_000, resolution: 'raw', sources: [{ resolution: 'raw', from: T0, to: T0 + HOUR }] },
      policies: { rawPolicy: null, backfillPolicy: null },
      timeZone: 'UTC',
    });
    expect(query).toBe(
      `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM ` +
        `(SELECT sum(*), count(*), min(*), max(*) FROM "water" WHERE "device_id" = 'wm-1\\'a' AND time >= ${T0}ms AND time < ${T0 + HOUR}ms GROUP BY time(60000ms)) ` +
        `WHERE time >= ${T0}ms AND time < ${T0 + HOUR}ms GROUP BY time(60000ms) fill(none)`,
    );
  });

  it('reads each source of a mixed plan from its own policy and range, day buckets in the county\'s zone', () => {
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
    expect(query).toBe(
      `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM ` +
        `(SELECT /^(sum|count|min|max)_/ FROM "hub_1h"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0}ms AND time < ${T0 + 40 * HOUR}ms), ` +
        `(SELECT /^(sum|count|min|max)_/ FROM "hub_1m"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0 + 40 * HOUR}ms AND time < ${T0 + 47 * HOUR}ms), ` +
        `(SELECT sum(*), count(*), min(*), max(*) FROM "autogen"."water", "hub_backfill"."water" WHERE "device_id" = 'wm-1' AND time >= ${T0 + 47 * HOUR}ms AND time < ${T0 + 48 * HOUR}ms GROUP BY time(86400000ms) tz('Asia/Shanghai')) ` +
        `WHERE time >= ${T0}ms AND time < ${T0 + 48 * HOUR}ms GROUP BY time(86400000ms) fill(none) tz('Asia/Shanghai')`,
    );
  });
});

describe('readingsFromSeries', () => {
  it('answers the mean as sum / count, with min, max and count, and leaves out buckets where a metric has no reading', () => {
    const series: InfluxSeries[] = [
      {
        name: 'water',
        columns: ['time', 'sum_sum_flow_m3h', 'sum_sum_count_x', 'sum_count_flow_m3h', 'sum_count_count_x', 'min_min_flow_m3h', 'min_min_count_x', 'max_max_flow_m3h', 'max_max_count_x'],
        values: [
          [T0, 10.5, 4, 3, 2, 1.5, 1, 6, 3],
          [T0 + 60_000, null, 9, null, 1, null, 9, null, 9],
        ],
      },
    ];
    expect(readingsFromSeries(series, (metric) => (metric === 'flow_m3h' ? 'm³/h' : ''))).toEqual({
      flow_m3h: { unit: 'm³/h', points: [[T0, 3.5]], min: [[T0, 1.5]], max: [[T0, 6]], count: [[T0, 3]] },
      count_x: { unit: '', points: [[T0, 2], [T0 + 60_000, 9]], min: [[T0, 1], [T0 + 60_000, 9]], max: [[T0, 3], [T0 + 60_000, 9]], count: [[T0, 2], [T0 + 60_000, 1]] },
    });
  });
});
