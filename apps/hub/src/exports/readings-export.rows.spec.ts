import type { ReadingSource } from '@hub/api-types';
import { ZonedTimeFormatter } from '@hub/common';
import type { InfluxSeries } from '@hub/influx';
import { readCsv } from '@hub/test-harness';
import { AggregateRecords, rawReadingRecords, readingHeader, type ReadingRowsContext } from './readings-export.rows';
import { RAW } from './readings-export.query';

const context: ReadingRowsContext = { domain: 'water', unitOf: (metric) => ({ flow_m3h: 'm³/h', pressure_kpa: 'kPa' })[metric] ?? '', localTime: new ZonedTimeFormatter('Asia/Shanghai') };
const T = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const HOURLY = { kind: 'aggregate', everyMs: HOUR } as const;
const CG1 = { device_id: 'cg-1', site: '', town: '城关镇', village: '' };
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('rawReadingRecords', () => {
  it('writes one row per metric a reading carries, tags from the series, times in UTC and the county’s zone', () => {
    const series = { name: 'water', tags: { device_id: 'cg-1', site: 'pump, north', town: '城关镇', village: '东街村' }, columns: ['time', 'flow_m3h', 'pressure_kpa', 'retired'], values: [[T, 12.5, 300, null], [T + 15_000, null, -0.25, null]] };
    const { text, rows } = rawReadingRecords(series, context);
    expect(rows).toBe(3);
    expect(readCsv(readingHeader(RAW) + text)).toEqual([
      ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'value'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '东街村', 'pump, north', 'flow_m3h', 'm³/h', '12.5'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '东街村', 'pump, north', 'pressure_kpa', 'kPa', '300'],
      ['2026-11-01T00:00:15.000Z', '2026-11-01T08:00:15.000+08:00', 'water', 'cg-1', '城关镇', '东街村', 'pump, north', 'pressure_kpa', 'kPa', '-0.25'],
    ]);
    expect(text).toContain(',"pump, north",');
  });

  it('leaves tags a reading was stored without empty', () => {
    const series = { name: 'water', tags: { device_id: 'w-9', site: '', town: '', village: '' }, columns: ['time', 'flow_m3h'], values: [[T, 1]] };
    expect(rawReadingRecords(series, context).text).toBe('2026-11-01T00:00:00.000Z,2026-11-01T08:00:00.000+08:00,water,w-9,,,,flow_m3h,m³/h,1\r\n');
  });
});

