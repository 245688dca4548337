import type { ReadingSource, RollupAggregate } from '@hub/api-types';
import { quoteIdentifier, quoteString } from '@hub/influx';
import { AGGREGATE_POLICY } from '@hub/pipeline';
import { bucketZone, timeBuckets, type BucketPlan } from '../devices/reading-buckets';
import type { RawPolicies } from '../devices/reading-resolution';
import { rawMeasurements } from '../devices/readings-query';
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
  /** Where each part of the range is read from (reading-resolution.ts); absent: raw readings for all of it. */
  readonly sources?: readonly ReadingSource[];
  /** Where raw readings are; absent: the database's default policy only. */
  readonly policies?: RawPolicies;
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

/** What a device's bucket is made of, when it comes from more than one source: partial sums, counts, mins, maxes. */
type Part = 's' | 'n' | 'lo' | 'hi';
const PARTS: Record<RollupAggregate, readonly Part[]> = { sum: ['s', 'n'], mean: ['s', 'n'], min: ['lo'], max: ['hi'], count: ['n'] };
const RAW_PART: Record<Part, (field: string) => string> = { s: (f) => `sum(${f})`, n: (f) => `count(${f})`, lo: (f) => `min(${f})`, hi: (f) => `max(${f})` };
/** From the stored aggregates: sum of sums, sum of counts, min of mins, max of maxes. */
const AGGREGATE_PART: Record<Part, (metric: string) => string> = {
  s: (m) => `sum(${quoteIdentifier(`sum_${m}`)})`,
  n: (m) => `sum(${quoteIdentifier(`count_${m}`)})`,
  lo: (m) => `min(${quoteIdentifier(`min_${m}`)})`,
  hi: (m) => `max(${quoteIdentifier(`max_${m}`)})`,
};
const MERGED_PART: Record<Part, string> = { s: 'sum("s")', n: 'sum("n")', lo: 'min("lo")', hi: 'max("hi")' };
/** The per-device columns the outer query reads (as INNER names them), from a device's parts. */
const DEVICE: Record<RollupAggregate, (part: Record<Part, string>) => string> = {
  sum: (part) => `${part.s} / ${part.n} AS "v"`,
  mean: (part) => `${part.s} AS "s", ${part.n} AS "n"`,
  min: (part) => `${part.lo} AS "v"`,
  max: (part) => `${part.hi} AS "v"`,
  count: (part) => `${part.n} AS "n"`,
};

/**
 * One InfluxQL statement for the whole roll-up, children and all (the area's total is combined from the children's
 * rows by rollupFromSeries, so one query answers both). The inner query groups by device and the child tag; the outer
 * one by the child tag with fill(null), so every child with readings has every bucket of the range.
 * From aggregates the inner query reads the stored sums, counts, mins and maxes instead of readings; a range served by
 * several resolutions (aggregates, then raw readings for the recent rest) has one subquery per source answering each
 * device's parts, merged per device in the inner query: still one statement.
 */
export function rollupInfluxQl(query: RollupQuery): string {
  const { from, to, everyMs } = query.buckets;
  const sources = query.sources ?? [{ resolution: 'raw', from, to }];
  const field = quoteIdentifier(query.metric);
  const childTag = childTagOf(query.area);
  const time = `time >= ${from}ms AND time < ${to}ms`;
  const conditions = [...areaConditions(query.area), ...(query.limitTo === null ? [] : [anyOf(query.limitTo)])];
  const zone = bucketZone(everyMs, query.timeZone);
  const groupBy = `GROUP BY ${timeBuckets(everyMs)}, "device_id"${childTag === null ? '' : `, ${quoteIdentifier(childTag)}`}`;
  const measurementOf = (source: ReadingSource): string =>
    source.resolution === 'raw'
      ? rawMeasurements(query.policies ?? { rawPolicy: null, backfillPolicy: null }, query.domain)
      : `${quoteIdentifier(AGGREGATE_POLICY[source.resolution])}.${quoteIdentifier(query.domain)}`;
  const whereOf = (source: ReadingSource): string => [`time >= ${source.from}ms AND time < ${source.to}ms`, ...conditions].join(' AND ');

  let inner: string;
  if (sources.length === 1 && sources[0].resolution === 'raw') {
    inner = `SELECT ${INNER[query.agg](field)} FROM ${measurementOf(sources[0])} WHERE ${whereOf(sources[0])} ${groupBy} fill(none)${zone}`;
  } else if (sources.length === 1) {
    const parts = partsOf(query.agg, (part) => AGGREGATE_PART[part](query.metric));
    inner = `SELECT ${DEVICE[query.agg](parts)} FROM ${measurementOf(sources[0])} WHERE ${whereOf(sources[0])} ${groupBy} fill(none)${zone}`;
  } else {
    const subqueries = sources.map((source) => {
      const parts = PARTS[query.agg].map((part) => `${source.resolution === 'raw' ? RAW_PART[part](field) : AGGREGATE_PART[part](query.metric)} AS "${part}"`);
      return `(SELECT ${parts.join(', ')} FROM ${measurementOf(source)} WHERE ${whereOf(source)} ${groupBy} fill(none)${zone})`;
    });
    inner = `SELECT ${DEVICE[query.agg](partsOf(query.agg, (part) => MERGED_PART[part]))} FROM ${subqueries.join(', ')} WHERE ${time} ${groupBy} fill(none)${zone}`;
  }
  return `SELECT ${OUTER[query.agg]} FROM (${inner}) WHERE ${time} GROUP BY ${timeBuckets(everyMs)}${childTag === null ? '' : `, ${quoteIdentifier(childTag)}`} fill(null)${zone}`;
}

function partsOf(agg: RollupAggregate, expression: (part: Part) => string): Record<Part, string> {
  const parts = { s: '', n: '', lo: '', hi: '' };
  for (const part of PARTS[agg]) parts[part] = expression(part);
  return parts;
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
