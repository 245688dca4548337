import { MetricCatalogue } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { periodOfDate } from './report-period';
import { ReportGenerator, type RegisteredDevice } from './report-generator';

const device = (deviceId: string, domain: string | null, town: string | null, extra: Partial<RegisteredDevice> = {}): RegisteredDevice => ({
  deviceId,
  domain,
  town,
  village: null,
  kind: 'device',
  status: 'active',
  expectedIntervalS: 3600,
  ...extra,
});

const DEVICES: readonly RegisteredDevice[] = [
  device('w-1', 'water', 'Ashford'),
  device('w-2', 'water', 'Ashford', { village: 'Millbrook' }),
  device('g-1', 'gas', 'Ashford'),
  device('dtu-1', null, 'Ashford', { kind: 'gateway' }),
  device('q-1', 'water', 'Ashford', { status: 'quarantined' }),
  device('w-9', 'water', 'Brookfield'),
  device('lost', 'water', null),
];

const DAY = periodOfDate('daily', { year: 2026, month: 11, day: 30 }, 'Asia/Shanghai');

/** The generator over the built-in catalogue and a stand-in for InfluxDB that answers w-1's flow and nothing else. */
function generatorAnswering(statements: string[]) {
  const query = (influxql: string): Promise<InfluxSeries[]> => {
    statements.push(influxql);
    if (!influxql.includes('FROM "water"') && !influxql.includes('FROM (SELECT elapsed(*, 1ms) FROM "water"')) return Promise.resolve([]);
    if (influxql.startsWith('SELECT first(')) {
      return Promise.resolve([
        { name: 'water', tags: { device_id: 'w-1' }, columns: ['time', 'first'], values: [[DAY.start + 600_000, 1]] },
        { name: 'water', tags: { device_id: 'w-1' }, columns: ['time', 'last'], values: [[DAY.end - 600_000, 1]] },
      ]);
    }
    if (influxql.startsWith('SELECT max(*)')) return Promise.resolve([{ name: 'water', tags: { device_id: 'w-1' }, columns: ['time', 'max_elapsed_flow_m3h'], values: [[DAY.start, 7_200_000]] }]);
    if (influxql.includes('"flow_m3h"')) return Promise.resolve([{ name: 'water', columns: ['time', 'sum', 'readings', 'min', 'max', 'means', 'devices'], values: [[DAY.start, 60, 4, 10, 20, 15, 1]] }]);
    return Promise.resolve([]);
  };
  return new ReportGenerator({ devices: () => DEVICES, catalogue: MetricCatalogue.BUILT_IN, query, alerts: () => Promise.resolve([]) });
}

describe('ReportGenerator', () => {
  it('counts the area’s active devices (no gateway, no quarantined one, none elsewhere) and reads each domain with two requests and one per metric', async () => {
    const statements: string[] = [];
    const figures = await generatorAnswering(statements).figures({ area: 'Ashford', domain: null }, DAY);
    expect(figures.availability).toEqual([
      { domain: 'water', devices: 2, reporting: 1, withGaps: 1, gaps: [{ deviceId: 'w-1', longestSilenceMs: 7_200_000, expectedIntervalS: 3600 }] },
      { domain: 'gas', devices: 1, reporting: 0, withGaps: 0, gaps: [] },
    ]);
    expect(figures.metrics).toEqual([{ domain: 'water', metric: 'flow_m3h', unit: 'm³/h', devices: 1, readings: 4, mean: 15, min: 10, max: 20, total: 360, totalUnit: 'm³' }]);
    const catalogue = MetricCatalogue.BUILT_IN;
    expect(statements).toHaveLength(catalogue.domains().reduce((count, domain) => count + 2 + catalogue.metricNames(domain).length, 0));
    expect(statements.every((statement) => statement.includes(`"town" = 'Ashford'`))).toBe(true);
  });

  it('reads only the domain asked for, and a village by both its tags', async () => {
    const statements: string[] = [];
    const figures = await generatorAnswering(statements).figures({ area: 'Ashford/Millbrook', domain: 'water' }, DAY);
    expect(figures.availability.map((entry) => [entry.domain, entry.devices])).toEqual([['water', 1]]);
    expect(statements).toHaveLength(2 + MetricCatalogue.BUILT_IN.metricNames('water').length);
    expect(statements.every((statement) => statement.includes(`"town" = 'Ashford' AND "village" = 'Millbrook'`))).toBe(true);
  });
});
