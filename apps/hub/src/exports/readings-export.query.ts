import type { ReadingResolution, ReadingSource } from '@hub/api-types';
import { formatDuration } from '@hub/common';
import { quoteIdentifier, quoteString } from '@hub/influx';
import { AGGREGATE_POLICY } from '@hub/pipeline';
import { bucketZone, timeBuckets } from '../devices/reading-buckets';
import type { RawPolicies } from '../devices/reading-resolution';
import { rawMeasurements } from '../devices/readings-query';

/** Readings as they were stored, or aggregated per bucket (mean, min, max and count of each metric). */
export type ExportResolution = { readonly kind: 'raw' } | { readonly kind: 'aggregate'; readonly everyMs: number };

export const RAW: ExportResolution = { kind: 'raw' };

/** Which readings of one domain: some devices, or a town or village (by the tags readings were stored with). */
export type ReadingsSelection = { readonly kind: 'devices'; readonly deviceIds: readonly string[] } | { readonly kind: 'area'; readonly town: string; readonly village: string | null };

export interface ReadingsExportQuery {
  readonly domain: string;
  readonly selection: ReadingsSelection;
  readonly resolution: ExportResolution;
  /**
   * Where each part of the range is read from: for an aggregate, planResolution's sources (coarsest first, contiguous);
   * for a raw export one raw source over the whole range.
   */
  readonly sources: readonly ReadingSource[];
  /** The raw readings' policy (named when INFLUX_RETENTION_POLICY is set) and the backfill's. */
  readonly policies: RawPolicies;
  /** HUB_TIME_ZONE: whole-day buckets are the county's days, as in the readings API. */
  readonly timeZone: string;
}

/** One statement of an export and the source it reads. */
export interface ExportStatement {
  readonly source: ReadingSource;
  readonly influxql: string;
}

/** The tags every export row names; series are grouped by them, so they come once per series and not per row. */
export const EXPORT_TAGS = ['device_id', 'site', 'town', 'village'] as const;

/**
 * Where an export's readings come from, one statement per source, read one after the other (each streamed):
 * - raw: every reading of the raw policy and of the backfill (readings that arrived older than the raw period), as
 *   stored;
 * - an aggregate, from raw readings: the sum, count, min and max of every metric per bucket (`sum(*)` …);
 * - from the minute or hour aggregates: the sum of their sums and of their counts, the least of their mins, the
 *   greatest of their maxes (`sum(/^sum_/)` …), so the mean is exact (sum / count), not a mean of means.
 * The series are grouped by the tags a row names and no others: the `backfilled` tag is left out, so a device's
 * backfilled readings (and their aggregates, series of their own) are added into its buckets by InfluxDB. The rows
 * (readings-export.rows.ts) write each bucket's mean, min, max and count under the same columns whatever the source.
 */
export function readingsExportStatements(query: ReadingsExportQuery): ExportStatement[] {
  return query.sources.map((source) => ({ source, influxql: statementOf(query, source) }));
}

function statementOf(query: ReadingsExportQuery, source: ReadingSource): string {
  const where = [`time >= ${source.from}ms`, `time < ${source.to}ms`, selectionCondition(query.selection)].join(' AND ');
  const tags = EXPORT_TAGS.map(quoteIdentifier).join(', ');
  if (query.resolution.kind === 'raw') {
    if (source.resolution !== 'raw') throw new Error(`A raw export reads raw readings, not ${source.resolution} aggregates`);
    // `*::field`: the tags are in the GROUP BY, so rows hold only time and the metrics.
    return `SELECT *::field FROM ${rawMeasurements(query.policies, query.domain)} WHERE ${where} GROUP BY ${tags}`;
  }
  const { everyMs } = query.resolution;
  const group = `GROUP BY ${timeBuckets(everyMs)}, ${tags} fill(none)${bucketZone(everyMs, query.timeZone)}`;
  if (source.resolution === 'raw') return `SELECT sum(*), count(*), min(*), max(*) FROM ${rawMeasurements(query.policies, query.domain)} WHERE ${where} ${group}`;
  const measurement = `${quoteIdentifier(AGGREGATE_POLICY[source.resolution])}.${quoteIdentifier(query.domain)}`;
  return `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM ${measurement} WHERE ${where} ${group}`;
}

/** `raw` or `1m`, `1h` …: how the audit log and the file name say a resolution. */
export function describeResolution(resolution: ExportResolution): string {
  return resolution.kind === 'raw' ? 'raw' : formatDuration(resolution.everyMs);
}

/** The sources of an export as its response header says them: `1h 2026-…Z/2026-…Z, raw …/…` (ISO 8601 intervals). */
export function describeSources(sources: readonly ReadingSource[]): string {
  return sources.map((source) => `${source.resolution} ${new Date(source.from).toISOString()}/${new Date(source.to).toISOString()}`).join(', ');
}

/** The coarsest resolution an export read (its first source's). */
export function coarsestOf(sources: readonly ReadingSource[]): ReadingResolution {
  return sources[0]?.resolution ?? 'raw';
}

function selectionCondition(selection: ReadingsSelection): string {
  if (selection.kind === 'area') {
    const town = `"town" = ${quoteString(selection.town)}`;
    return selection.village === null ? town : `${town} AND "village" = ${quoteString(selection.village)}`;
  }
  // Equality, not a regex: device ids are plain, and InfluxDB uses the tag index for either.
  return `(${selection.deviceIds.map((id) => `"device_id" = ${quoteString(id)}`).join(' OR ')})`;
}
