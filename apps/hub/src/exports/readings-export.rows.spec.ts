import { ZonedTimeFormatter } from '@hub/common';
import { readCsv } from '@hub/test-harness';
import { readingHeader, readingRecords, type ReadingRowsContext } from './readings-export.rows';
import { RAW } from './readings-export.query';

const context: ReadingRowsContext = { domain: 'water', unitOf: (metric) => ({ flow_m3h: 'm³/h', pressure_kpa: 'kPa' })[metric] ?? '', localTime: new ZonedTimeFormatter('Asia/Shanghai') };
const T = Date.parse('2026-11-01T00:00:00Z');

describe('readingRecords', () => {
  it('writes one row per metric a reading carries, tags from the series, times in UTC and the county’s zone', () => {
    const series = { name: 'water', tags: { device_id: 'cg-1', site: 'pump, north', town: '城关镇', village: '东街村' }, columns: ['time', 'flow_m3h', 'pressure_kpa', 'retired'], values: [[T, 12.5, 300, null], [T + 15_000, null, -0.25, null]] };
    const { text, rows } = readingRecords(series, RAW, context);
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
    expect(readingRecords(series, RAW, context).text).toBe('2026-11-01T00:00:00.000Z,2026-11-01T08:00:00.000+08:00,water,w-9,,,,flow_m3h,m³/h,1\r\n');
  });

  it('writes mean, min, max and count per metric and bucket, and no row for a metric without readings in the bucket', () => {
    const series = {
      name: 'water',
      tags: { device_id: 'cg-1', site: '', town: '城关镇', village: '' },
      columns: ['time', 'mean_flow_m3h', 'mean_pressure_kpa', 'min_flow_m3h', 'min_pressure_kpa', 'max_flow_m3h', 'max_pressure_kpa', 'count_flow_m3h', 'count_pressure_kpa'],
      values: [
        [T, 2, 300, 1, 290, 3, 310, 3, 2],
        [T + 3_600_000, 5, null, 5, null, 5, null, 1, null],
        [T + 7_200_000, null, null, null, null, null, null, 0, 0],
      ],
    };
    const resolution = { kind: 'aggregate', everyMs: 3_600_000 } as const;
    const { text, rows } = readingRecords(series, resolution, context);
    expect(rows).toBe(3);
    expect(readCsv(readingHeader(resolution) + text)).toEqual([
      ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'mean', 'min', 'max', 'count'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '2', '1', '3', '3'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'pressure_kpa', 'kPa', '300', '290', '310', '2'],
      ['2026-11-01T01:00:00.000Z', '2026-11-01T09:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '5', '5', '5', '1'],
    ]);
  });
});
