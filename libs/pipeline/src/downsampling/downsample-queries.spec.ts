import { bucketRanges, hourAggregation, minuteAggregation } from './downsample-queries';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');

describe('downsampling statements', () => {
  it('aggregates minutes of every measurement from the raw and the backfill policy INTO the minute policy, all tags kept', () => {
    expect(minuteAggregation('autogen', T0, T0 + 60 * MINUTE)).toBe(
      `SELECT sum(*), count(*), min(*), max(*) INTO "hub_1m".:MEASUREMENT FROM "autogen"./.*/ WHERE time >= ${T0}ms AND time < ${T0 + 60 * MINUTE}ms GROUP BY time(1m), *; ` +
        `SELECT sum(*), count(*), min(*), max(*) INTO "hub_1m".:MEASUREMENT FROM "hub_backfill"./.*/ WHERE time >= ${T0}ms AND time < ${T0 + 60 * MINUTE}ms GROUP BY time(1m), *`,
    );
  });

  it('aggregates hours from minutes: sum of sums and of counts, min of mins, max of maxes, one statement per measurement', () => {
    const fields = new Map([
      ['water', ['count_flow', 'max_flow', 'min_flow', 'sum_flow']],
      ['power', ['sum_kw']],
    ]);
    expect(hourAggregation(fields, T0, T0 + 3_600_000)).toBe(
      `SELECT sum("count_flow") AS "count_flow", max("max_flow") AS "max_flow", min("min_flow") AS "min_flow", sum("sum_flow") AS "sum_flow" ` +
        `INTO "hub_1h"."water" FROM "hub_1m"."water" WHERE time >= ${T0}ms AND time < ${T0 + 3_600_000}ms GROUP BY time(1h), *; ` +
        `SELECT sum("sum_kw") AS "sum_kw" INTO "hub_1h"."power" FROM "hub_1m"."power" WHERE time >= ${T0}ms AND time < ${T0 + 3_600_000}ms GROUP BY time(1h), *`,
    );
    expect(hourAggregation(new Map(), T0, T0 + 3_600_000)).toBeNull();
  });

  it('merges contiguous dirty buckets into ranges of at most the given length', () => {
    expect(bucketRanges([T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 10 * MINUTE], MINUTE, 2)).toEqual([
      { from: T0, to: T0 + 2 * MINUTE },
      { from: T0 + 2 * MINUTE, to: T0 + 3 * MINUTE },
      { from: T0 + 10 * MINUTE, to: T0 + 11 * MINUTE },
    ]);
  });
});
