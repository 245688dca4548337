import { csvField, csvRecord, type ZonedTimeFormatter } from '@hub/common';
import type { ReadingSource } from '@hub/api-types';
import type { InfluxSeries } from '@hub/influx';
import { addParts, metricColumns, partsOfRow, type BucketParts } from '../devices/readings-query';
import type { ExportResolution } from './readings-export.query';

/**
 * The columns of a readings export, one row per metric of a reading (or of a bucket), so that every domain's
 * readings share one header whatever their metrics. Stable: documented in docs/operations.md (Exports) and changed
 * only by adding columns at the end.
 */
export const RAW_READING_COLUMNS = ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'value'] as const;
export const AGGREGATE_READING_COLUMNS = ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'mean', 'min', 'max', 'count'] as const;

export function readingColumns(resolution: ExportResolution): readonly string[] {
  return resolution.kind === 'raw' ? RAW_READING_COLUMNS : AGGREGATE_READING_COLUMNS;
}

export interface ReadingRowsContext {
  readonly domain: string;
  /** The catalogue's unit of a metric ('' when it has none or is unknown). */
  readonly unitOf: (metric: string) => string;
  readonly localTime: ZonedTimeFormatter;
}

/** CSV records of one piece of one series, and how many there are. */
export interface RecordsText {
  readonly text: string;
  readonly rows: number;
}

/**
 * The records of a piece of a series of a raw export: tags in `series.tags`, rows of time and the metrics. A metric a
 * reading did not carry (null) makes no row.
 */
export function rawReadingRecords(series: InfluxSeries, context: ReadingRowsContext): RecordsText {
  const place = placeOf(series, context);
  const metrics = series.columns.map((column, index) => ({ index, prefix: index === 0 ? '' : `${csvField(column)},${csvField(context.unitOf(column))}` })).slice(1);
  let text = '';
  let rows = 0;
  for (const row of series.values) {
    const time = Number(row[0]);
    let times: string | undefined;
    for (const metric of metrics) {
      const value = row[metric.index];
      if (typeof value !== 'number') continue;
      times ??= timeFields(time, context);
      text += `${times},${place},${metric.prefix},${csvField(value)}\r\n`;
      rows++;
    }
  }
  return { text, rows };
}

/** What every row of a series repeats, quoted once: domain, device_id, town, village, site. */
function placeOf(series: InfluxSeries, context: ReadingRowsContext): string {
  const tags = series.tags ?? {};
  return [context.domain, tags.device_id, tags.town, tags.village, tags.site].map((value) => csvField(value ?? '')).join(',');
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A bucket of a series that a later source adds to: its metrics' parts so far. */
interface HeldBucket {
  readonly place: string;
  readonly time: number;
  readonly metrics: Map<string, BucketParts>;
}

/**
 * The records of an aggregate export of one domain, its sources read one after the other: per bucket and metric, the
 * mean (sum / count), min, max and count from the parts each source answers (readings-export.query.ts). A bucket in
 * which a metric had no reading makes no row.
 *
 * A bucket can straddle two sources: planResolution ends the minutes where they are complete (a whole minute, not a
 * whole hour), so with `every=1h` the current hour has its first minutes from the minute aggregates and the rest from
 * raw readings. Such a bucket is held — its parts only, one entry per series and bucket — until the next source has
 * added its own parts, then written once with the figures of all its readings. Nothing else is held, so memory stays
 * bounded by the number of series, not by the length of the range.
 */
export class AggregateRecords {
  private readonly held = new Map<string, HeldBucket>();
  private readonly prefixes = new Map<string, string>();

  constructor(
    private readonly context: ReadingRowsContext,
    private readonly everyMs: number,
  ) {}

  /** The records of a piece of a series read from `source`; `last`: no later source follows. */
  add(series: InfluxSeries, source: ReadingSource, last: boolean): RecordsText {
    const place = placeOf(series, this.context);
    const metrics = metricColumns(series.columns, source.resolution);
    const out = new RecordsBuilder();
    for (const row of series.values) {
      const time = Number(row[0]);
      const key = this.held.size === 0 ? undefined : `${place}\u0000${time}`;
      const before = key === undefined ? undefined : this.held.get(key);
      const hold = !last && this.reachesPast(time, source.to);
      if (before === undefined && !hold) {
        // Nearly every row: written as it comes.
        let times: string | undefined;
        for (const metric of metrics) {
          const parts = partsOfRow(row, metric);
          if (parts === undefined) continue;
          times ??= timeFields(time, this.context);
          out.add(this.record(times, place, metric.name, parts));
        }
        continue;
      }
      if (key !== undefined) this.held.delete(key);
      const bucket = before ?? { place, time, metrics: new Map<string, BucketParts>() };
      for (const metric of metrics) {
        const parts = partsOfRow(row, metric);
        if (parts === undefined) continue;
        const earlier = bucket.metrics.get(metric.name);
        bucket.metrics.set(metric.name, earlier === undefined ? parts : addParts(earlier, parts));
      }
      if (hold) this.held.set(key ?? `${place}\u0000${time}`, bucket);
      else this.write(bucket, out);
    }
    return out.done();
  }

  /**
   * After a source has been read: the held buckets no later source reaches into, i.e. those that end by `until` (the
   * source's end); all of them (no `until`) after the last source.
   */
  release(until?: number): RecordsText {
    const out = new RecordsBuilder();
    for (const [key, bucket] of this.held) {
      if (until !== undefined && this.reachesPast(bucket.time, until)) continue;
      this.held.delete(key);
      this.write(bucket, out);
    }
    return out.done();
  }

  /**
   * Whether the bucket starting at `time` may end after `to`. Day and week buckets are the county's days, 23 to 25
   * hours long around a daylight-saving change: an hour of slack holds a few more of them than needed, which costs
   * nothing (a held bucket no later source adds to is written by `release`).
   */
  private reachesPast(time: number, to: number): boolean {
    return time + this.everyMs + (this.everyMs % DAY === 0 ? HOUR : 0) > to;
  }

  private write(bucket: HeldBucket, out: RecordsBuilder): void {
    if (bucket.metrics.size === 0) return;
    const times = timeFields(bucket.time, this.context);
    for (const [name, parts] of bucket.metrics) out.add(this.record(times, bucket.place, name, parts));
  }

  /** A bucket's row: the mean is sum / count, exactly what the mean of its readings is. */
  private record(times: string, place: string, metric: string, parts: BucketParts): string {
    let prefix = this.prefixes.get(metric);
    if (prefix === undefined) this.prefixes.set(metric, (prefix = `${csvField(metric)},${csvField(this.context.unitOf(metric))}`));
    return `${times},${place},${prefix},${csvField(parts.sum / parts.count)},${csvField(parts.min)},${csvField(parts.max)},${parts.count}\r\n`;
  }
}

class RecordsBuilder {
  private text = '';
  private rows = 0;

  add(record: string): void {
    this.text += record;
    this.rows++;
  }

  done(): RecordsText {
    return { text: this.text, rows: this.rows };
  }
}

function timeFields(ms: number, context: ReadingRowsContext): string {
  return `${context.localTime.formatUtc(ms)},${context.localTime.format(ms)}`;
}

/** The header record of a readings export. */
export function readingHeader(resolution: ExportResolution): string {
  return csvRecord(readingColumns(resolution));
}
