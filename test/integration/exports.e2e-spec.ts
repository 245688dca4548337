import { connectAsync, type MqttClient } from 'mqtt';
import type { AlertView } from '@hub/api-types';
import { createRule } from '../harness/alerts-api';
import { CsvReader, readCsv } from '../harness/csv-reader';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey, createOperator, login, send, type Session } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

const DATABASE = 'exports';
const PASSWORD = 'correct horse battery staple';
const TOWN = '城关镇';
const VILLAGES = ['东街村', '西关村'] as const;
const DEVICES = 200;
const READINGS_PER_DEVICE = 10_000;
const INTERVAL_MS = 15_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * UTC midnight three days ago, a whole hour: reading i of device d is at BASE + i·15 s + d ms, all of them ~42 hours
 * and well inside the raw period (HUB_RETENTION_RAW, 30 days), which InfluxDB would refuse older points for.
 */
const BASE = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const END = BASE + READINGS_PER_DEVICE * INTERVAL_MS;
/** Asia/Shanghai: +08:00 all year. */
const SHANGHAI = 8 * HOUR;
/** The stated bound (docs/performance.md, Exports): the service's RSS grows by less than this while it streams 2 million rows. */
const RSS_GROWTH_BOUND = 150 * 1024 * 1024;

const deviceId = (d: number): string => `cg-${String(d).padStart(3, '0')}`;
const villageOf = (d: number): string => (d % 4 < 2 ? VILLAGES[d % 4] : '');
const timeOf = (d: number, i: number): number => BASE + i * INTERVAL_MS + d;
/** Multiples of 0.25: exact in binary, so sums of them are exact and comparable with ===. */
const valueOf = (d: number, i: number): number => ((d * 7919 + i * 31) % 100_000) / 4;
const iso = (ms: number): string => new Date(ms).toISOString();
const local = (ms: number): string => `${new Date(ms + SHANGHAI).toISOString().slice(0, -1)}+08:00`;
/** A refused payload a spreadsheet would run as a formula. */
const FORMULA = '=HYPERLINK("http://evil","压力")';
const RAW_HEADER = ['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'value'];

/** Line protocol as the hub writes readings (libs/influx line-protocol.ts): measurement = domain, tags device_id, town, village, one float field. */
function* seedBatches(size: number): Generator<string> {
  let lines: string[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const tags = `water,device_id=${deviceId(d)},town=${TOWN}${villageOf(d) === '' ? '' : `,village=${villageOf(d)}`}`;
    for (let i = 0; i < READINGS_PER_DEVICE; i++) {
      lines.push(`${tags} flow_m3h=${valueOf(d, i)} ${timeOf(d, i)}`);
      if (lines.length === size) {
        yield lines.join('\n');
        lines = [];
      }
    }
  }
  if (lines.length > 0) yield lines.join('\n');
}

async function writeLines(influxd: InfluxdProcess, body: string): Promise<void> {
  const answer = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body });
  if (answer.status !== 204) throw new Error(`influxd refused the seed (${answer.status}): ${await answer.text()}`);
}

/** Streams a CSV response through the RFC 4180 reader, handing each record to `row`, never holding the file. */
async function readStreamed(response: Response, row: (fields: string[]) => void): Promise<{ sawBom: boolean; header: string[] }> {
  const reader = new CsvReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let header: string[] | undefined;
  const take = (records: string[][]): void => {
    for (const record of records) {
      if (header === undefined) header = record;
      else row(record);
    }
  };
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) take(reader.push(decoder.decode(chunk, { stream: true })));
  take(reader.push(decoder.decode()));
  take(reader.end());
  return { sawBom: reader.sawBom, header: header ?? [] };
}

/**
 * Exports against the real service and a real influxd: 2 million readings of 200 devices in a Chinese-named town are
 * written straight into InfluxDB (as the hub tags them), exported as CSV over HTTP while the service's RSS is sampled,
 * read back with an RFC 4180 reader and compared with exactly what was written. Scoped refusals, the audit entries,
 * aggregates, a client that leaves midway, and the alert and dead-letter exports of a few real MQTT devices.
 */
