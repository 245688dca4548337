import type { ReadingResolution, ReadingSeries, ReadingSource } from '@hub/api-types';
import { quoteIdentifier, quoteString, type InfluxSeries, type InfluxValue } from '@hub/influx';
import { AGGREGATE_POLICY } from '@hub/pipeline';
import { bucketZone, timeBuckets } from './reading-buckets';
import type { RawPolicies, ResolutionPlan } from './reading-resolution';

export interface ReadingsQuery {
  readonly domain: string;
  readonly deviceId: string;
  readonly plan: ResolutionPlan;
  readonly policies: RawPolicies;
  readonly timeZone: string;
}

/**
 * One request for a device's chart: a statement per source of the plan, each answering per `every` bucket (and for
 * every metric, by wildcard) the parts a bucket is made of — sum, count, min, max — over its own part of the range.
 * Raw readings: `sum(*)`, `count(*)`, `min(*)`, `max(*)`; aggregates: the sum of their sums and of their counts, the
 * least of their mins, the greatest of their maxes. combineParts adds the sources up per bucket. Not one statement with
 * a subquery per source: InfluxDB 1.6 loses the integer counts of later sources when the first names a measurement that
 * does not exist yet (a fresh hour policy), which a wildcard cannot work around with a cast.
 */
export function readingsInfluxQl(query: ReadingsQuery): string {
  const { plan } = query;
  const group = `GROUP BY ${timeBuckets(plan.everyMs)} fill(none)${bucketZone(plan.everyMs, query.timeZone)}`;
  const device = `"device_id" = ${quoteString(query.deviceId)}`;
  return plan.sources
    .map(({ resolution, from, to }) => {
      const where = `WHERE ${device} AND time >= ${from}ms AND time < ${to}ms`;
      if (resolution === 'raw') return `SELECT sum(*), count(*), min(*), max(*) FROM ${rawMeasurements(query.policies, query.domain)} ${where} ${group}`;
      return `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM ${quoteIdentifier(AGGREGATE_POLICY[resolution])}.${quoteIdentifier(query.domain)} ${where} ${group}`;
    })
    .join('; ');
}

/**
 * Where a domain's raw readings are: its measurement in the raw policy (unqualified for the database's default) and,
 * with downsampling, in the backfill policy too; InfluxDB merges the two per series.
 */
export function rawMeasurements(policies: RawPolicies, domain: string): string {
  const raw = policies.rawPolicy === null ? quoteIdentifier(domain) : `${quoteIdentifier(policies.rawPolicy)}.${quoteIdentifier(domain)}`;
  return policies.backfillPolicy === null ? raw : `${raw}, ${quoteIdentifier(policies.backfillPolicy)}.${quoteIdentifier(domain)}`;
}

/** What one bucket of one metric is made of; parts from several sources add up to the bucket's. */
export interface BucketParts {
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

/** Column prefixes of each statement's answer: raw `sum_x`; aggregates `sum_sum_x` (function, then stored field). */
const PREFIXES: Record<'raw' | 'aggregate', Record<keyof BucketParts, string>> = {
  raw: { sum: 'sum_', count: 'count_', min: 'min_', max: 'max_' },
  aggregate: { sum: 'sum_sum_', count: 'sum_count_', min: 'min_min_', max: 'max_max_' },
};

/** Where one metric's parts are among a statement's columns (indices), and its name. */
export interface MetricColumns extends Readonly<Record<keyof BucketParts, number>> {
  readonly name: string;
}

/**
 * The metrics of a statement's columns as a source of that resolution answers them (sum, count, min, max per metric).
 * A metric is named by its `sum` column, so a metric called like a prefix (`count_x`) still reads back as itself.
 */
export function metricColumns(columns: readonly string[], resolution: ReadingResolution): MetricColumns[] {
  const prefix = PREFIXES[resolution === 'raw' ? 'raw' : 'aggregate'];
  return columns
    .filter((column) => column.startsWith(prefix.sum))
    .map((column) => {
      const name = column.slice(prefix.sum.length);
      const at = (part: keyof BucketParts): number => columns.indexOf(`${prefix[part]}${name}`);
      return { name, sum: at('sum'), count: at('count'), min: at('min'), max: at('max') };
    });
}

/** A metric's parts in one row of an answer; undefined when the bucket has no reading of it (count null or 0). */
export function partsOfRow(row: readonly InfluxValue[], metric: MetricColumns): BucketParts | undefined {
  const count = row[metric.count];
  if (typeof count !== 'number' || count <= 0) return undefined;
  return { sum: Number(row[metric.sum]), count, min: Number(row[metric.min]), max: Number(row[metric.max]) };
}

/** Parts from several sources (or series) of one bucket added up: sum of sums, sum of counts, least min, greatest max. */
export function addParts(a: BucketParts, b: BucketParts): BucketParts {
  return { sum: a.sum + b.sum, count: a.count + b.count, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** Each metric's parts per bucket from one statement's answer; a bucket where the metric has no reading is left out. */
export function partsFromSeries(series: readonly InfluxSeries[], resolution: ReadingResolution): Map<string, Map<number, BucketParts>> {
  const metrics = new Map<string, Map<number, BucketParts>>();
  for (const { columns, values } of series) {
    for (const metric of metricColumns(columns, resolution)) {
      const buckets = metrics.get(metric.name) ?? new Map<number, BucketParts>();
      metrics.set(metric.name, buckets);
      for (const row of values) {
        const parts = partsOfRow(row, metric);
        if (parts !== undefined) buckets.set(Number(row[0]), parts);
      }
    }
  }
  return metrics;
}

/**
 * The buckets of every source added up: sum of sums, sum of counts, least min, greatest max; the mean is sum / count.
 * Exactly what the raw readings of the bucket would give (a mean of the sources' means would weigh a minute with one
 * reading like one with four).
 */
export function combineParts(sources: readonly Map<string, Map<number, BucketParts>>[], unitOf: (metric: string) => string): Record<string, ReadingSeries> {
  const merged = new Map<string, Map<number, BucketParts>>();
  for (const source of sources) {
    for (const [name, buckets] of source) {
      const into = merged.get(name) ?? new Map<number, BucketParts>();
      merged.set(name, into);
      for (const [t, parts] of buckets) {
        const before = into.get(t);
        into.set(t, before === undefined ? parts : addParts(before, parts));
      }
    }
  }
  const metrics: Record<string, ReadingSeries> = {};
  for (const [name, buckets] of merged) {
    const times = [...buckets.keys()].sort((a, b) => a - b);
    const parts = times.map((t) => [t, buckets.get(t) as BucketParts] as const);
    metrics[name] = {
      unit: unitOf(name),
      points: parts.map(([t, part]) => [t, part.sum / part.count]),
      min: parts.map(([t, part]) => [t, part.min]),
      max: parts.map(([t, part]) => [t, part.max]),
      count: parts.map(([t, part]) => [t, part.count]),
    };
  }
  return metrics;
}

/** The readings of each statement of readingsInfluxQl's request (in the plan's source order), combined. */
export function readingsFromResults(results: readonly (readonly InfluxSeries[])[], sources: readonly ReadingSource[], unitOf: (metric: string) => string): Record<string, ReadingSeries> {
  return combineParts(
    sources.map((source, index) => partsFromSeries(results[index] ?? [], source.resolution)),
    unitOf,
  );
}
