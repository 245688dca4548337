import { bucketsByDevice, extremeDevices, rowsByDevice } from './query-result.parser';
import { storedActivity } from './no-data.evaluator';

describe('query result parsing', () => {
  it('keys grouped rows by device and finds columns by alias', () => {
    const rows = rowsByDevice([
      { name: 'water', tags: { device_id: 'w-1' }, columns: ['time', 'min', 'max'], values: [[0, 180, 410]] },
      { name: 'water', tags: { device_id: 'w-2' }, columns: ['time', 'max', 'min'], values: [[0, 400, 390]] },
    ]);
    expect(rows.get('w-1')).toEqual({ 'time:min': 0, min: 180, max: 410 });
    expect(rows.get('w-2')).toEqual({ 'time:max': 0, max: 400, min: 390 });
  });

  it('reads the devices of a top/bottom screen per side, and whether a side came back full', () => {
    const sides = extremeDevices(
      [
        { name: 'power', columns: ['time', 'top', 'device_id'], values: [[1, 256, 'p-1'], [2, 254, 'p-2']] },
        { name: 'power', columns: ['time', 'bottom', 'device_id'], values: [[3, 201, 'p-3']] },
      ],
      2,
    );
    expect(sides).toEqual([
      { side: 'top', full: true, devices: new Map([['p-1', 256], ['p-2', 254]]) },
      { side: 'bottom', full: false, devices: new Map([['p-3', 201]]) },
    ]);
  });

  it('reads buckets in time order and skips a bucket without readings', () => {
    const buckets = bucketsByDevice([
      {
        name: 'gas',
        tags: { device_id: 'g-1' },
        columns: ['time', 'min', 'max', 'mean', 'last', 'count'],
        values: [
          [2000, 1, 3, 2, 3, 2],
          [1000, 0.5, 0.5, 0.5, 0.5, 1],
          [3000, null, null, null, null, 0],
        ],
      },
    ]);
    expect(buckets.get('g-1')).toEqual([
      { t: 1000, min: 0.5, max: 0.5, mean: 0.5, last: 0.5, count: 1 },
      { t: 2000, min: 1, max: 3, mean: 2, last: 3, count: 2 },
    ]);
  });

  it('tells the last-reading and count statements of a no-data query apart by their columns', () => {
    const activity = storedActivity([
      { name: 'heat', tags: { device_id: 'h-1' }, columns: ['time', 'last'], values: [[1_700_000_123_000, 82.5]] },
      { name: 'heat', tags: { device_id: 'h-2' }, columns: ['time', 'last'], values: [[1_700_000_100_000, 80]] },
      { name: 'heat', tags: { device_id: 'h-1' }, columns: ['time', 'count'], values: [[0, 240]] },
    ]);
    expect(activity.get('h-1')).toEqual({ lastTs: 1_700_000_123_000, count: 240 });
    expect(activity.get('h-2')).toEqual({ lastTs: 1_700_000_100_000, count: 0 });
  });
});
