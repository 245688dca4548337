import type { ReadingSeries } from '@hub/api-types';
import { quoteIdentifier, quoteString, type InfluxSeries } from '@hub/influx';
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
 * One InfluxQL statement for a device's chart, whatever its sources: each source is a subquery answering partial
 * aggregates under the minute policy's field names (raw readings: `sum(*)`, `count(*)`, `min(*)`, `max(*)` per bucket;
 * aggregates: their stored `sum_*`, `count_*`, `min_*`, `max_*` fields), and the outer query combines them per bucket:
 * sum of sums, sum of counts, min of mins, max of maxes (InfluxDB merges the subqueries' points of one series).
 * The mean is sum / count, computed from the answer (readingsFromSeries): exact across sources, where a mean of means
 * would not be.
 */
export function readingsInfluxQl(query: ReadingsQuery): string {
  const { plan } = query;
  const zone = bucketZone(plan.everyMs, query.timeZone);
  const device = `"device_id" = ${quoteString(query.deviceId)}`;
  const sources = plan.sources.map(({ resolution, from, to }) => {
    const where = `${device} AND time >= ${from}ms AND time < ${to}ms`;
    if (resolution === 'raw') {
      return `(SELECT sum(*), count(*), min(*), max(*) FROM ${rawMeasurements(query.policies, query.domain)} WHERE ${where} GROUP BY ${timeBuckets(plan.everyMs)}${zone})`;
    }
    return `(SELECT /^(sum|count|min|max)_/ FROM ${quoteIdentifier(AGGREGATE_POLICY[resolution])}.${quoteIdentifier(query.domain)} WHERE ${where})`;
  });
  return (
    `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM ${sources.join(', ')} ` +
    `WHERE time >= ${plan.from}ms AND time < ${plan.to}ms GROUP BY ${timeBuckets(plan.everyMs)} fill(none)${zone}`
  );
}

/**
 * Where a domain's raw readings are: its measurement in the raw policy (unqualified for the database's default) and,
 * with downsampling, in the backfill policy too; InfluxDB merges the two per series.
 */
export function rawMeasurements(policies: RawPolicies, domain: string): string {
  const raw = policies.rawPolicy === null ? quoteIdentifier(domain) : `${quoteIdentifier(policies.rawPolicy)}.${quoteIdentifier(domain)}`;
  return policies.backfillPolicy === null ? raw : `${raw}, ${quoteIdentifier(policies.backfillPolicy)}.${quoteIdentifier(domain)}`;
}

const COLUMNS = { sum: 'sum_sum_', count: 'sum_count_', min: 'min_min_', max: 'max_max_' } as const;

/**
 * Each metric's buckets from readingsInfluxQl's answer: mean = sum / count; buckets where the metric has no reading
 * are left out. A column is `<outer function>_<stored prefix>_<metric>`, so a metric named like a prefix
 * (`count_x`) still reads back as itself.
 */
export function readingsFromSeries(series: readonly InfluxSeries[], unitOf: (metric: string) => string): Record<string, ReadingSeries> {
  const metrics: Record<string, ReadingSeries> = {};
  for (const { columns, values } of series) {
    const names = columns.filter((column) => column.startsWith(COLUMNS.sum)).map((column) => column.slice(COLUMNS.sum.length));
    for (const name of names) {
      const at = (kind: keyof typeof COLUMNS) => columns.indexOf(`${COLUMNS[kind]}${name}`);
      const [sum, count, min, max] = [at('sum'), at('count'), at('min'), at('max')];
      const entry = (metrics[name] ??= { unit: unitOf(name), points: [], min: [], max: [], count: [] });
      for (const row of values) {
        const n = row[count];
        const total = row[sum];
        if (typeof n !== 'number' || n <= 0 || typeof total !== 'number') continue;
        const t = Number(row[0]);
        entry.points.push([t, total / n]);
        entry.min.push([t, Number(row[min])]);
        entry.max.push([t, Number(row[max])]);
        entry.count.push([t, n]);
      }
    }
  }
  return metrics;
}
