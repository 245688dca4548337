import { COUNTY, type AreaPath } from './area-path';
import { rollupInfluxQl, type RollupQuery } from './rollup-query';

const HOUR = 3_600_000;
const FROM = Date.parse('2026-12-01T08:00:00Z');
const base: RollupQuery = {
  domain: 'water',
  metric: 'flow_m3h',
  agg: 'sum',
  area: COUNTY,
  limitTo: null,
  buckets: { from: FROM, to: FROM + 2 * HOUR, everyMs: HOUR },
  timeZone: 'Asia/Shanghai',
};
const TIME = `time >= ${FROM}ms AND time < ${FROM + 2 * HOUR}ms`;
const ashford: AreaPath = { level: 'town', town: 'Ashford' };

describe('rollupInfluxQl', () => {
  it('sums each device’s mean per bucket across the county’s towns, in one statement', () => {
    expect(rollupInfluxQl(base)).toBe(
      `SELECT sum("v") AS "value", count("v") AS "devices" FROM (` +
        `SELECT mean("flow_m3h") AS "v" FROM "water" WHERE ${TIME} GROUP BY time(3600000ms), "device_id", "town" fill(none)` +
        `) WHERE ${TIME} GROUP BY time(3600000ms), "town" fill(null)`,
    );
  });

  it('keeps each device’s sum and count of readings for a mean over readings; min and max of each device’s; count of devices', () => {
    const select = (agg: RollupQuery['agg']): string => /^SELECT (.*) FROM \(SELECT (.*) FROM "water"/.exec(rollupInfluxQl({ ...base, agg }))!.slice(1).join(' | ');
    expect(select('mean')).toBe(`sum("s") AS "sum", sum("n") AS "readings", count("n") AS "devices" | sum("flow_m3h") AS "s", count("flow_m3h") AS "n"`);
    expect(select('min')).toBe(`min("v") AS "value", count("v") AS "devices" | min("flow_m3h") AS "v"`);
    expect(select('max')).toBe(`max("v") AS "value", count("v") AS "devices" | max("flow_m3h") AS "v"`);
    expect(select('count')).toBe(`count("n") AS "devices" | count("flow_m3h") AS "n"`);
  });

  it('selects a town’s readings and groups them by village; a village’s with no children', () => {
    expect(rollupInfluxQl({ ...base, area: ashford })).toBe(
      `SELECT sum("v") AS "value", count("v") AS "devices" FROM (` +
        `SELECT mean("flow_m3h") AS "v" FROM "water" WHERE ${TIME} AND "town" = 'Ashford' GROUP BY time(3600000ms), "device_id", "village" fill(none)` +
        `) WHERE ${TIME} GROUP BY time(3600000ms), "village" fill(null)`,
    );
    expect(rollupInfluxQl({ ...base, area: { level: 'village', town: 'Ashford', village: 'Millbrook' } })).toBe(
      `SELECT sum("v") AS "value", count("v") AS "devices" FROM (` +
        `SELECT mean("flow_m3h") AS "v" FROM "water" WHERE ${TIME} AND "town" = 'Ashford' AND "village" = 'Millbrook' GROUP BY time(3600000ms), "device_id" fill(none)` +
        `) WHERE ${TIME} GROUP BY time(3600000ms) fill(null)`,
    );
  });

  it('limits the county to a scope’s towns and villages', () => {
    const query = rollupInfluxQl({ ...base, limitTo: [ashford, { level: 'village', town: 'Brookfield', village: 'Mill' }] });
    expect(query).toContain(`WHERE ${TIME} AND (("town" = 'Ashford') OR ("town" = 'Brookfield' AND "village" = 'Mill')) GROUP BY`);
    // A scope whose entries name no area sees nothing rather than everything.
    expect(rollupInfluxQl({ ...base, limitTo: [] })).toContain(`WHERE ${TIME} AND "town" = '' AND "town" != '' GROUP BY`);
  });

  it('counts whole days and weeks in the county’s time zone, inside and outside, weeks from Monday', () => {
    const day = rollupInfluxQl({ ...base, buckets: { from: FROM, to: FROM + 86_400_000, everyMs: 86_400_000 } });
    expect(day).toMatch(/GROUP BY time\(86400000ms\), "device_id", "town" fill\(none\) tz\('Asia\/Shanghai'\)\) WHERE .* GROUP BY time\(86400000ms\), "town" fill\(null\) tz\('Asia\/Shanghai'\)$/);
    const week = rollupInfluxQl({ ...base, buckets: { from: FROM, to: FROM + 14 * 86_400_000, everyMs: 7 * 86_400_000 } });
    expect(week.match(/time\(604800000ms, 4d\)/g)).toHaveLength(2);
    expect(week.match(/tz\('Asia\/Shanghai'\)/g)).toHaveLength(2);
  });

  it('quotes names from outside: a town with a quote, an admin’s metric and domain', () => {
    const query = rollupInfluxQl({ ...base, domain: 'flood', metric: 'river_level_m', area: { level: 'town', town: "O'Brien\\Ford" } });
    expect(query).toContain(`SELECT mean("river_level_m") AS "v" FROM "flood" WHERE ${TIME} AND "town" = 'O\\'Brien\\\\Ford' GROUP BY`);
  });

  it('reads the stored aggregates when one resolution serves it all: sum of sums over sum of counts for a device’s mean', () => {
    const sources = [{ resolution: '1h' as const, from: FROM, to: FROM + 2 * HOUR }];
    expect(rollupInfluxQl({ ...base, sources, policies: { rawPolicy: 'autogen', backfillPolicy: 'hub_backfill' } })).toBe(
      `SELECT sum("v") AS "value", count("v") AS "devices" FROM (` +
        `SELECT sum("sum_flow_m3h") / sum("count_flow_m3h") AS "v" FROM "hub_1h"."water" WHERE ${TIME} GROUP BY time(3600000ms), "device_id", "town" fill(none)` +
        `) WHERE ${TIME} GROUP BY time(3600000ms), "town" fill(null)`,
    );
    const inner = (agg: RollupQuery['agg']): string => /FROM \(SELECT (.*) FROM "hub_1h"/.exec(rollupInfluxQl({ ...base, agg, sources }))![1];
    expect(inner('mean')).toBe(`sum("sum_flow_m3h") AS "s", sum("count_flow_m3h") AS "n"`);
    expect(inner('min')).toBe(`min("min_flow_m3h") AS "v"`);
    expect(inner('max')).toBe(`max("max_flow_m3h") AS "v"`);
    expect(inner('count')).toBe(`sum("count_flow_m3h") AS "n"`);
  });

  it('merges each device’s parts from every source in the inner query, still one statement', () => {
    const MID = FROM + HOUR + 30 * 60_000;
    const sources = [
      { resolution: '1m' as const, from: FROM, to: MID },
      { resolution: 'raw' as const, from: MID, to: FROM + 2 * HOUR },
    ];
    const group = `GROUP BY time(3600000ms), "device_id", "town" fill(none)`;
    expect(rollupInfluxQl({ ...base, agg: 'mean', sources, policies: { rawPolicy: 'autogen', backfillPolicy: 'hub_backfill' } })).toBe(
      `SELECT sum("s") AS "sum", sum("n") AS "readings", count("n") AS "devices" FROM (` +
        `SELECT sum("s") AS "s", sum("n") AS "n" FROM ` +
        `(SELECT sum("sum_flow_m3h") AS "s", sum("count_flow_m3h") AS "n" FROM "hub_1m"."water" WHERE time >= ${FROM}ms AND time < ${MID}ms ${group}), ` +
        `(SELECT sum("flow_m3h") AS "s", count("flow_m3h") AS "n" FROM "autogen"."water", "hub_backfill"."water" WHERE time >= ${MID}ms AND time < ${FROM + 2 * HOUR}ms ${group}) ` +
        `WHERE ${TIME} ${group}` +
        `) WHERE ${TIME} GROUP BY time(3600000ms), "town" fill(null)`,
    );
    const middle = (agg: RollupQuery['agg']): string => /FROM \(SELECT (.*?) FROM \(SELECT (.*?) FROM "hub_1m"/.exec(rollupInfluxQl({ ...base, agg, sources }))!.slice(1).join(' | ');
    expect(middle('sum')).toBe(`sum("s") / sum("n") AS "v" | sum("sum_flow_m3h") AS "s", sum("count_flow_m3h") AS "n"`);
    expect(middle('min')).toBe(`min("lo") AS "v" | min("min_flow_m3h") AS "lo"`);
    expect(middle('max')).toBe(`max("hi") AS "v" | max("max_flow_m3h") AS "hi"`);
    expect(middle('count')).toBe(`sum("n") AS "n" | sum("count_flow_m3h") AS "n"`);
  });
});
