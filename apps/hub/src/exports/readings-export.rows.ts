import { csvField, csvRecord, type ZonedTimeFormatter } from '@hub/common';
import type { InfluxSeries } from '@hub/influx';
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

const AGGREGATES = ['mean', 'min', 'max', 'count'] as const;

/**
 * The records of a piece of a series as readingsExportInfluxQl asked for it: tags in `series.tags`, rows of time and
 * the metrics (raw), or of the bucket's start and mean_/min_/max_/count_ per metric (aggregate). A metric a reading
 * did not carry (null) makes no row; nor does a bucket in which a metric had no reading (count null or 0).
 */
export function readingRecords(series: InfluxSeries, resolution: ExportResolution, context: ReadingRowsContext): RecordsText {
  const tags = series.tags ?? {};
  // What every row of the series repeats, quoted once.
  const place = [context.domain, tags.device_id, tags.town, tags.village, tags.site].map((value) => csvField(value ?? '')).join(',');
  return resolution.kind === 'raw' ? rawRecords(series, place, context) : aggregateRecords(series, place, context);
}

function rawRecords(series: InfluxSeries, place: string, context: ReadingRowsContext): RecordsText {
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

function aggregateRecords(series: InfluxSeries, place: string, context: ReadingRowsContext): RecordsText {
  const byMetric = new Map<string, Partial<Record<(typeof AGGREGATES)[number], number>>>();
  series.columns.forEach((column, index) => {
    const at = column.indexOf('_');
    const aggregate = column.slice(0, at) as (typeof AGGREGATES)[number];
    if (index === 0 || at < 0 || !AGGREGATES.includes(aggregate)) return;
    const metric = column.slice(at + 1);
    let indices = byMetric.get(metric);
    if (indices === undefined) byMetric.set(metric, (indices = {}));
    indices[aggregate] = index;
  });
  const metrics = [...byMetric].map(([name, indices]) => ({ prefix: `${csvField(name)},${csvField(context.unitOf(name))}`, ...indices }));
  let text = '';
  let rows = 0;
  for (const row of series.values) {
    let times: string | undefined;
    for (const metric of metrics) {
      const count = metric.count === undefined ? null : row[metric.count];
      if (typeof count !== 'number' || count === 0) continue;
      times ??= timeFields(Number(row[0]), context);
      const value = (index: number | undefined): string => (index === undefined ? '' : csvField(row[index] as number | null));
      text += `${times},${place},${metric.prefix},${value(metric.mean)},${value(metric.min)},${value(metric.max)},${count}\r\n`;
      rows++;
    }
  }
  return { text, rows };
}

function timeFields(ms: number, context: ReadingRowsContext): string {
  return `${context.localTime.formatUtc(ms)},${context.localTime.format(ms)}`;
}

/** The header record of a readings export. */
export function readingHeader(resolution: ExportResolution): string {
  return csvRecord(readingColumns(resolution));
}