describe('CSV exports (real service, real influxd, 2 million readings)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let brookfield: Session;
  const clients: MqttClient[] = [];
  const alertOf = new Map<string, AlertView>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    // Seeded before the hub starts, so its downsampler aggregates them from the oldest on (readings written behind a
    // running hub's back are not aggregated; the hub's own writes are).
    await influxd.createDatabase(DATABASE);
    // Two writers at a time, 100,000 lines a request: influxd 1.6.7 takes the 2 million in ~10 s here.
    const batches = seedBatches(100_000);
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = batches.next(); next.done !== true; next = batches.next()) await writeLines(influxd, next.value);
      }),
    );
    // Another town's reading in the same measurement: never in 城关镇's export.
    await writeLines(influxd, `water,device_id=bf-0,town=Brookfield flow_m3h=999 ${BASE + 1000}`);
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_TIME_ZONE: 'Asia/Shanghai',
      HUB_DOWNSAMPLE_INTERVAL: '1s',
    });
    const areas = await fetch(`${hub.httpUrl}/api/areas/import`, {
      method: 'POST',
      headers: { ...hub.adminHeaders, 'content-type': 'text/csv' },
      body: `town,village\n${TOWN},${VILLAGES[0]}\n${TOWN},${VILLAGES[1]}\n南关镇,\nBrookfield,\n`,
    });
    expect(areas.status).toBe(200);
    const registry = Array.from({ length: DEVICES }, (_, d) => ({ deviceId: deviceId(d), domain: 'water', town: TOWN, ...(villageOf(d) === '' ? {} : { village: villageOf(d) }) }));
    const imported = await hub.request<{ created: unknown[]; refused: unknown[] }>('POST', '/api/devices/import', registry);
    expect([imported.status, imported.body.created.length, imported.body.refused]).toEqual([200, DEVICES, []]);

    // Real devices for the alert and dead-letter exports: low pressure raises an alert, a payload that is a formula is refused.
    await createRule(hub, { id: 'low-pressure', name: '管网压力低', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });
    for (const [id, town] of [['ng-1', '南关镇'], ['bf-1', 'Brookfield']] as const) {
      const created = await hub.request<{ secret: string }>('POST', '/api/devices', { deviceId: id, domain: 'water', town });
      expect(created.status).toBe(201);
      const client = await connectAsync(hub.mqttUrl, { clientId: id, username: id, password: created.body.secret, reconnectPeriod: 0 });
      clients.push(client);
      await client.publishAsync(`sensors/water/${id}/telemetry`, JSON.stringify({ metrics: { pressure_kpa: 150 } }), { qos: 1 });
      await client.publishAsync(`sensors/water/${id}/telemetry`, FORMULA, { qos: 1 });
    }
    await waitFor(async () => (await hub.get<{ items: AlertView[] }>('/api/alerts?state=open')).body.items, (items) => items.length === 2, 20_000, 'both devices’ alerts');
    for (const alert of (await hub.get<{ items: AlertView[] }>('/api/alerts?state=open')).body.items) alertOf.set(alert.deviceId, alert);
    expect((await hub.request('POST', `/api/alerts/${alertOf.get('ng-1')!.id}/acknowledge`, { note: '已派人去查看, "阀门"' })).status).toBe(200);

    await createOperator(hub, { username: 'brook.viewer', password: PASSWORD, role: 'viewer', towns: ['Brookfield'] });
    brookfield = await login(hub, 'brook.viewer', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const exportUrl = (path: string): string => `${hub.httpUrl}/api/exports/${path}`;

  it('streams a town’s 2 million readings as CSV that reads back to exactly what was written, with the service’s RSS growing < 150 MB', async () => {
    const baseline = await hub.rssBytes();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await hub.rssBytes());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const response = await fetch(exportUrl(`readings.csv?area=${encodeURIComponent(TOWN)}&from=${iso(BASE)}&to=${iso(END)}`), { headers: hub.adminHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="readings-area-raw-${iso(BASE).replace('.000', '').replace(/:/g, '-')}-${iso(END).replace('.000', '').replace(/:/g, '-')}.csv"`);
    expect([response.headers.get('x-hub-resolution'), response.headers.get('x-hub-resolution-sources')]).toEqual(['raw', `raw ${iso(BASE)}/${iso(END)}`]);

    // Samples: one reading of each device at a position that differs per device, the first and the last of all.
    const wanted = new Map<string, number>();
    for (let d = 0; d < DEVICES; d++) wanted.set(`${deviceId(d)}@${iso(timeOf(d, (d * 37) % READINGS_PER_DEVICE))}`, (d * 37) % READINGS_PER_DEVICE);
    const sampled = new Map<string, string[]>();
    const perDevice = new Map<string, { count: number; sum: number }>();
    let rows = 0;
    let sum = 0;
    let otherTowns = 0;
    const { sawBom, header } = await readStreamed(response, (fields) => {
      rows++;
      const value = Number(fields[9]);
      sum += value;
      if (fields[4] !== TOWN) otherTowns++;
      const device = perDevice.get(fields[3]) ?? { count: 0, sum: 0 };
      device.count++;
      device.sum += value;
      perDevice.set(fields[3], device);
      const key = `${fields[3]}@${fields[0]}`;
      if (wanted.has(key)) sampled.set(key, fields);
    });
    sampling = false;
    await sampler;

    expect(sawBom).toBe(true);
    expect(header).toEqual(RAW_HEADER);
    expect(otherTowns).toBe(0);
    let expectedSum = 0;
    for (let d = 0; d < DEVICES; d++) for (let i = 0; i < READINGS_PER_DEVICE; i++) expectedSum += valueOf(d, i);
    expect(rows).toBe(DEVICES * READINGS_PER_DEVICE);
    expect(sum).toBe(expectedSum);
    for (let d = 0; d < DEVICES; d += 37) {
      let deviceSum = 0;
      for (let i = 0; i < READINGS_PER_DEVICE; i++) deviceSum += valueOf(d, i);
      expect(perDevice.get(deviceId(d))).toEqual({ count: READINGS_PER_DEVICE, sum: deviceSum });
    }
    expect(perDevice.size).toBe(DEVICES);
    expect(sampled.size).toBe(DEVICES);
    for (let d = 0; d < DEVICES; d++) {
      const i = (d * 37) % READINGS_PER_DEVICE;
      const t = timeOf(d, i);
      expect(sampled.get(`${deviceId(d)}@${iso(t)}`)).toEqual([iso(t), local(t), 'water', deviceId(d), TOWN, villageOf(d), '', 'flow_m3h', 'm³/h', String(valueOf(d, i))]);
    }

    const growth = peak - baseline;
    process.stdout.write(`export of ${rows} rows: service RSS ${(baseline / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB (+${(growth / 2 ** 20).toFixed(1)} MB)\n`);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND);

    // Audited before the first byte: who, which area, which range, at what resolution.
    const audit = await hub.get<{ items: Array<{ actor: string; targetType: string; targetId: string | null; detail: Record<string, unknown> }> }>('/api/audit?action=export.readings');
    expect(audit.body.items[0]).toEqual(
      expect.objectContaining({
        actor: 'bootstrap-key',
        targetType: 'area',
        targetId: TOWN,
        detail: { area: TOWN, domains: ['water', 'power', 'gas', 'heat', 'traffic'], from: iso(BASE), to: iso(END), every: 'raw', resolution: 'raw', sources: [{ resolution: 'raw', from: iso(BASE), to: iso(END) }] },
      }),
    );
  }, 90_000);

  it('aggregates per bucket from the hourly aggregates: mean, min, max and count per device and hour, as the test computes them from what it wrote', async () => {
    // The downsampler catches up from the oldest reading at start; until it is past these hours they are read finer.
    await waitFor(
      async () => Number(/hub_downsample_aggregated_until_seconds\{resolution="1h"\} (\d+)/.exec(await (await fetch(`${hub.httpUrl}/metrics`)).text())?.[1]) * 1000,
      (until) => until >= BASE + 3 * HOUR,
      60_000,
      'the seeded hours aggregated',
    );
    const response = await fetch(exportUrl(`readings.csv?devices=cg-000,cg-005&from=${iso(BASE)}&to=${iso(BASE + 3 * HOUR)}&every=1h`), { headers: hub.adminHeaders });
    expect(response.status).toBe(200);
    expect([response.headers.get('x-hub-resolution'), response.headers.get('x-hub-resolution-sources')]).toEqual(['1h', `1h ${iso(BASE)}/${iso(BASE + 3 * HOUR)}`]);
    const [header, ...records] = readCsv(await response.text());
    expect(header).toEqual(['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'mean', 'min', 'max', 'count']);
    const expected = [0, 5].flatMap((d) =>
      [0, 1, 2].map((hour) => {
        const values = Array.from({ length: HOUR / INTERVAL_MS }, (_, k) => valueOf(d, hour * (HOUR / INTERVAL_MS) + k));
        const start = BASE + hour * HOUR;
        return [iso(start), local(start), 'water', deviceId(d), TOWN, villageOf(d), '', 'flow_m3h', 'm³/h', String(values.reduce((a, b) => a + b, 0) / values.length), String(Math.min(...values)), String(Math.max(...values)), String(values.length)];
      }),
    );
    expect(records).toEqual(expected);
  });

  it('refuses what the caller’s scope does not cover, with the same codes as the reads, and audits none of it', async () => {
    const before = (await hub.get<{ items: unknown[] }>('/api/audit?action=export.readings')).body.items.length;
    const range = `from=${iso(BASE)}&to=${iso(BASE + HOUR)}`;
    const area = await send<{ code: string; message: string }>(hub, 'GET', `/api/exports/readings.csv?area=${encodeURIComponent(TOWN)}&${range}`, brookfield.headers);
    expect([area.status, area.body.code, area.body.message]).toEqual([403, 'forbidden', `${TOWN} is not wholly within the scope of brook.viewer (towns Brookfield); export the parts of it in your scope`]);
    const device = await send<{ code: string }>(hub, 'GET', `/api/exports/readings.csv?devices=bf-1,cg-000&${range}`, brookfield.headers);
    expect([device.status, device.body.code]).toEqual([403, 'device-out-of-scope']);

    const power = await createApiKey(hub, { name: 'power-scada', role: 'viewer', domains: ['power'] });
    const water = await send<{ code: string }>(hub, 'GET', `/api/exports/readings.csv?area=${encodeURIComponent(TOWN)}&domain=water&${range}`, bearer(power.key));
    expect([water.status, water.body.code]).toEqual([403, 'forbidden']);
    expect((await hub.get<{ items: unknown[] }>('/api/audit?action=export.readings')).body.items.length).toBe(before);

    // Without domain=, a domain-scoped key exports its own domains only: here nothing but the header.
    const own = await fetch(exportUrl(`readings.csv?area=${encodeURIComponent(TOWN)}&${range}`), { headers: bearer(power.key) });
    expect(own.status).toBe(200);
    expect(readCsv(await own.text())).toEqual([RAW_HEADER]);
    const audit = await hub.get<{ items: Array<{ actor: string; detail: Record<string, unknown> }> }>('/api/audit?action=export.readings');
    expect(audit.body.items[0]).toMatchObject({ actor: 'key:power-scada', detail: { area: TOWN, domains: ['power'] } });

    const bad = await send<{ code: string; message: string }>(hub, 'GET', `/api/exports/readings.csv?devices=cg-000&area=${encodeURIComponent(TOWN)}&${range}`, hub.adminHeaders);
    expect([bad.status, bad.body.message]).toEqual([400, 'Give devices or area, not both']);
    const every = await send<{ message: string }>(hub, 'GET', `/api/exports/readings.csv?devices=cg-000&${range}&every=fortnightly`, hub.adminHeaders);
    expect([every.status, every.body.message]).toEqual([400, 'Invalid query parameter every="fortnightly": expected raw, or a bucket size like 1m, 1h or 1d (from 1s to 30d)']);
  });

  it('aborts the InfluxDB query when the client goes away midway', async () => {
    const abort = new AbortController();
    const response = await fetch(exportUrl(`readings.csv?area=${encodeURIComponent(TOWN)}&from=${iso(BASE)}&to=${iso(END)}`), { headers: hub.adminHeaders, signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    abort.abort();
    await waitFor(
      // The downsampler's SELECT … INTO statements are not the export's.
      async () => (await influxd.query(DATABASE, 'SHOW QUERIES'))[0]?.values.filter((row) => String(row[1]).startsWith('SELECT') && !String(row[1]).includes(' INTO ')) ?? [],
      (running) => running.length === 0,
      5_000,
      'no export query left running in influxd',
    );
    const metrics = await waitFor(async () => (await fetch(`${hub.httpUrl}/metrics`)).text(), (text) => text.includes('hub_exports_total{kind="readings",outcome="client-gone"} 1'), 5_000, 'the export counted as ended by its client');
    expect(metrics).toContain('hub_exports_total{kind="readings",outcome="complete"}');
  });

  it('exports alerts with their history, within the caller’s towns, Chinese text intact', async () => {
    const admin = await fetch(exportUrl('alerts.csv'), { headers: hub.adminHeaders });
    expect(admin.status).toBe(200);
    // The bytes, not response.text(): WHATWG decoding drops a BOM, which is exactly what is checked here.
    const bytes = Buffer.from(await admin.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...records] = readCsv(bytes.toString('utf8'));
    const column = (name: string): number => header.indexOf(name);
    expect(header).toEqual(['alert_id', 'rule_id', 'rule_name', 'severity', 'domain', 'metric', 'unit', 'device_id', 'town', 'village', 'state', 'resolution', 'started_at_utc', 'started_at_local', 'resolved_at_utc', 'resolved_at_local', 'peak', 'summary', 'event_id', 'event_at_utc', 'event_at_local', 'event', 'actor', 'from_state', 'to_state', 'note']);
    const nanguan = alertOf.get('ng-1')!;
    expect(records.filter((record) => record[column('device_id')] === 'ng-1').map((record) => [record[column('alert_id')], record[column('rule_name')], record[column('town')], record[column('state')], record[column('event')], record[column('actor')], record[column('to_state')], record[column('note')]])).toEqual([
      [String(nanguan.id), '管网压力低', '南关镇', 'acknowledged', 'fired', 'system', 'firing', ''],
      [String(nanguan.id), '管网压力低', '南关镇', 'acknowledged', 'acknowledged', 'bootstrap-key', 'acknowledged', '已派人去查看, "阀门"'],
    ]);
    expect(records.map((record) => record[column('device_id')]).sort()).toEqual(['bf-1', 'ng-1', 'ng-1']);

    const scoped = await fetch(exportUrl('alerts.csv?state=open'), { headers: brookfield.headers });
    const [, ...brookfieldRows] = readCsv(await scoped.text());
    expect(brookfieldRows.map((record) => [record[column('device_id')], record[column('town')], record[column('event')]])).toEqual([['bf-1', 'Brookfield', 'fired']]);
    const audit = await hub.get<{ items: Array<{ actor: string; detail: Record<string, unknown> }> }>('/api/audit?action=export.alerts');
    expect(audit.body.items.map((entry) => [entry.actor, entry.detail])).toEqual([
      ['brook.viewer', { states: ['firing', 'acknowledged'] }],
      ['bootstrap-key', {}],
    ]);
  });

  it('exports dead letters within the caller’s towns, a payload that would be a formula shown as text', async () => {
    const response = await fetch(exportUrl('dead-letters.csv'), { headers: brookfield.headers });
    expect(response.status).toBe(200);
    const [header, ...records] = readCsv(await response.text());
    expect(header).toEqual(['id', 'received_at_utc', 'received_at_local', 'reason', 'detail', 'device_id', 'domain', 'town', 'village', 'topic', 'client_id', 'batch_index', 'payload_encoding', 'payload_bytes', 'payload_truncated', 'payload']);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect([record[3], record[5], record[6], record[7], record[9], record[12], record[13], record[14], record[15]]).toEqual([
      'MALFORMED_JSON',
      'bf-1',
      'water',
      'Brookfield',
      'sensors/water/bf-1/telemetry',
      'utf8',
      String(Buffer.byteLength(FORMULA)),
      'false',
      `'${FORMULA}`,
    ]);
    expect(Date.parse(record[1]) + SHANGHAI).toBe(Date.parse(record[2].replace('+08:00', 'Z')));
    const all = readCsv(await (await fetch(exportUrl('dead-letters.csv?reason=MALFORMED_JSON'), { headers: hub.adminHeaders })).text());
    expect(all.slice(1).map((row) => row[5]).sort()).toEqual(['bf-1', 'ng-1']);
  });

  // Last: it stops the service.
  it('stops promptly and cleanly while an export streams, cutting the download short', async () => {
    const response = await fetch(exportUrl(`readings.csv?area=${encodeURIComponent(TOWN)}&from=${iso(BASE)}&to=${iso(END)}`), { headers: hub.adminHeaders });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const reading = (async () => {
      for (;;) if ((await reader.read()).done) return 'complete';
    })().catch(() => 'cut short');
    const started = Date.now();
    expect(await hub.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await reading).toBe('cut short');
  });
});
