import type { ReadingResolution } from '@hub/contract';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The aggregate resolutions and the size of their buckets. */
export const AGGREGATE_RESOLUTIONS = ['1m', '1h'] as const;
export type AggregateResolution = (typeof AGGREGATE_RESOLUTIONS)[number];
export const BUCKET_MS: Readonly<Record<ReadingResolution, number>> = { raw: 0, '1m': MINUTE, '1h': HOUR };

/**
 * The retention policies the hub keeps next to the raw readings' own (the database's default, or
 * INFLUX_RETENTION_POLICY). Aggregate measurements keep the raw measurement's name and tags; their fields are
 * `sum_<metric>`, `count_<metric>`, `min_<metric>`, `max_<metric>` (InfluxQL's own names for `sum(*)` …).
 * `hub_backfill` takes readings that arrive older than the raw period (a spool replayed after a long outage, a
 * device's late batch): InfluxDB would drop them from the raw policy, so they are written there, in raw form, and
 * aggregated into the minutes from both policies; it is kept as long as the minute aggregates.
 */
export const AGGREGATE_POLICY: Readonly<Record<AggregateResolution, string>> = { '1m': 'hub_1m', '1h': 'hub_1h' };
export const BACKFILL_POLICY = 'hub_backfill';

/** InfluxDB's own default shard group duration for a policy duration (docs: "shard group duration"), INF = 0. */
export function shardGroupDurationFor(durationMs: number): number {
  if (durationMs === 0) return 7 * DAY;
  if (durationMs < 2 * DAY) return HOUR;
  if (durationMs <= 182 * DAY) return DAY;
  return 7 * DAY;
}

export function floorTo(ms: number, bucketMs: number): number {
  return Math.floor(ms / bucketMs) * bucketMs;
}

export function ceilTo(ms: number, bucketMs: number): number {
  return Math.ceil(ms / bucketMs) * bucketMs;
}
