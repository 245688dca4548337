import { connectAsync } from 'mqtt';
import type { AreaRollupView, RollupPointView } from '@hub/api-types';
import { COUNTY, type AreaPath } from '../../apps/hub/src/areas/area-path';
import { rollupInfluxQl } from '../../apps/hub/src/areas/rollup-query';
import { rollupFromSeries } from '../../apps/hub/src/areas/rollup-result';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey, createOperator, login, send, Session } from '../harness/operators';
import { deviceLogin, provisionDevice } from '../harness/provision';

const DATABASE = 'area_rollup';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE_OFFSET = 8 * HOUR; // Asia/Shanghai, no daylight saving

/** Midnight in Shanghai two days ago: `H` is 01:00–02:00 there on day B, day A the day before. Both well within the 7-day ts window. */
const DAY_B = Math.floor((Date.now() + ZONE_OFFSET) / DAY) * DAY - ZONE_OFFSET - DAY;
const DAY_A = DAY_B - DAY;
const H = DAY_B + HOUR;
const iso = (t: number): string => new Date(t).toISOString();

interface Sent {
  readonly deviceId: string;
  readonly domain: 'water' | 'gas';
  readonly town: string | null;
  /** Written straight to InfluxDB with a village tag, as the ingest tags readings of a device in a village. */
  readonly village?: string;
  readonly readings: ReadonlyArray<readonly [ts: number, flow: number]>;
}

/** flow_m3h as the devices sent it. ash-1 reports every 10 minutes, ash-2 once an hour: each counts once in a sum. */
const SENT: readonly Sent[] = [
  { deviceId: 'ash-1', domain: 'water', town: 'Ashford', readings: [10, 11, 12, 13, 14, 15].map((flow, index) => [H + index * 600_000, flow] as const).concat([[DAY_A + 2 * HOUR, 30]]) },
  { deviceId: 'ash-2', domain: 'water', town: 'Ashford', readings: [[H + 1_000, 20], [H + HOUR + 1_000, 21]] },
  { deviceId: 'ash-3', domain: 'water', town: 'Ashford', readings: [[H + 5_000, 4], [H + 1_800_000, 5]] },
  { deviceId: 'brk-1', domain: 'water', town: 'Brookfield', readings: [[H, 100], [H + 60_000, 101], [H + 120_000, 102], [DAY_A + 5 * HOUR, 40]] },
  { deviceId: 'brk-2', domain: 'water', town: 'Brookfield', readings: [[H + 3_599_000, 50.5]] },
  { deviceId: 'cas-1', domain: 'water', town: 'Castleton', readings: [[H + HOUR + 60_000, 7.25]] },
  // Another domain's flow_m3h: never in water's roll-ups.
  { deviceId: 'cas-g', domain: 'gas', town: 'Castleton', readings: [[H + 60_000, 5000]] },
  // A device in no town: in the county's total, in no town's.
  { deviceId: 'lost-1', domain: 'water', town: null, readings: [[H + 600_000, 1000]] },
  // Ashford's villages.
  { deviceId: 'mil-1', domain: 'water', town: 'Ashford', village: 'Millbrook', readings: [[H + 2_000, 2], [H + 1_000_000, 3]] },
  { deviceId: 'mil-2', domain: 'water', town: 'Ashford', village: 'Millbrook', readings: [[H + 3_000, 6.5]] },
  { deviceId: 'fer-1', domain: 'water', town: 'Ashford', village: 'Ferry Lane', readings: [[H + 4_000, 8], [H + HOUR + 4_000, 9]] },
];

function contains(area: AreaPath, device: Sent): boolean {
  if (area.level === 'county') return true;
  return device.town === area.town && (area.level === 'town' || device.village === area.village);
}

/** What the test expects of a sum per hour bucket, from what it sent: each device's mean in the bucket, summed. */
function expectedSum(area: AreaPath, start: number, domain = 'water'): RollupPointView {
  const means = SENT.filter((device) => device.domain === domain && contains(area, device))
    .map((device) => device.readings.filter(([ts]) => ts >= start && ts < start + HOUR).map(([, flow]) => flow))
    .filter((flows) => flows.length > 0)
    .map((flows) => flows.reduce((a, b) => a + b, 0) / flows.length);
  return { t: iso(start), value: means.length === 0 ? null : means.reduce((a, b) => a + b, 0), devices: means.length };
}

