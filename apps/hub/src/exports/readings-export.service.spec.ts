import { AccessDeniedError, COUNTY_SCOPE, type AccessScope } from '@hub/access';
import { MetricCatalogue } from '@hub/contract';
import { DeviceNotFoundError, DeviceOutOfScopeError } from '@hub/devices';
import type { InfluxSeries } from '@hub/influx';
import type { NewAuditEntry } from '@hub/store';
import { readCsv } from '@hub/test-harness';
import { RegistryAreaDirectory } from '../areas/area-directory';
import { AreaNotFoundError } from '../areas/area-rollup.errors';
import { ReadingRangeError } from '../devices/reading-buckets';
import { PIECE_CHARS } from './csv-export';
import { RAW } from './readings-export.query';
import { ExportRequestError, ReadingsExportService } from './readings-export.service';

const FROM = Date.parse('2026-11-01T00:00:00Z');
const TO = Date.parse('2026-11-02T00:00:00Z');
const DEVICES: Record<string, { town: string; domain: string | null }> = {
  'cg-1': { town: '城关镇', domain: 'water' },
  'cg-2': { town: '城关镇', domain: 'gas' },
  'cg-3': { town: '城关镇', domain: 'water' },
  'q-1': { town: '城关镇', domain: null },
  'bf-1': { town: 'Brookfield', domain: 'water' },
};
const AREAS = [
  { path: '城关镇', parent: null },
  { path: '城关镇/东街村', parent: '城关镇' },
  { path: 'Brookfield', parent: null },
];

