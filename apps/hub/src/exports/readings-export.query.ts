import { formatDuration } from '@hub/common';
import { quoteIdentifier, quoteString } from '@hub/influx';
import { bucketZone, timeBuckets } from '../devices/reading-buckets';

/** Readings as they were stored, or aggregated per bucket (mean, min, max and count of each metric). */
export type ExportResolution = { readonly kind: 'raw' } | { readonly kind: 'aggregate'; readonly everyMs: number };

export const RAW: ExportResolution = { kind: 'raw' };

/** Which readings of one domain: some devices, or a town or village (by the tags readings were stored with). */
export type ReadingsSelection = { readonly kind: 'devices'; readonly deviceIds: readonly string[] } | { readonly kind: 'area'; readonly town: string; readonly village: string | null };

export interface ReadingsExportQuery {
  readonly domain: string;
  readonly selection: ReadingsSelection;
  readonly from: number;
  readonly to: number;
  readonly resolution: ExportResolution;
  /** HUB_TIME_ZONE: whole-day buckets are the county's days, as in the readings API. */
  readonly timeZone: string;
}

/** The tags every export row names; series are grouped by them, so they come once per series and not per row. */
export const EXPORT_TAGS = ['device_id', 'site', 'town', 'village'] as const;

/**
 * The one place an export decides where readings at a resolution come from. Today every resolution reads the raw
 * points of the domain's measurement: `raw` as stored, an aggregate with `GROUP BY time(every)` over them.
 *
 * When downsampled copies exist (per-minute and hourly aggregates in their own retention policies), this is where an
 * aggregate picks the coarsest store whose bucket divides `every` and still covers `from`, and reads it the way its
 * fields combine: the count-weighted mean of the stored means, min of mins, max of maxes, sum of counts, under the
 * same output columns (mean_*, min_*, max_*, count_*), so nothing after this function changes.
 */
export function readingsExportInfluxQl(query: ReadingsExportQuery): string {
  const where = [`time >= ${query.from}ms`, `time < ${query.to}ms`, selectionCondition(query.selection)].join(' AND ');
  const tags = EXPORT_TAGS.map(quoteIdentifier).join(', ');
  const measurement = quoteIdentifier(query.domain);
  if (query.resolution.kind === 'raw') {
    // `*::field`: the tags are in the GROUP BY, so rows hold only time and the metrics.
    return `SELECT *::field FROM ${measurement} WHERE ${where} GROUP BY ${tags}`;
  }
  const { everyMs } = query.resolution;
  return (
    `SELECT mean(*), min(*), max(*), count(*) FROM ${measurement} WHERE ${where} ` +
    `GROUP BY ${timeBuckets(everyMs)}, ${tags} fill(none)${bucketZone(everyMs, query.timeZone)}`
  );
}

/** `raw` or `1m`, `1h` …: how the audit log and the file name say a resolution. */
export function describeResolution(resolution: ExportResolution): string {
  return resolution.kind === 'raw' ? 'raw' : formatDuration(resolution.everyMs);
}

function selectionCondition(selection: ReadingsSelection): string {
  if (selection.kind === 'area') {
    const town = `"town" = ${quoteString(selection.town)}`;
    return selection.village === null ? town : `${town} AND "village" = ${quoteString(selection.village)}`;
  }
  // Equality, not a regex: device ids are plain, and InfluxDB uses the tag index for either.
  return `(${selection.deviceIds.map((id) => `"device_id" = ${quoteString(id)}`).join(' OR ')})`;
}