/**
 * Roll-ups against the real service and a real influxd: devices registered in three towns (one in none) report
 * flow over MQTT; village-tagged readings are written to InfluxDB as the ingest tags them. Sums per town and for the
 * county equal what the test computes from what it sent, each roll-up is one InfluxDB query, day buckets are the
 * county's days, and scoped callers see only their part.
 */
describe('area roll-ups (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let ashfordViewer: Session;
  let millbrookViewer: Session;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    // No downsampling run during the spec: these are roll-ups of raw readings (the village lines are written straight
    // to InfluxDB, past the hub's late-reading marks), and the one-query count must see only the roll-up's query.
    // Aggregate roll-ups: downsampling.e2e-spec.ts.
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off', HUB_TIME_ZONE: 'Asia/Shanghai', HUB_DOWNSAMPLE_INTERVAL: '1h' });
    const village = SENT.filter((device) => device.village !== undefined);
    for (const device of SENT.filter((entry) => entry.village === undefined)) {
      const town = device.town === null ? {} : { town: device.town };
      await provisionDevice(hub, device.deviceId, device.domain, town);
      const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, device.deviceId, device.domain, town)), reconnectPeriod: 0 });
      // One message holding all of the device's readings, as a device that buffered sends them; PUBACK: stored.
      await client.publishAsync(`sensors/${device.domain}/${device.deviceId}/telemetry`, JSON.stringify(device.readings.map(([ts, flow]) => ({ ts, metrics: { flow_m3h: flow } }))), { qos: 1 });
      await client.endAsync();
    }
    const lines = village.flatMap((device) => device.readings.map(([ts, flow]) => `water,device_id=${device.deviceId},town=${device.town},village=${device.village!.replace(/ /g, '\\ ')} flow_m3h=${flow} ${ts}`));
    const written = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body: lines.join('\n') });
    expect(written.status).toBe(204);

    await createOperator(hub, { username: 'ashford.viewer', password: PASSWORD, role: 'viewer', towns: ['Ashford'] });
    await createOperator(hub, { username: 'millbrook.viewer', password: PASSWORD, role: 'viewer', towns: ['Ashford/Millbrook'] });
    ashfordViewer = await login(hub, 'ashford.viewer', PASSWORD);
    millbrookViewer = await login(hub, 'millbrook.viewer', PASSWORD);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const rollup = (path: string | null, query: string, headers: Record<string, string> = bearer(hub.adminKey)) =>
    send<AreaRollupView & { message?: string }>(hub, 'GET', `/api/areas${path === null ? '' : `/${encodeURIComponent(path)}`}/rollup?${query}`, headers);
  const hours = `from=${iso(H)}&to=${iso(H + 2 * HOUR)}&every=1h`;
  const town = (name: string): AreaPath => ({ level: 'town', town: name });

  it('sums flow per town and for the county: per device its mean in the hour, summed, as the test computes from what it sent', async () => {
    const { status, body } = await rollup(null, `metric=flow_m3h&domain=water&agg=sum&${hours}`);
    expect(status).toBe(200);
    expect({ ...body, total: undefined, children: undefined }).toEqual({
      area: '',
      domain: 'water',
      metric: 'flow_m3h',
      unit: 'm³/h',
      agg: 'sum',
      every: '1h',
      from: iso(H),
      to: iso(H + 2 * HOUR),
      scopedTo: null,
      // The readings arrived after their hours were aggregated (as empty): read raw until re-aggregated.
      resolution: 'raw',
      sources: [{ resolution: 'raw', from: H, to: H + 2 * HOUR }],
    });
    expect(body.total).toEqual({ area: '', points: [expectedSum(COUNTY, H), expectedSum(COUNTY, H + HOUR)] });
    expect(body.children).toEqual(['Ashford', 'Brookfield', 'Castleton'].map((name) => ({ area: name, points: [expectedSum(town(name), H), expectedSum(town(name), H + HOUR)] })));
    // The same figures written out: Ashford 12.5 + 20 + 4.5 + Millbrook (2.5 + 6.5) + Ferry Lane 8 = 54; Brookfield
    // 101 + 50.5; the county adds the device in no town (1000). ash-1's six readings count once.
    expect(body.children.map((child) => child.points[0])).toEqual([
      { t: iso(H), value: 54, devices: 6 },
      { t: iso(H), value: 151.5, devices: 2 },
      { t: iso(H), value: null, devices: 0 },
    ]);
    expect(body.total.points).toEqual([
      { t: iso(H), value: 1205.5, devices: 9 },
      { t: iso(H + HOUR), value: 37.25, devices: 3 },
    ]);
  });

  it('answers a town per village; readings of the town’s devices in no village count in its total only', async () => {
    const { status, body } = await rollup('Ashford', `metric=flow_m3h&domain=water&agg=sum&${hours}`);
    expect(status).toBe(200);
    expect(body.total).toEqual({ area: 'Ashford', points: [{ t: iso(H), value: 54, devices: 6 }, { t: iso(H + HOUR), value: 30, devices: 2 }] });
    expect(body.children).toEqual([
      { area: 'Ashford/Ferry Lane', points: [{ t: iso(H), value: 8, devices: 1 }, { t: iso(H + HOUR), value: 9, devices: 1 }] },
      { area: 'Ashford/Millbrook', points: [{ t: iso(H), value: 9, devices: 2 }, { t: iso(H + HOUR), value: null, devices: 0 }] },
    ]);
  });

  it('takes mean, min and max over every reading, and counts reporting devices', async () => {
    const aggregate = async (agg: string) => (await rollup('Ashford', `metric=flow_m3h&domain=water&agg=${agg}&from=${iso(H)}&to=${iso(H + HOUR)}&every=1h`)).body;
    // Ashford's readings in H: 10…15, 20, 4, 5, 2, 3, 6.5, 8 — thirteen readings summing to 123.5.
    const mean = await aggregate('mean');
    expect(mean.total.points).toEqual([{ t: iso(H), value: 123.5 / 13, devices: 6 }]);
    expect(mean.children.map((child) => child.points[0].value)).toEqual([8, 11.5 / 3]);
    expect((await aggregate('min')).total.points).toEqual([{ t: iso(H), value: 2, devices: 6 }]);
    expect((await aggregate('max')).total.points).toEqual([{ t: iso(H), value: 20, devices: 6 }]);
    const count = await aggregate('count');
    expect(count.total.points).toEqual([{ t: iso(H), value: 6, devices: 6 }]);
    expect(count.children.map((child) => [child.area, child.points[0].value])).toEqual([['Ashford/Ferry Lane', 1], ['Ashford/Millbrook', 2]]);
  });

  it('makes day buckets the county’s days (Asia/Shanghai midnight, 16:00 UTC)', async () => {
    const { status, body } = await rollup(null, `metric=flow_m3h&domain=water&agg=sum&from=${iso(DAY_A)}&to=${iso(DAY_B + DAY)}&every=1d`);
    expect(status).toBe(200);
    expect(iso(DAY_A).endsWith('T16:00:00.000Z')).toBe(true);
    // Day A: ash-1 at 02:00 and brk-1 at 05:00 local. Day B: every device's mean over the whole day.
    expect(body.total.points.map((point) => point.t)).toEqual([iso(DAY_A), iso(DAY_B)]);
    expect(body.total.points[0]).toEqual({ t: iso(DAY_A), value: 70, devices: 2 });
    // Day B, per device mean: ash-1 12.5, ash-2 20.5, ash-3 4.5, brk-1 101, brk-2 50.5, cas-1 7.25, lost-1 1000,
    // mil-1 2.5, mil-2 6.5, fer-1 8.5.
    expect(body.total.points[1]).toEqual({ t: iso(DAY_B), value: 1213.75, devices: 10 });
    expect(body.children.find((child) => child.area === 'Castleton')?.points).toEqual([{ t: iso(DAY_A), value: null, devices: 0 }, { t: iso(DAY_B), value: 7.25, devices: 1 }]);
  });

  it('asks InfluxDB exactly one query per roll-up, whatever the number of towns and devices', async () => {
    const executed = async (): Promise<number> => {
      const [stats] = await influxd.query(DATABASE, `SHOW STATS FOR 'queryExecutor'`);
      return Number(stats.values[0][stats.columns.indexOf('queriesExecuted')]);
    };
    for (const [path, query] of [[null, `metric=flow_m3h&domain=water&agg=sum&${hours}`], ['Ashford', `metric=flow_m3h&domain=water&agg=mean&${hours}`]] as const) {
      const before = await executed();
      expect((await rollup(path, query)).status).toBe(200);
      // One for the roll-up, one for the SHOW STATS that counts it (InfluxDB counts a query as it starts).
      expect((await executed()) - before).toBe(2);
    }
  });

  it('limits the county to a town-scoped viewer’s town and says so; refuses them other towns', async () => {
    const county = await rollup(null, `metric=flow_m3h&domain=water&agg=sum&${hours}`, ashfordViewer.headers);
    expect(county.status).toBe(200);
    expect(county.body.scopedTo).toEqual(['Ashford']);
    expect(county.body.total.points).toEqual([expectedSum(town('Ashford'), H), expectedSum(town('Ashford'), H + HOUR)]);
    expect(county.body.children.map((child) => child.area)).toEqual(['Ashford']);
    expect((await rollup('Ashford', `metric=flow_m3h&domain=water&agg=sum&${hours}`, ashfordViewer.headers)).status).toBe(200);
    const brookfield = await rollup('Brookfield', `metric=flow_m3h&domain=water&agg=sum&${hours}`, ashfordViewer.headers);
    expect([brookfield.status, brookfield.body.message]).toEqual([403, 'Brookfield is not wholly within the scope of ashford.viewer (towns Ashford); ask for the parts of it in your scope, or for the county']);
  });

  it('limits the county to a village-scoped viewer’s village; refuses them the town and its other villages', async () => {
    const county = await rollup(null, `metric=flow_m3h&domain=water&agg=sum&${hours}`, millbrookViewer.headers);
    expect(county.status).toBe(200);
    expect(county.body.scopedTo).toEqual(['Ashford/Millbrook']);
    expect(county.body.total.points).toEqual([{ t: iso(H), value: 9, devices: 2 }, { t: iso(H + HOUR), value: null, devices: 0 }]);
    expect(county.body.children).toEqual([{ area: 'Ashford', points: county.body.total.points }]);
    expect((await rollup('Ashford', `metric=flow_m3h&domain=water&agg=sum&${hours}`, millbrookViewer.headers)).status).toBe(403);
    // The path's / percent-encoded reaches the route as one parameter.
    const ferry = await rollup('Ashford/Ferry Lane', `metric=flow_m3h&domain=water&agg=sum&${hours}`, millbrookViewer.headers);
    expect([ferry.status, ferry.body.message]).toEqual([403, 'Ashford/Ferry Lane is not wholly within the scope of millbrook.viewer (towns Ashford/Millbrook); ask for the parts of it in your scope, or for the county']);
  });

  it('refuses a domain-scoped key another domain’s metric and answers its own', async () => {
    const { key } = await createApiKey(hub, { name: 'gas-dashboard', role: 'viewer', domains: ['gas'] });
    const water = await rollup(null, `metric=flow_m3h&domain=water&agg=sum&${hours}`, bearer(key));
    expect([water.status, water.body.message]).toEqual([403, 'water.flow_m3h is outside the scope of key:gas-dashboard (domains gas)']);
    const gas = await rollup(null, `metric=flow_m3h&domain=gas&agg=sum&${hours}`, bearer(key));
    expect(gas.status).toBe(200);
    expect(gas.body.total.points).toEqual([expectedSum(COUNTY, H, 'gas'), expectedSum(COUNTY, H + HOUR, 'gas')]);
    expect(gas.body.total.points[0]).toEqual({ t: iso(H), value: 5000, devices: 1 });
  });

  it('404s an area nobody knows, naming it', async () => {
    for (const [path, message] of [['Dunmore', 'No area "Dunmore": not a town or village of the county'], ['Brookfield/Nowhere', 'No area "Brookfield/Nowhere": not a town or village of the county']]) {
      const answer = await rollup(path, `metric=flow_m3h&domain=water&agg=sum&${hours}`);
      expect([answer.status, answer.body.message]).toEqual([404, message]);
    }
  });

  it('refuses bad requests with a 400 saying what is wrong', async () => {
    const cases: Array<[string | null, string, string | RegExp]> = [
      [null, `metric=flow_m3h&agg=sum&${hours}`, 'Query parameter metric="flow_m3h" is a metric of water, gas, heat: add domain= one of them to say which'],
      [null, `metric=flow&domain=water&agg=sum&${hours}`, 'Invalid query parameter metric="flow": domain water has no such metric; metrics of water: pressure_kpa, flow_m3h, level_m, turbidity_ntu, chlorine_mgl, ph'],
      [null, `agg=sum&${hours}`, /^Missing query parameter metric: expected a metric of the catalogue \(GET \/api\/catalogue\); metrics of water: /],
      [null, `metric=flow_m3h&domain=water&${hours}`, 'Missing query parameter agg: expected one of sum, mean, min, max, count'],
      [null, `metric=flow_m3h&domain=water&agg=median&${hours}`, 'Invalid query parameter agg="median": expected one of sum, mean, min, max, count'],
      [null, `metric=flow_m3h&domain=sewage&agg=sum&${hours}`, 'Invalid query parameter domain="sewage": expected one of water, power, gas, heat, traffic'],
      [null, `metric=flow_m3h&domain=water&agg=sum&from=${iso(H)}&to=${iso(H + 2 * DAY)}&every=1m`, 'every=60000ms over 172800000 ms gives more than 1000 buckets; choose a larger every'],
      [null, `metric=flow_m3h&domain=water&agg=sum&from=${iso(H)}&to=${iso(H)}`, `from (${iso(H)}) must be before to (${iso(H)})`],
      [null, `metric=flow_m3h&domain=water&agg=sum&from=yesterday`, 'Invalid query parameter from="yesterday": expected epoch milliseconds or an ISO-8601 date-time with a zone'],
      [null, `metric=flow_m3h&domain=water&agg=sum&every=5x`, 'Invalid query parameter every="5x": expected a duration like 10s, 5m, 1h or 1d, from 1000 ms to 2592000000 ms'],
      ['Ashford/', `metric=flow_m3h&domain=water&agg=sum`, /^Invalid path parameter path="Ashford\/": expected a town, or Town\/Village/],
      ['Ashford/Millbrook/Mill Lane', `metric=flow_m3h&domain=water&agg=sum`, /^Invalid path parameter path="Ashford\/Millbrook\/Mill Lane"/],
    ];
    for (const [path, query, message] of cases) {
      const answer = await rollup(path, query);
      expect([query, answer.status]).toEqual([query, 400]);
      expect(answer.body.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    }
  });

  it('describes both routes, their parameters and the answer in the OpenAPI document', async () => {
    interface Operation { parameters: Array<{ name: string; in: string; required: boolean }> }
    const docs = await send<{ paths: Record<string, { get: Operation }>; components: { schemas: Record<string, { properties: Record<string, unknown> }> } }>(hub, 'GET', '/api/docs-json', {});
    const parameters = (path: string) => docs.body.paths[path].get.parameters.map((parameter) => `${parameter.in}:${parameter.name}${parameter.required ? '!' : ''}`).sort();
    expect(parameters('/api/areas/rollup')).toEqual(['query:agg!', 'query:domain', 'query:every', 'query:from', 'query:metric!', 'query:to']);
    expect(parameters('/api/areas/{path}/rollup')).toEqual(['path:path!', 'query:agg!', 'query:domain', 'query:every', 'query:from', 'query:metric!', 'query:to']);
    expect(Object.keys(docs.body.components.schemas.AreaRollupDto.properties)).toEqual(['area', 'domain', 'metric', 'unit', 'agg', 'every', 'from', 'to', 'scopedTo', 'resolution', 'sources', 'total', 'children']);
  });

  it('rolls a village up in InfluxDB with no children (the statement the service sends, against the same data)', async () => {
    const millbrook: AreaPath = { level: 'village', town: 'Ashford', village: 'Millbrook' };
    const query = { domain: 'water', metric: 'flow_m3h', agg: 'sum' as const, area: millbrook, limitTo: null, buckets: { from: H, to: H + 2 * HOUR, everyMs: HOUR }, timeZone: 'Asia/Shanghai' };
    const result = rollupFromSeries(await influxd.query(DATABASE, rollupInfluxQl(query)), 'sum', millbrook, []);
    expect(result).toEqual({ total: { area: 'Ashford/Millbrook', points: [expectedSum(millbrook, H), expectedSum(millbrook, H + HOUR)] }, children: [] });
    expect(result.total.points[0]).toEqual({ t: iso(H), value: 9, devices: 2 });
    const mean = rollupFromSeries(await influxd.query(DATABASE, rollupInfluxQl({ ...query, agg: 'mean' })), 'mean', millbrook, []);
    expect(mean.total.points[0]).toEqual({ t: iso(H), value: 11.5 / 3, devices: 2 });
  });
});