describe('ReadingsExportService', () => {
  let statements: string[];
  let audit: NewAuditEntry[];
  let answers: Map<string, InfluxSeries[]>;
  let signals: AbortSignal[];
  let service: ReadingsExportService;
  let stored: { aggregatedUntil: Record<'1m' | '1h', number | null>; rawPolicy: string | null; backfillPolicy: string | null };
  const as = (towns: string[], domains: string[] = []): { name: string; scope: AccessScope } => ({ name: 'dana', scope: { towns, domains } });
  const admin = { name: 'admin', scope: COUNTY_SCOPE };

  beforeEach(() => {
    statements = [];
    audit = [];
    answers = new Map();
    signals = [];
    stored = { aggregatedUntil: { '1m': null, '1h': null }, rawPolicy: null, backfillPolicy: null };
    service = new ReadingsExportService({
      device: (principal, id) => {
        const device = DEVICES[id];
        if (device === undefined) throw new DeviceNotFoundError(id);
        const { towns, domains } = principal.scope;
        if ((towns.length > 0 && !towns.includes(device.town)) || (domains.length > 0 && (device.domain === null || !domains.includes(device.domain)))) throw new DeviceOutOfScopeError(id, principal.name);
        return { deviceId: id, domain: device.domain };
      },
      areas: new RegistryAreaDirectory({
        find: (path) => AREAS.find((area) => area.path === path),
        towns: () => AREAS.filter((area) => area.parent === null),
        villagesOf: (town) => AREAS.filter((area) => area.parent === town),
      }),
      catalogue: MetricCatalogue.BUILT_IN,
      stream: (influxql, signal) => {
        statements.push(influxql);
        signals.push(signal);
        // The answer for the measurement a statement reads first: `water`, `hub_1m.water`.
        const from = /FROM ((?:"\w+"\.)?"\w+")/.exec(influxql)?.[1] ?? '';
        return (async function* () {
          yield* answers.get(from.replaceAll('"', '')) ?? [];
        })();
      },
      stored: { get aggregatedUntil() { return stored.aggregatedUntil; }, get rawPolicy() { return stored.rawPolicy; }, get backfillPolicy() { return stored.backfillPolicy; } },
      audit: { record: async (entry) => audit.push(entry) },
      timeZone: 'Asia/Shanghai',
      now: () => TO + 1000,
    });
  });

  async function drain(pieces: AsyncGenerator<string>): Promise<string[]> {
    const all: string[] = [];
    for await (const piece of pieces) all.push(piece);
    return all;
  }

  it('exports named devices one query per domain, each device’s scope checked as its readings are, and audits who asked for what', async () => {
    answers.set('water', [{ name: 'water', tags: { device_id: 'cg-1', site: '', town: '城关镇', village: '' }, columns: ['time', 'flow_m3h'], values: [[FROM, 4.5]] }]);
    answers.set('gas', [{ name: 'gas', tags: { device_id: 'cg-2', site: '', town: '城关镇', village: '' }, columns: ['time', 'methane_pct_lel'], values: [[FROM + 1, 7]] }]);
    const csv = await service.prepare(as(['城关镇']), { devices: ['cg-1', 'cg-2', 'cg-3', 'q-1', 'cg-1'], from: FROM, to: TO, resolution: RAW });
    expect(audit).toEqual([
      {
        actor: 'dana',
        action: 'export.readings',
        targetType: 'device',
        targetId: null,
        detail: {
          devices: ['cg-1', 'cg-2', 'cg-3', 'q-1'],
          domains: ['gas', 'water'],
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-11-02T00:00:00.000Z',
          every: 'raw',
          resolution: 'raw',
          sources: [{ resolution: 'raw', from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }],
        },
      },
    ]);
    expect(statements).toEqual([]);
    expect(csv.fileName).toBe('readings-4-devices-raw-2026-11-01T00-00-00Z-2026-11-02T00-00-00Z.csv');
    expect(csv.headers).toEqual({ 'X-Hub-Resolution': 'raw', 'X-Hub-Resolution-Sources': 'raw 2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z' });
    const pieces = await drain(csv.pieces(new AbortController().signal));
    expect(statements.map((statement) => /FROM "(\w+)".*(\(.*\)) GROUP/.exec(statement)?.slice(1))).toEqual([
      ['gas', `("device_id" = 'cg-2')`],
      ['water', `("device_id" = 'cg-1' OR "device_id" = 'cg-3')`],
    ]);
    const text = pieces.join('');
    expect(text.startsWith('\uFEFFtime_utc,')).toBe(true);
    expect(readCsv(text).slice(1)).toEqual([
      ['2026-11-01T00:00:00.001Z', '2026-11-01T08:00:00.001+08:00', 'gas', 'cg-2', '城关镇', '', '', 'methane_pct_lel', '%LEL', '7'],
      ['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '4.5'],
    ]);
  });

  it('refuses a device outside the scope (403), an unknown one (404), and audits nothing then', async () => {
    await expect(service.prepare(as(['城关镇']), { devices: ['cg-1', 'bf-1'], from: FROM, resolution: RAW })).rejects.toThrow(DeviceOutOfScopeError);
    await expect(service.prepare(as([], ['gas']), { devices: ['cg-1'], from: FROM, resolution: RAW })).rejects.toThrow(DeviceOutOfScopeError);
    await expect(service.prepare(admin, { devices: ['nobody'], from: FROM, resolution: RAW })).rejects.toThrow(DeviceNotFoundError);
    expect(audit).toEqual([]);
  });

  it('exports a town or village wholly within the scope, every domain of the scope unless one is named', async () => {
    await service.prepare(admin, { area: '城关镇', from: FROM, to: TO, resolution: RAW });
    expect(audit[0]).toMatchObject({ targetType: 'area', targetId: '城关镇', detail: { area: '城关镇', domains: ['water', 'power', 'gas', 'heat', 'traffic'] } });
    await drain((await service.prepare(as(['城关镇/东街村'], ['water', 'heat']), { area: '城关镇/东街村', from: FROM, to: TO, resolution: RAW })).pieces(new AbortController().signal));
    expect(statements.map((statement) => /FROM "(\w+)" WHERE .* AND ("town" .*) GROUP/.exec(statement)?.slice(1))).toEqual([
      ['water', `"town" = '城关镇' AND "village" = '东街村'`],
      ['heat', `"town" = '城关镇' AND "village" = '东街村'`],
    ]);
    expect(audit[1]).toMatchObject({ actor: 'dana', targetId: '城关镇/东街村', detail: { domains: ['water', 'heat'] } });
  });

  it('refuses an area not wholly within the scope and a domain outside it (403) before saying an area is unknown (404)', async () => {
    await expect(service.prepare(as(['城关镇/东街村']), { area: '城关镇', from: FROM, resolution: RAW })).rejects.toThrow(
      new AccessDeniedError('城关镇 is not wholly within the scope of dana (towns 城关镇/东街村); export the parts of it in your scope'),
    );
    await expect(service.prepare(as(['Brookfield']), { area: 'Nowhere', from: FROM, resolution: RAW })).rejects.toThrow(AccessDeniedError);
    await expect(service.prepare(as([], ['gas']), { area: '城关镇', domain: 'water', from: FROM, resolution: RAW })).rejects.toThrow(new AccessDeniedError('water readings are outside the scope of dana (domains gas)'));
    await expect(service.prepare(admin, { area: 'Nowhere', from: FROM, resolution: RAW })).rejects.toThrow(AreaNotFoundError);
    expect(audit).toEqual([]);
  });

  it('says what is wrong with a request it cannot make', async () => {
    const bad = async (request: Parameters<ReadingsExportService['prepare']>[1]): Promise<unknown> => {
      try {
        await service.prepare(admin, request);
      } catch (error) {
        return [(error as Error).constructor.name, (error as Error).message];
      }
      return 'accepted';
    };
    expect(await bad({ area: '城关镇', resolution: RAW })).toEqual(['ExportRequestError', 'Missing query parameter from: the start of the range (epoch ms or ISO-8601)']);
    expect(await bad({ from: FROM, resolution: RAW })).toEqual(['ExportRequestError', 'Missing query parameter devices or area: which readings to export (device ids separated by commas, or a town or Town/Village)']);
    expect(await bad({ devices: ['cg-1'], area: '城关镇', from: FROM, resolution: RAW })).toEqual(['ExportRequestError', 'Give devices or area, not both']);
    expect(await bad({ area: '', from: FROM, resolution: RAW })).toEqual(['ExportRequestError', 'Invalid query parameter area="": expected a town, or Town/Village, each name 1–100 characters without control or invisible characters (percent-encode the /: Ashford%2FMillbrook)']);
    expect(await bad({ area: '城关镇', from: TO, to: FROM, resolution: RAW })).toEqual(['ReadingRangeError', 'from (2026-11-02T00:00:00.000Z) must be before to (2026-11-01T00:00:00.000Z)']);
    expect(await bad({ devices: Array.from({ length: 1001 }, (_, index) => `d-${index}`), from: FROM, resolution: RAW })).toEqual(['ExportRequestError', 'devices names 1001 devices; at most 1000 per export (or export their town)']);
    expect(ExportRequestError.name).toBe('ExportRequestError');
    expect(ReadingRangeError.name).toBe('ReadingRangeError');
  });

  it('holds the header back until InfluxDB answered, then hands out pieces of about 64 KiB, passing the abort signal on', async () => {
    const values = Array.from({ length: 3_000 }, (_, index) => [FROM + index * 1000, index]);
    answers.set('water', [0, 1, 2].map((index) => ({ name: 'water', tags: { device_id: `cg-${index}`, site: '', town: '城关镇', village: '' }, columns: ['time', 'flow_m3h'], values })));
    const abort = new AbortController();
    const pieces = (await service.prepare(admin, { area: '城关镇', domain: 'water', from: FROM, to: TO, resolution: RAW })).pieces(abort.signal);
    const first = await pieces.next();
    expect(statements).toHaveLength(1);
    expect(signals[0]).toBe(abort.signal);
    expect(first.value).toMatch(/^\uFEFFtime_utc,.*\r\n2026-11-01T00:00:00.000Z,/s);
    const rest = await drain(pieces);
    const all = [first.value as string, ...rest];
    expect(all.slice(0, -1).every((piece) => piece.length >= PIECE_CHARS)).toBe(true);
    expect(readCsv(all.join('')).length).toBe(1 + 3 * 3_000);
  });

  describe('where it reads from', () => {
    const HOUR = 3_600_000;
    const hourly = { kind: 'aggregate', everyMs: HOUR } as const;
    const tags = { device_id: 'cg-1', site: '', town: '城关镇', village: '' };
    const aggregateColumns = ['time', 'sum_sum_flow_m3h', 'sum_count_flow_m3h', 'min_min_flow_m3h', 'max_max_flow_m3h'];

    it('reads an aggregate as the readings API would: hours, minutes, then raw readings, one statement after the other, and says so in the audit entry and headers', async () => {
      stored = { aggregatedUntil: { '1h': FROM + 20 * HOUR, '1m': FROM + 23 * HOUR + 37 * 60_000 }, rawPolicy: 'field', backfillPolicy: 'hub_backfill' };
      answers.set('hub_1h.water', [{ name: 'water', tags, columns: aggregateColumns, values: [[FROM, 10, 4, 1, 4], [FROM + 19 * HOUR, 3, 1, 3, 3]] }]);
      answers.set('hub_1m.water', [{ name: 'water', tags, columns: aggregateColumns, values: [[FROM + 20 * HOUR, 5, 2, 2, 3], [FROM + 23 * HOUR, 30, 3, 9, 11]] }]);
      answers.set('field.water', [{ name: 'water', tags, columns: ['time', 'sum_flow_m3h', 'count_flow_m3h', 'min_flow_m3h', 'max_flow_m3h'], values: [[FROM + 23 * HOUR, 2, 1, 2, 2]] }]);
      const csv = await service.prepare(admin, { devices: ['cg-1'], from: FROM, to: TO, resolution: hourly });
      const sources = [
        { resolution: '1h', from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T20:00:00.000Z' },
        { resolution: '1m', from: '2026-11-01T20:00:00.000Z', to: '2026-11-01T23:37:00.000Z' },
        { resolution: 'raw', from: '2026-11-01T23:37:00.000Z', to: '2026-11-02T00:00:00.000Z' },
      ];
      expect(audit[0].detail).toEqual({ devices: ['cg-1'], domains: ['water'], from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', every: '1h', resolution: '1h', sources });
      expect(csv.headers).toEqual({ 'X-Hub-Resolution': '1h', 'X-Hub-Resolution-Sources': sources.map((source) => `${source.resolution} ${source.from}/${source.to}`).join(', ') });
      const text = (await drain(csv.pieces(new AbortController().signal))).join('');
      expect(statements.map((statement) => /FROM (.*) WHERE (time .*) AND \(/.exec(statement)?.slice(1))).toEqual([
        ['"hub_1h"."water"', `time >= ${FROM}ms AND time < ${FROM + 20 * HOUR}ms`],
        ['"hub_1m"."water"', `time >= ${FROM + 20 * HOUR}ms AND time < ${FROM + 23 * HOUR + 37 * 60_000}ms`],
        ['"field"."water", "hub_backfill"."water"', `time >= ${FROM + 23 * HOUR + 37 * 60_000}ms AND time < ${TO}ms`],
      ]);
      expect(readCsv(text).map((row) => [row[0], row[9], row[10], row[11], row[12]])).toEqual([
        ['time_utc', 'mean', 'min', 'max', 'count'],
        ['2026-11-01T00:00:00.000Z', '2.5', '1', '4', '4'],
        ['2026-11-01T19:00:00.000Z', '3', '3', '3', '1'],
        ['2026-11-01T20:00:00.000Z', '2.5', '2', '3', '2'],
        // 23:00–23:37 from the minutes, the rest from raw readings: one row.
        ['2026-11-01T23:00:00.000Z', '8', '2', '11', '4'],
      ]);
    });

    it('reads raw readings alone when nothing is aggregated (InfluxDB v2), with the same columns', async () => {
      answers.set('water', [{ name: 'water', tags, columns: ['time', 'sum_flow_m3h', 'count_flow_m3h', 'min_flow_m3h', 'max_flow_m3h'], values: [[FROM, 7.5, 3, 2, 3]] }]);
      const csv = await service.prepare(admin, { devices: ['cg-1'], from: FROM, to: TO, resolution: hourly });
      expect(csv.headers?.['X-Hub-Resolution']).toBe('raw');
      const text = (await drain(csv.pieces(new AbortController().signal))).join('');
      expect(statements).toEqual([
        `SELECT sum(*), count(*), min(*), max(*) FROM "water" WHERE time >= ${FROM}ms AND time < ${TO}ms AND ("device_id" = 'cg-1') GROUP BY time(3600000ms), "device_id", "site", "town", "village" fill(none)`,
      ]);
      expect(readCsv(text)[1]).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T08:00:00.000+08:00', 'water', 'cg-1', '城关镇', '', '', 'flow_m3h', 'm³/h', '2.5', '2', '3', '3']);
    });

    it('reads a raw export from the configured raw policy and the backfill, even where aggregates exist', async () => {
      stored = { aggregatedUntil: { '1h': TO, '1m': TO }, rawPolicy: 'field', backfillPolicy: 'hub_backfill' };
      const csv = await service.prepare(admin, { devices: ['cg-1'], from: FROM, to: TO, resolution: RAW });
      await drain(csv.pieces(new AbortController().signal));
      expect(statements).toEqual([`SELECT *::field FROM "field"."water", "hub_backfill"."water" WHERE time >= ${FROM}ms AND time < ${TO}ms AND ("device_id" = 'cg-1') GROUP BY "device_id", "site", "town", "village"`]);
      expect(csv.headers?.['X-Hub-Resolution']).toBe('raw');
    });
  });
});
