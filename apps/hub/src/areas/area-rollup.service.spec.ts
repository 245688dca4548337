import { AccessDeniedError, COUNTY_SCOPE, type AccessScope } from '@hub/access';
import { MetricCatalogue } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { RegistryAreaDirectory } from './area-directory';
import { AreaNotFoundError, RollupRequestError } from './area-rollup.errors';
import { AreaRollupService, type RollupRequest } from './area-rollup.service';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const T0 = Date.parse('2026-12-01T08:00:00Z');
const HOUR = 3_600_000;
const FLOW: RollupRequest = { metric: 'flow_m3h', domain: 'water', agg: 'sum', from: T0, to: T0 + HOUR, everyMs: HOUR };
const AREAS = [
  { path: 'Ashford', parent: null },
  { path: 'Ashford/Ferry Lane', parent: 'Ashford' },
  { path: 'Ashford/Millbrook', parent: 'Ashford' },
  { path: 'Brookfield', parent: null },
  { path: 'Castleton', parent: null },
];

describe('AreaRollupService', () => {
  let statements: string[];
  let answer: InfluxSeries[];
  let service: AreaRollupService;
  const as = (towns: string[], domains: string[] = []): { name: string; scope: AccessScope } => ({ name: 'dana', scope: { towns, domains } });
  const county = { name: 'admin', scope: COUNTY_SCOPE };

  beforeEach(() => {
    statements = [];
    answer = [];
    service = new AreaRollupService({
      query: async (influxql) => {
        statements.push(influxql);
        return answer;
      },
      catalogue: MetricCatalogue.BUILT_IN,
      areas: new RegistryAreaDirectory({
        find: (path) => AREAS.find((area) => area.path === path),
        towns: () => AREAS.filter((area) => area.parent === null),
        villagesOf: (town) => AREAS.filter((area) => area.parent === town),
      }),
      timeZone: 'Asia/Shanghai',
      now: () => NOW,
    });
  });

  it('answers the county per town from one statement, with the request as it was understood', async () => {
    answer = [{ name: 'water', tags: { town: 'Brookfield' }, columns: ['time', 'value', 'devices'], values: [[T0, 42.5, 2]] }];
    expect(await service.rollup(county, '', FLOW)).toEqual({
      area: '',
      domain: 'water',
      metric: 'flow_m3h',
      unit: 'm³/h',
      agg: 'sum',
      every: '1h',
      from: '2026-12-01T08:00:00.000Z',
      to: '2026-12-01T09:00:00.000Z',
      scopedTo: null,
      resolution: 'raw',
      sources: [{ resolution: 'raw', from: Date.parse('2026-12-01T08:00:00.000Z'), to: Date.parse('2026-12-01T09:00:00.000Z') }],
      total: { area: '', points: [{ t: '2026-12-01T08:00:00.000Z', value: 42.5, devices: 2 }] },
      children: ['Ashford', 'Brookfield', 'Castleton'].map((area) => ({ area, points: [{ t: '2026-12-01T08:00:00.000Z', value: area === 'Brookfield' ? 42.5 : null, devices: area === 'Brookfield' ? 2 : 0 }] })),
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT sum\("v"\).* GROUP BY time\(3600000ms\), "town" fill\(null\)$/);
  });

  it('reads the hour aggregates where they are complete, raw readings after, and says so, still in one statement', async () => {
    const aggregated = new AreaRollupService({
      query: async (influxql) => {
        statements.push(influxql);
        return answer;
      },
      catalogue: MetricCatalogue.BUILT_IN,
      areas: new RegistryAreaDirectory({ find: (path) => AREAS.find((area) => area.path === path), towns: () => [], villagesOf: () => [] }),
      timeZone: 'Asia/Shanghai',
      stored: { aggregatedUntil: { '1m': Date.parse('2026-12-01T09:40:00Z'), '1h': Date.parse('2026-12-01T09:00:00Z') }, rawPolicy: 'autogen', backfillPolicy: 'hub_backfill' },
      now: () => NOW,
    });
    const view = await aggregated.rollup(county, '', { ...FLOW, from: Date.parse('2026-12-01T07:30:00Z'), to: NOW });
    expect([view.from, view.to, view.resolution]).toEqual(['2026-12-01T07:00:00.000Z', '2026-12-01T10:00:00.000Z', '1h']);
    expect(view.sources).toEqual([
      { resolution: '1h', from: Date.parse('2026-12-01T07:00:00Z'), to: Date.parse('2026-12-01T09:00:00Z') },
      { resolution: '1m', from: Date.parse('2026-12-01T09:00:00Z'), to: Date.parse('2026-12-01T09:40:00Z') },
      { resolution: 'raw', from: Date.parse('2026-12-01T09:40:00Z'), to: NOW },
    ]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('FROM "hub_1h"."water"');
    expect(statements[0]).toContain('FROM "hub_1m"."water"');
    expect(statements[0]).toContain('FROM "autogen"."water", "hub_backfill"."water"');
  });

  it('defaults to the last hour before now, in 10 s buckets', async () => {
    const view = await service.rollup(county, 'Ashford', { metric: 'flow_m3h', domain: 'water', agg: 'max' });
    expect([view.from, view.to, view.every]).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z', '10s']);
  });

  it('limits the county to a town-scoped caller’s towns and villages, and says so', async () => {
    const view = await service.rollup(as(['Brookfield', 'Ashford/Millbrook']), '', FLOW);
    expect(view.scopedTo).toEqual(['Brookfield', 'Ashford/Millbrook']);
    expect(view.children.map((child) => child.area)).toEqual(['Ashford', 'Brookfield']);
    expect(statements[0]).toContain(`AND (("town" = 'Brookfield') OR ("town" = 'Ashford' AND "village" = 'Millbrook')) GROUP BY`);
  });

  it('answers a town or village wholly within the scope, refuses one that is not', async () => {
    expect((await service.rollup(as(['Ashford']), 'Ashford', FLOW)).children.map((child) => child.area)).toEqual(['Ashford/Ferry Lane', 'Ashford/Millbrook']);
    expect((await service.rollup(as(['Ashford/Millbrook']), 'Ashford/Millbrook', FLOW)).scopedTo).toBeNull();
    await expect(service.rollup(as(['Ashford/Millbrook']), 'Ashford', FLOW)).rejects.toThrow(
      new AccessDeniedError('Ashford is not wholly within the scope of dana (towns Ashford/Millbrook); ask for the parts of it in your scope, or for the county'),
    );
    await expect(service.rollup(as(['Ashford']), 'Brookfield', FLOW)).rejects.toThrow(AccessDeniedError);
    await expect(service.rollup(as(['Ashford/Millbrook']), 'Ashford/Ferry Lane', FLOW)).rejects.toThrow(AccessDeniedError);
    expect(statements).toHaveLength(2);
  });

  it('refuses a metric of a domain outside the caller’s domains', async () => {
    await expect(service.rollup(as([], ['gas']), '', FLOW)).rejects.toThrow(new AccessDeniedError('water.flow_m3h is outside the scope of dana (domains gas)'));
    expect((await service.rollup(as([], ['water']), '', FLOW)).domain).toBe('water');
  });

  it('404s an area it does not know, but only to a caller who may ask about it', async () => {
    await expect(service.rollup(county, 'Dunmore', FLOW)).rejects.toThrow(new AreaNotFoundError('No area "Dunmore": not a town or village of the county'));
    await expect(service.rollup(county, 'Brookfield/Millbrook', FLOW)).rejects.toThrow(AreaNotFoundError);
    await expect(service.rollup(as(['Ashford']), 'Dunmore', FLOW)).rejects.toThrow(AccessDeniedError);
    expect(statements).toEqual([]);
  });

  it('refuses a malformed path, a missing agg and too many buckets before asking InfluxDB', async () => {
    await expect(service.rollup(county, 'Ashford/Millbrook/Lane 3', FLOW)).rejects.toThrow(
      new RollupRequestError('Invalid path parameter path="Ashford/Millbrook/Lane 3": expected a town, or Town/Village, each name 1–100 characters without control or invisible characters (percent-encode the /: Ashford%2FMillbrook)'),
    );
    await expect(service.rollup(county, '', { ...FLOW, agg: undefined })).rejects.toThrow('Missing query parameter agg: expected one of sum, mean, min, max, count');
    await expect(service.rollup(county, '', { ...FLOW, from: T0, to: T0 + 1001 * 60_000, everyMs: 60_000 })).rejects.toThrow('every=60000ms over 60060000 ms gives more than 1000 buckets; choose a larger every');
    await expect(service.rollup(county, '', { ...FLOW, domain: undefined })).rejects.toThrow('is a metric of water, gas, heat');
    expect(statements).toEqual([]);
  });
});
