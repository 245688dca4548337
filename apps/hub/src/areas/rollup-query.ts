import type { RollupAggregate } from '@hub/api-types';
import { quoteIdentifier, quoteString } from '@hub/influx';
import { bucketZone, timeBuckets, type BucketPlan } from '../devices/reading-buckets';
import type { AreaPath } from './area-path';

/** What one roll-up asks InfluxDB: a metric of a domain over an area (or the parts of it a scope allows), per bucket. */
export interface RollupQuery {
  readonly domain: string;
  readonly metric: string;
  readonly agg: RollupAggregate;
  readonly area: AreaPath;
  /** Only readings of these areas (a town-scoped caller asking for the county); null: the whole area. */
  readonly limitTo: readonly AreaPath[] | null;
  readonly buckets: BucketPlan;
  readonly timeZone: string;
}

/** The tag that tells an area's children apart: the county's towns, a town's villages; none below a village. */
export function childTagOf(area: AreaPath): 'town' | 'village' | null {
  switch (area.level) {
    case 'county':
      return 'town';
    case 'town':
      return 'village';
    case 'village':
      return null;
  }
}

/**
 * Per-device values in the inner query, combined per child area in the outer one. Every reducer reads the per-device
 * rows, so `count(…)` of them is the number of distinct devices that reported in the bucket.
 * - sum: each device's mean in the bucket, summed. Summing raw readings instead would count a device reporting every
 *   10 s ninety times as much as one reporting every 15 minutes, for a rate (m³/h, kW) that both measure alike.
 * - mean: over readings, so the inner query keeps each device's sum and count of readings (the mean of device means
 *   would weigh a device with one reading like one with a hundred); the value is sum / readings, per child and for
 *   the whole area.
 * - min / max: of each device's min / max, which is the min / max over all readings.
 */
const INNER: Record<RollupAggregate, (field: string) => string> = {
  sum: (field) => `mean(${field}) AS "v"`,
  mean: (field) => `sum(${field}) AS "s", count(${field}) AS "n"`,
  min: (field) => `min(${field}) AS "v"`,
  max: (field) => `max(${field}) AS "v"`,
  count: (field) => `count(${field}) AS "n"`,
};

const OUTER: Record<RollupAggregate, string> = {
  sum: `sum("v") AS "value", count("v") AS "devices"`,
  mean: `sum("s") AS "sum", sum("n") AS "readings", count("n") AS "devices"`,
  min: `min("v") AS "value", count("v") AS "devices"`,
  max: `max("v") AS "value", count("v") AS "devices"`,
  count: `count("n") AS "devices"`,
};

/**
 * One InfluxQL statement for the whole roll-up, children and all (the area's total is combined from the children's
 * rows by rollupFromSeries, so one query answers both). The inner query groups by device and the child tag; the outer
 * one by the child tag with fill(null), so every child with readings has every bucket of the range.
 */
export function rollupInfluxQl(query: RollupQuery): string {
  const { from, to, everyMs } = query.buckets;
  const field = quoteIdentifier(query.metric);
  const childTag = childTagOf(query.area);
  const time = `time >= ${from}ms AND time < ${to}ms`;
  const where = [time, ...areaConditions(query.area), ...(query.limitTo === null ? [] : [anyOf(query.limitTo)])].join(' AND ');
  const zone = bucketZone(everyMs, query.timeZone);
  const inner =
    `SELECT ${INNER[query.agg](field)} FROM ${quoteIdentifier(query.domain)} WHERE ${where} ` +
    `GROUP BY ${timeBuckets(everyMs)}, "device_id"${childTag === null ? '' : `, ${quoteIdentifier(childTag)}`} fill(none)${zone}`;
  return `SELECT ${OUTER[query.agg]} FROM (${inner}) WHERE ${time} GROUP BY ${timeBuckets(everyMs)}${childTag === null ? '' : `, ${quoteIdentifier(childTag)}`} fill(null)${zone}`;
}

/** The tag conditions that select an area's readings (none for the county); the reports select by them too. */
export function areaConditions(area: AreaPath): string[] {
  switch (area.level) {
    case 'county':
      return [];
    case 'town':
      return [`"town" = ${quoteString(area.town)}`];
    case 'village':
      return [`"town" = ${quoteString(area.town)}`, `"village" = ${quoteString(area.village)}`];
  }
}

/** Readings of any of the towns and villages; of none when there are none (a scope whose entries name no area). */
function anyOf(areas: readonly AreaPath[]): string {
  const alternatives = areas.map((area) => areaConditions(area).join(' AND ')).filter((condition) => condition !== '');
  if (alternatives.length === 0) return `"town" = '' AND "town" != ''`;
  return `(${alternatives.map((condition) => `(${condition})`).join(' OR ')})`;
}