describe('AggregateRecords', () => {
  const only = (resolution: ReadingSource['resolution']): ReadingSource => ({ resolution, from: T, to: T + 24 * HOUR });

  it('writes mean (sum / count), min, max and count per metric and bucket from raw readings, and no row for a metric without readings in the bucket', () => {
    const series = {
      name: 'water',
      tags: CG1,
      columns: ['time', 'sum_flow_m3h', 'sum_pressure_kpa', 'count_flow_m3h', 'count_pressure_kpa', 'min_flow_m3h', 'min_pressure_kpa', 'max_flow_m3h', 'max_pressure_kpa'],
      values: [
        [T, 6, 600, 3, 2, 1, 290, 3, 310],
        [T + HOUR, 5, null, 1, null, 5, null, 5, null],
        [T + 2 * HOUR, null, null, 0, 0, null, null, null, null],
      ],
    };
    const records = new AggregateRecords(context, HOUR);
    const { text, rows } = records.add(series, only('raw'), true);
    expect(rows).toBe(3);
    expect(readCsv(readingHeader(HOURLY) + text)).toEqual([
      ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'mean', 'min', 'max', 'count'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '2', '1', '3', '3'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'pressure_kpa', 'kPa', '300', '290', '310', '2'],
      ['2026-11-01T01:00:00.000Z', '2026-11-01T09:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '5', '5', '5', '1'],
    ]);
    expect(records.release()).toEqual({ text: '', rows: 0 });
  });

  it('weighs a backfilled series’ minute by its readings: the mean of all readings, not the mean of the two series’ means', () => {
    // Minute 5 of cg-1: three readings in the raw series, one that arrived older than the raw period in its backfilled
    // series. The statement does not group by `backfilled`, so InfluxDB answers the two series' minute aggregates added up.
    const normal = [305, 305.25, 305.5];
    const backfilled = [400];
    const all = [...normal, ...backfilled];
    const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
    const series: InfluxSeries = {
      name: 'water',
      tags: CG1,
      columns: ['time', 'sum_sum_pressure_kpa', 'sum_count_pressure_kpa', 'min_min_pressure_kpa', 'max_max_pressure_kpa', 'sum_sum_count_x', 'sum_count_count_x', 'min_min_count_x', 'max_max_count_x'],
      values: [[T + 5 * MINUTE, sum(normal) + sum(backfilled), normal.length + backfilled.length, Math.min(...normal, ...backfilled), Math.max(...normal, ...backfilled), 9, 2, 4, 5]],
    };
    const { text } = new AggregateRecords(context, MINUTE).add(series, only('1m'), true);
    expect(readCsv(text)).toEqual([
      ['2026-11-01T00:05:00.000Z', '2026-11-01T08:05:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'pressure_kpa', 'kPa', String(mean(all)), '305', '400', '4'],
      // A metric named like a prefix reads back as itself.
      ['2026-11-01T00:05:00.000Z', '2026-11-01T08:05:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'count_x', '', '4.5', '4', '5', '2'],
    ]);
    expect(mean(all)).toBe(328.9375);
    expect(mean([mean(normal), mean(backfilled)])).not.toBe(328.9375);
  });

  it('adds up a bucket that straddles sources (hours, minutes, raw readings) into one row, written with the last source that reaches it', () => {
    const at = (hours: number, minutes = 0): number => T + hours * HOUR + minutes * MINUTE;
    const sources: ReadingSource[] = [
      { resolution: '1h', from: at(0), to: at(2) },
      { resolution: '1m', from: at(2), to: at(2, 37) },
      { resolution: 'raw', from: at(2, 37), to: at(3) },
    ];
    const aggregate = (tags: InfluxSeries['tags'], values: (number | null)[][]): InfluxSeries => ({ name: 'water', tags, columns: ['time', 'sum_sum_flow_m3h', 'sum_count_flow_m3h', 'min_min_flow_m3h', 'max_max_flow_m3h'], values });
    const raw = (tags: InfluxSeries['tags'], values: (number | null)[][]): InfluxSeries => ({ name: 'water', tags, columns: ['time', 'sum_flow_m3h', 'count_flow_m3h', 'min_flow_m3h', 'max_flow_m3h'], values });
    const CG2 = { ...CG1, device_id: 'cg-2' };
    const records = new AggregateRecords(context, HOUR);
    const text: string[] = [];
    const take = ({ text: piece }: { text: string }): void => void text.push(piece);

    // Hours: whole hours 0 and 1, nothing reaches past 02:00.
    take(records.add(aggregate(CG1, [[at(0), 10, 4, 1, 4], [at(1), 8, 2, 3, 5]]), sources[0], false));
    take(records.release(sources[0].to));
    expect(readCsv(text.join('')).map((row) => [row[0], row[3], row[12]])).toEqual([
      ['2026-11-01T00:00:00.000Z', 'cg-1', '4'],
      ['2026-11-01T01:00:00.000Z', 'cg-1', '2'],
    ]);
    // Minutes 02:00–02:37: hour 2 of both devices is held, nothing written yet.
    take(records.add(aggregate(CG1, [[at(2), 30, 3, 9, 11]]), sources[1], false));
    take(records.add(aggregate(CG2, [[at(2), 7, 1, 7, 7]]), sources[1], false));
    take(records.release(sources[1].to));
    expect(readCsv(text.join(''))).toHaveLength(2);
    // Raw readings 02:37–03:00 of cg-1 only: its hour 2 is written with all its readings; cg-2's after the last source.
    take(records.add(raw(CG1, [[at(2), 2, 1, 2, 2]]), sources[2], true));
    take(records.release());
    expect(readCsv(text.join('')).slice(2)).toEqual([
      ['2026-11-01T02:00:00.000Z', '2026-11-01T10:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '8', '2', '11', '4'],
      ['2026-11-01T02:00:00.000Z', '2026-11-01T10:00:00.000+08:00', 'water', 'cg-2', '城关镇', '', '', 'flow_m3h', 'm³/h', '7', '7', '7', '1'],
    ]);
  });

  it('holds a day around a daylight-saving change an hour longer, and writes a held bucket no later source reaches once none can', () => {
    // Europe/London, 2026-10-25: 25 hours long; InfluxDB's day bucket starts at local midnight (UTC+1, 23:00Z the day before).
    const london: ReadingRowsContext = { ...context, localTime: new ZonedTimeFormatter('Europe/London') };
    const DAY = 24 * HOUR;
    const midnight = Date.parse('2026-10-24T23:00:00Z');
    const records = new AggregateRecords(london, DAY);
    const series = (values: (number | null)[][]): InfluxSeries => ({ name: 'water', tags: CG1, columns: ['time', 'sum_sum_flow_m3h', 'sum_count_flow_m3h', 'min_min_flow_m3h', 'max_max_flow_m3h'], values });
    // The hours end 24h30m after that midnight, inside its 25-hour day: held.
    const hoursEnd = midnight + 24 * HOUR + 30 * MINUTE;
    expect(records.add(series([[midnight, 4, 2, 1, 3]]), { resolution: '1h', from: midnight, to: hoursEnd }, false).rows).toBe(0);
    expect(records.release(hoursEnd).rows).toBe(0);
    // The minutes have nothing of that day; they end past it, so it is written when they are done.
    const minutesEnd = midnight + 26 * HOUR;
    const { text, rows } = records.release(minutesEnd);
    expect([rows, readCsv(text)[0]]).toEqual([1, ['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000+01:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '2', '1', '3', '2']]);
  });
});
