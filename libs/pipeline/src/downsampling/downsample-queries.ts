import { quoteIdentifier } from '@hub/influx';
import { AGGREGATE_POLICY, BACKFILL_POLICY } from './downsample-tiers';

/** The aggregates kept per metric, as field-name prefixes (InfluxQL's own names for `sum(*)`, `count(*)` …). */
export const AGGREGATE_FIELDS = ['sum', 'count', 'min', 'max'] as const;

/**
 * Per-minute aggregates of [from, to) for every measurement, series (GROUP BY * keeps every tag) and field, written
 * INTO the minute policy: one statement from the raw policy, one from the backfill (whose series carry the
 * `backfilled` tag, so their aggregates are series of their own and never overwrite the raw ones; readers add the two
 * up). Re-running it for a minute overwrites that minute's points (same series and time), so a minute that got a late
 * reading is re-aggregated by running it again; a minute whose raw readings InfluxDB has already dropped yields no
 * rows and so overwrites nothing. Sum rather than mean is stored: a mean over coarser buckets is then
 * sum(sum) / sum(count), exact, which a mean of means is not.
 */
export function minuteAggregation(rawPolicy: string, from: number, to: number): string {
  return [rawPolicy, BACKFILL_POLICY]
    .map(
      (policy) =>
        `SELECT sum(*), count(*), min(*), max(*) INTO ${quoteIdentifier(AGGREGATE_POLICY['1m'])}.:MEASUREMENT ` +
        `FROM ${quoteIdentifier(policy)}./.*/ WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(1m), *`,
    )
    .join('; ');
}

/** `SHOW FIELD KEYS` of the minute policy: the hour aggregation names every field (InfluxQL cannot alias `sum(/re/)`). */
export const MINUTE_FIELD_KEYS = `SHOW FIELD KEYS FROM ${quoteIdentifier(AGGREGATE_POLICY['1m'])}./.*/`;

/**
 * Per-hour aggregates of [from, to) from the minute ones, one statement per measurement (joined by `;`, one request):
 * sum of sums, sum of counts, min of mins, max of maxes, under the same field names.
 */
export function hourAggregation(fieldsByMeasurement: ReadonlyMap<string, readonly string[]>, from: number, to: number): string | null {
  const statements: string[] = [];
  for (const [measurement, fields] of fieldsByMeasurement) {
    const selections = fields.flatMap((field) => {
      const prefix = field.slice(0, field.indexOf('_'));
      const reducer = prefix === 'min' ? 'min' : prefix === 'max' ? 'max' : prefix === 'sum' || prefix === 'count' ? 'sum' : null;
      return reducer === null ? [] : [`${reducer}(${quoteIdentifier(field)}) AS ${quoteIdentifier(field)}`];
    });
    if (selections.length === 0) continue;
    statements.push(
      `SELECT ${selections.join(', ')} INTO ${quoteIdentifier(AGGREGATE_POLICY['1h'])}.${quoteIdentifier(measurement)} ` +
        `FROM ${quoteIdentifier(AGGREGATE_POLICY['1m'])}.${quoteIdentifier(measurement)} WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(1h), *`,
    );
  }
  return statements.length === 0 ? null : statements.join('; ');
}

/** [from, to) ranges covering sorted, distinct bucket starts, contiguous buckets merged, each at most `maxBuckets` long. */
export function bucketRanges(buckets: readonly number[], bucketMs: number, maxBuckets: number): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (const bucket of buckets) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.to === bucket && (last.to - last.from) / bucketMs < maxBuckets) last.to = bucket + bucketMs;
    else ranges.push({ from: bucket, to: bucket + bucketMs });
  }
  return ranges;
}
