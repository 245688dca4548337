import type { InfluxSeries } from '@hub/influx';
import { aRule, T0 } from '../testing/alert-fixtures';
import { DeviceDirectory } from './device-directory';
import { NoDataSource } from './no-data.source';

const S = 1000;
const M = 60_000;
const H = 60 * M;

describe('NoDataSource', () => {
  const rule = aRule({ selector: { domain: 'heat', metric: 'supply_temp_c' }, condition: { type: 'no-data', intervalMultiple: 3, baseline: '1h' } });
  const condition = rule.condition.type === 'no-data' ? rule.condition : (undefined as never);
  const directory: DeviceDirectory = {
    devicesIn: () => [
      { deviceId: 'h-1', domain: 'heat', town: null, firstSeen: T0 - 24 * H, lastValueTs: { supply_temp_c: T0 - 5 * S } },
      { deviceId: 'h-2', domain: 'heat', town: null, firstSeen: T0 - 24 * H, lastValueTs: { supply_temp_c: T0 - 30 * M } },
    ],
    townOf: () => null,
    villageOf: () => null,
  };
  const window = (now: number) => ({ now, start: now - H, end: now + 5 * M });
  let statements: string[];
  let source: NoDataSource;

  beforeEach(() => {
    statements = [];
    source = new NoDataSource(async (influxql): Promise<InfluxSeries[]> => {
      statements.push(influxql);
      const series: InfluxSeries[] = [{ name: 'heat', tags: { device_id: 'h-1' }, columns: ['time', 'last'], values: [[T0 - 10 * S, 80]] }];
      if (influxql.includes('count(')) {
        series.push(
          { name: 'heat', tags: { device_id: 'h-1' }, columns: ['time', 'last'], values: [[T0 - 10 * S, 80]] },
          { name: 'heat', tags: { device_id: 'h-2' }, columns: ['time', 'last'], values: [[T0 - 30 * M, 75]] },
          { name: 'heat', tags: { device_id: 'h-1' }, columns: ['time', 'count'], values: [[0, 360]] },
          { name: 'heat', tags: { device_id: 'h-2' }, columns: ['time', 'count'], values: [[0, 181]] },
        );
      }
      return series;
    }, directory);
  });

  it('reads the last 10 minutes every time and measures usual intervals over the baseline a quarter-baseline apart', async () => {
    const first = await source.devices(rule, condition, window(T0), undefined);
    expect(first).toEqual([
      { deviceId: 'h-1', storedLastTs: T0 - 10 * S, receivedLastTs: T0 - 5 * S, usualIntervalMs: 10_000 },
      // Silent for 30 min: not in the recent read, but the baseline read of this evaluation has its last reading.
      { deviceId: 'h-2', storedLastTs: T0 - 30 * M, receivedLastTs: T0 - 30 * M, usualIntervalMs: 10_000 },
    ]);
    expect(statements).toEqual([
      `SELECT last("supply_temp_c") AS "last" FROM "heat" WHERE time >= ${T0 - 10 * M}ms AND time <= ${T0 + 5 * M}ms GROUP BY "device_id"; ` +
        `SELECT last("supply_temp_c") AS "last" FROM "heat" WHERE time >= ${T0 - H}ms AND time <= ${T0 + 5 * M}ms GROUP BY "device_id"; ` +
        `SELECT count("supply_temp_c") AS "count" FROM "heat" WHERE time >= ${T0 - H}ms AND time <= ${T0 + 5 * M}ms GROUP BY "device_id"`,
    ]);
    const later = await source.devices(rule, condition, window(T0 + 14 * M), undefined);
    expect(statements[1]).not.toContain('count(');
    expect(later.map((device) => [device.deviceId, device.storedLastTs, device.usualIntervalMs])).toEqual([
      ['h-1', T0 - 10 * S, 10_000],
      ['h-2', null, 10_000],
    ]);
    await source.devices(rule, condition, window(T0 + 15 * M), undefined);
    expect(statements[2]).toContain('count(');
    await source.devices({ ...rule, revision: 2 }, condition, window(T0 + 16 * M), ['h-1']);
    expect(statements[3]).toContain('count(');
    expect(statements[3]).toContain('"device_id" =~ /^(h-1)$/');
  });
});
