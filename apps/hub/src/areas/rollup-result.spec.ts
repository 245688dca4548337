import type { InfluxSeries, InfluxValue } from '@hub/influx';
import { COUNTY, type AreaPath } from './area-path';
import { rollupFromSeries } from './rollup-result';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const T1 = T0 + 3_600_000;
const [ISO0, ISO1] = [T0, T1].map((t) => new Date(t).toISOString());
const ashford: AreaPath = { level: 'town', town: 'Ashford' };

function series(tags: Record<string, string> | undefined, columns: string[], rows: InfluxValue[][]): InfluxSeries {
  return { name: 'water', ...(tags === undefined ? {} : { tags }), columns: ['time', ...columns], values: rows };
}

describe('rollupFromSeries', () => {
  it('adds the towns’ sums into the county’s, counts devices, and keeps unplaced devices in the total only', () => {
    const result = rollupFromSeries(
      [
        series({ town: '' }, ['value', 'devices'], [[T0, 100, 1], [T1, null, 0]]),
        series({ town: 'Ashford' }, ['value', 'devices'], [[T0, 16, 2], [T1, null, 0]]),
        series({ town: 'Brookfield' }, ['value', 'devices'], [[T0, 7.5, 1], [T1, 9.25, 1]]),
      ],
      'sum',
      COUNTY,
      ['Ashford', 'Brookfield', 'Castleton'],
    );
    expect(result).toEqual({
      total: { area: '', points: [{ t: ISO0, value: 123.5, devices: 4 }, { t: ISO1, value: 9.25, devices: 1 }] },
      children: [
        { area: 'Ashford', points: [{ t: ISO0, value: 16, devices: 2 }, { t: ISO1, value: null, devices: 0 }] },
        { area: 'Brookfield', points: [{ t: ISO0, value: 7.5, devices: 1 }, { t: ISO1, value: 9.25, devices: 1 }] },
        // A known town whose devices did not report: every bucket, empty.
        { area: 'Castleton', points: [{ t: ISO0, value: null, devices: 0 }, { t: ISO1, value: null, devices: 0 }] },
      ],
    });
  });

  it('takes a mean over all readings from the children’s sums and counts, not the mean of their means', () => {
    const result = rollupFromSeries(
      [
        // Millbrook: 3 readings summing to 1200 (mean 400); Ferry Lane: 1 reading of 600.
        series({ village: 'Millbrook' }, ['sum', 'readings', 'devices'], [[T0, 1200, 3, 2]]),
        series({ village: 'Ferry Lane' }, ['sum', 'readings', 'devices'], [[T0, 600, 1, 1]]),
      ],
      'mean',
      ashford,
      [],
    );
    expect(result.total).toEqual({ area: 'Ashford', points: [{ t: ISO0, value: 450, devices: 3 }] });
    expect(result.children).toEqual([
      { area: 'Ashford/Ferry Lane', points: [{ t: ISO0, value: 600, devices: 1 }] },
      { area: 'Ashford/Millbrook', points: [{ t: ISO0, value: 400, devices: 2 }] },
    ]);
  });

  it('takes the lowest and highest of the children, skipping children without readings', () => {
    const rows = (value: number | null, devices: number): InfluxValue[][] => [[T0, value, devices]];
    const input = [series({ town: 'Ashford' }, ['value', 'devices'], rows(310, 2)), series({ town: 'Brookfield' }, ['value', 'devices'], rows(null, 0)), series({ town: 'Castleton' }, ['value', 'devices'], rows(295.5, 1))];
    expect(rollupFromSeries(input, 'min', COUNTY, []).total.points).toEqual([{ t: ISO0, value: 295.5, devices: 3 }]);
    expect(rollupFromSeries(input, 'max', COUNTY, []).total.points).toEqual([{ t: ISO0, value: 310, devices: 3 }]);
  });

  it('answers count as the number of devices, 0 rather than null where none reported', () => {
    const result = rollupFromSeries([series({ town: 'Ashford' }, ['devices'], [[T0, 3], [T1, 0]])], 'count', COUNTY, []);
    expect(result.total.points).toEqual([{ t: ISO0, value: 3, devices: 3 }, { t: ISO1, value: 0, devices: 0 }]);
  });

  it('names a village by its town; a village’s own roll-up has no children', () => {
    expect(rollupFromSeries([series({ village: 'Millbrook' }, ['value', 'devices'], [[T0, 5, 1]])], 'sum', ashford, []).children.map((child) => child.area)).toEqual(['Ashford/Millbrook']);
    const village: AreaPath = { level: 'village', town: 'Ashford', village: 'Millbrook' };
    expect(rollupFromSeries([series(undefined, ['value', 'devices'], [[T0, 5, 1]])], 'sum', village, [])).toEqual({ total: { area: 'Ashford/Millbrook', points: [{ t: ISO0, value: 5, devices: 1 }] }, children: [] });
  });

  it('gives no points when nothing in the area reported in the range, but still lists the known children', () => {
    expect(rollupFromSeries([], 'sum', COUNTY, ['Ashford'])).toEqual({ total: { area: '', points: [] }, children: [{ area: 'Ashford', points: [] }] });
  });
});
