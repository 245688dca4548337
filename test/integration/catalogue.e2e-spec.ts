import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, MqttClient } from 'mqtt';
import type { Catalogue, CatalogueMetric } from '@hub/contract';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey, createOperator, login, send, Session } from '../harness/operators';
import { deviceLogin } from '../harness/provision';
import { repoRoot } from '../harness/repo-root';
import { storedReadings } from '../harness/stored-readings';

interface DeadLetterPage {
  items: Array<{ deviceId: string | null; domain: string | null; reason: string; detail: string; topic: string }>;
}

interface AuditEntry {
  actor: string;
  action: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

const DATABASE = 'catalogue';
const PASSWORD = 'correct horse battery staple';
const RIVER_LEVEL = { name: 'river_level_m', unit: 'm', description: 'River level above the gauge datum', range: [-2, 30], typical: [0.5, 3] };

/**
 * The run-time catalogue against the real service, real MQTT clients and a real influxd: an admin's new domain and
 * metric in force for the next message, kept across a restart; ranges narrowed over stored readings; retiring; who
 * may change it; DOMAIN_UNKNOWN before the ACL; alert rules on an admin's metric.
 */
describe('run-time metric catalogue (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  async function connect(deviceId: string, domain: string): Promise<MqttClient> {
    const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, deviceId, domain)), reconnectPeriod: 0 });
    clients.push(client);
    return client;
  }

  const publish = (client: MqttClient, topic: string, payload: unknown) => client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  const deadLetters = async (deviceId: string) =>
    (await hub.get<DeadLetterPage>(`/api/dead-letters?device=${deviceId}`)).body.items.map(({ reason, detail, topic, domain }) => ({ reason, detail, topic, domain })).reverse();
  const catalogueAudit = async (): Promise<AuditEntry[]> =>
    (await hub.get<{ items: AuditEntry[] }>('/api/audit?targetType=catalogue')).body.items.map(({ actor, action, targetId, detail }) => ({ actor, action, targetId, detail })).reverse();
  const metricOf = async (domain: string, metric: string): Promise<CatalogueMetric | undefined> =>
    (await hub.get<Catalogue>('/api/catalogue')).body.domains.find((entry) => entry.domain === domain)?.metrics.find((entry) => entry.name === metric);

  it('refuses a reading on a domain nobody defined as DOMAIN_UNKNOWN, before the topic ACL, and a device of such a domain', async () => {
    const client = await connect('cat-water-1', 'water');
    await publish(client, 'sensors/sewage/cat-water-1/telemetry', { metrics: { level_m: 1 } });
    expect(await deadLetters('cat-water-1')).toEqual([
      { reason: 'DOMAIN_UNKNOWN', detail: 'unknown domain "sewage": no such domain in the catalogue (GET /api/catalogue)', topic: 'sensors/sewage/cat-water-1/telemetry', domain: 'water' },
    ]);
    const refused = await hub.request<{ issues: unknown[] }>('POST', '/api/devices', { deviceId: 'cat-flood-0', domain: 'flood' });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'domain', problem: 'must be one of water, power, gas, heat, traffic, got "flood"' }]);
  });

  it('takes a reading of a metric an admin added to a new domain within the same second, refuses one outside its range, and keeps both across a restart', async () => {
    const domain = await hub.request('POST', '/api/catalogue/domains', { domain: 'flood', description: 'Flood office: rain gauges and river levels' });
    expect(domain).toEqual({ status: 201, body: { domain: 'flood', description: 'Flood office: rain gauges and river levels', builtIn: false, metrics: [] } });
    // A gauge of the new domain is provisioned and connected before its metric exists (it may publish nothing yet).
    const gauge = await connect('cat-gauge-1', 'flood');
    const metric = await hub.request('POST', '/api/catalogue/domains/flood/metrics', RIVER_LEVEL);
    const view = { ...RIVER_LEVEL, integer: false, builtIn: false, retiredAt: null };
    expect(metric).toEqual({ status: 201, body: view });
    const added = Date.now();
    await publish(gauge, 'sensors/flood/cat-gauge-1/telemetry', { ts: added, metrics: { river_level_m: 2.35 } });
    await publish(gauge, 'sensors/flood/cat-gauge-1/telemetry', { ts: added + 1, metrics: { river_level_m: 31 } });
    // Both PUBACKs (durable) within the second the metric was added.
    expect(Date.now() - added).toBeLessThan(1000);
    expect(await storedReadings(influxd, DATABASE, 'cat-gauge-', ['flood'])).toEqual(new Map([[`cat-gauge-1@${added}`, { river_level_m: 2.35 }]]));
    expect(await deadLetters('cat-gauge-1')).toEqual([
      { reason: 'VALUE_OUT_OF_RANGE', detail: 'river_level_m 31 m is outside [-2, 30]', topic: 'sensors/flood/cat-gauge-1/telemetry', domain: 'flood' },
    ]);
    expect(await catalogueAudit()).toEqual([
      { actor: 'bootstrap-key', action: 'catalogue.domain.add', targetId: 'flood', detail: { domain: 'flood', description: 'Flood office: rain gauges and river levels' } },
      { actor: 'bootstrap-key', action: 'catalogue.metric.add', targetId: 'flood.river_level_m', detail: { before: null, after: { unit: 'm', description: RIVER_LEVEL.description, range: [-2, 30], typical: [0.5, 3] } } },
    ]);

    await gauge.endAsync();
    expect(await hub.stop()).toBe(0);
    await hub.launch();
    expect(await metricOf('flood', 'river_level_m')).toEqual(view);
    const again = await connect('cat-gauge-1', 'flood');
    await publish(again, 'sensors/flood/cat-gauge-1/telemetry', { ts: added + 2, metrics: { river_level_m: 2.4 } });
    expect((await storedReadings(influxd, DATABASE, 'cat-gauge-', ['flood'])).get(`cat-gauge-1@${added + 2}`)).toEqual({ river_level_m: 2.4 });
  });

  it('lets the simulator CLI play a device of the new domain, reading the live catalogue through --api', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot(), 'dist/devices-sim/src/cli.js'), '--url', hub.mqttUrl, '--api', hub.httpUrl, '--domains', 'flood', '--id-prefix', 'cat-cli-', '--count', '3', '--interval', '100ms', '--progress', 'off'],
      { env: { ...process.env, HUB_API_KEY: hub.adminKey }, timeout: 30_000 },
    );
    const report = JSON.parse(stdout) as { sent: { readings: number }; acked: number; valid: number };
    expect([report.sent.readings, report.acked, report.valid]).toEqual([3, 3, 3]);
    const stored = await storedReadings(influxd, DATABASE, 'cat-cli-', ['flood']);
    expect([...stored.values()].map((metrics) => Object.keys(metrics))).toEqual([['river_level_m'], ['river_level_m'], ['river_level_m']]);
  });

  it('says how many stored readings a narrower range leaves outside and applies it only when confirmed', async () => {
    const client = await connect('cat-water-2', 'water');
    const now = Date.now();
    await publish(client, 'sensors/water/cat-water-2/telemetry', [
      { ts: now, metrics: { pressure_kpa: 412.5 } },
      { ts: now + 1, metrics: { pressure_kpa: 900 } },
      { ts: now + 2, metrics: { pressure_kpa: 1200 } },
    ]);
    const refused = await hub.request<{ message: string }>('PATCH', '/api/catalogue/domains/water/metrics/pressure_kpa', { range: [0, 800] });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      '2 stored water.pressure_kpa readings lie outside [0, 800] kPa (lowest 900, highest 1200); they stay stored and shown, and new readings like them will be refused as VALUE_OUT_OF_RANGE. Send "confirm": true to apply the range.',
    );
    expect((await metricOf('water', 'pressure_kpa'))?.range).toEqual([0, 2500]);

    const applied = await hub.request<CatalogueMetric>('PATCH', '/api/catalogue/domains/water/metrics/pressure_kpa', { range: [0, 800], confirm: true });
    expect(applied).toEqual({ status: 200, body: { name: 'pressure_kpa', unit: 'kPa', description: 'Main or district-metered-area pressure', range: [0, 800], typical: [300, 600], integer: false, builtIn: true, retiredAt: null } });
    await publish(client, 'sensors/water/cat-water-2/telemetry', { ts: now + 3, metrics: { pressure_kpa: 900 } });
    expect(await deadLetters('cat-water-2')).toEqual([
      { reason: 'VALUE_OUT_OF_RANGE', detail: 'pressure_kpa 900 kPa is outside [0, 800]', topic: 'sensors/water/cat-water-2/telemetry', domain: 'water' },
    ]);
    expect((await catalogueAudit()).at(-1)).toEqual({
      actor: 'bootstrap-key',
      action: 'catalogue.metric.change',
      targetId: 'water.pressure_kpa',
      detail: {
        before: { unit: 'kPa', description: 'Main or district-metered-area pressure', range: [0, 2500], typical: [300, 600] },
        after: { unit: 'kPa', description: 'Main or district-metered-area pressure', range: [0, 800], typical: [300, 600] },
        confirmed: true,
      },
    });
    // Widening again needs no confirmation: nothing stored can fall outside a wider range.
    expect((await hub.request('PATCH', '/api/catalogue/domains/water/metrics/pressure_kpa', { range: [0, 2500] })).status).toBe(200);
  });

  it('retires a metric (new readings METRIC_UNKNOWN, no new rules on it, stored readings kept) and restores it', async () => {
    await hub.request('POST', '/api/catalogue/domains/flood/metrics', { name: 'rain_mm', unit: 'mm', description: 'Rain since the previous reading', range: [0, 500], typical: [0, 5] });
    const gauge = await connect('cat-gauge-2', 'flood');
    const now = Date.now();
    await publish(gauge, 'sensors/flood/cat-gauge-2/telemetry', { ts: now, metrics: { rain_mm: 1.2 } });
    const retired = await hub.request<CatalogueMetric>('PATCH', '/api/catalogue/domains/flood/metrics/rain_mm', { retired: true });
    expect(retired.status).toBe(200);
    expect(retired.body.retiredAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    await publish(gauge, 'sensors/flood/cat-gauge-2/telemetry', { ts: now + 1, metrics: { rain_mm: 0.4 } });
    expect(await deadLetters('cat-gauge-2')).toEqual([
      { reason: 'METRIC_UNKNOWN', detail: `"rain_mm" was retired from flood on ${retired.body.retiredAt}`, topic: 'sensors/flood/cat-gauge-2/telemetry', domain: 'flood' },
    ]);
    expect(await storedReadings(influxd, DATABASE, 'cat-gauge-2', ['flood'])).toEqual(new Map([[`cat-gauge-2@${now}`, { rain_mm: 1.2 }]]));
    const rule = { name: 'Heavy rain', severity: 'warning', selector: { domain: 'flood', metric: 'rain_mm' }, condition: { type: 'threshold', operator: 'above', value: 30 } };
    const refusedRule = await hub.request<{ issues: unknown[] }>('POST', '/api/alert-rules', rule);
    expect(refusedRule.status).toBe(400);
    expect(refusedRule.body.issues).toEqual([{ field: 'selector.metric', problem: `rain_mm was retired from flood on ${retired.body.retiredAt}: one of river_level_m` }]);

    expect((await hub.request('PATCH', '/api/catalogue/domains/flood/metrics/rain_mm', { retired: false })).status).toBe(200);
    expect((await hub.request('POST', '/api/alert-rules', rule)).status).toBe(201);
    await publish(gauge, 'sensors/flood/cat-gauge-2/telemetry', { ts: now + 2, metrics: { rain_mm: 0.4 } });
    expect((await storedReadings(influxd, DATABASE, 'cat-gauge-2', ['flood'])).size).toBe(2);
    expect((await catalogueAudit()).slice(-2).map((entry) => entry.action)).toEqual(['catalogue.metric.retire', 'catalogue.metric.restore']);
  });

  it('lets only an admin of the whole county change the catalogue, and says what is wrong with a change', async () => {
    await createOperator(hub, { username: 'cat.viewer', password: PASSWORD, role: 'viewer' });
    await createOperator(hub, { username: 'cat.town', password: PASSWORD, role: 'admin', towns: ['Ashford'] });
    const viewer: Session = await login(hub, 'cat.viewer', PASSWORD);
    const townAdmin: Session = await login(hub, 'cat.town', PASSWORD);
    expect((await send(hub, 'GET', '/api/catalogue', viewer.headers)).status).toBe(200);
    expect((await send(hub, 'POST', '/api/catalogue/domains', viewer.headers, { domain: 'air', description: 'Air quality' })).status).toBe(403);
    const town = await send<{ message: string }>(hub, 'POST', '/api/catalogue/domains', townAdmin.headers, { domain: 'air', description: 'Air quality' });
    expect([town.status, town.body.message]).toEqual([403, 'Only an admin of the whole county may add a domain: the catalogue is shared by every town (cat.town has towns Ashford)']);
    const key = await createApiKey(hub, { name: 'cat-operator', role: 'operator' });
    expect((await send(hub, 'PATCH', '/api/catalogue/domains/water/metrics/ph', bearer(key.key), { description: 'x' })).status).toBe(403);

    const unit = await hub.request<{ issues: unknown[] }>('PATCH', '/api/catalogue/domains/water/metrics/ph', { unit: 'mol/L' });
    expect(unit).toEqual({ status: 400, body: expect.objectContaining({ issues: [{ field: 'unit', problem: 'cannot change: readings already stored were taken with it; add a metric with a new name instead' }] }) });
    const typical = await hub.request<{ issues: unknown[] }>('PATCH', '/api/catalogue/domains/water/metrics/ph', { typical: [6, 15] });
    expect(typical.body.issues).toEqual([{ field: 'typical', problem: '[6, 15] must lie within the range [0, 14]: normal values are plausible ones' }]);
    const twice = await hub.request<{ issues: unknown[] }>('POST', '/api/catalogue/domains/flood/metrics', RIVER_LEVEL);
    expect(twice.body.issues).toEqual([{ field: 'name', problem: 'flood has river_level_m already' }]);
    const name = await hub.request<{ issues: unknown[] }>('POST', '/api/catalogue/domains', { domain: 'Flood Office', description: 'x' });
    expect(name.body.issues).toEqual([{ field: 'domain', problem: 'must match lower-case letters, digits and _, starting with a letter (2–32), e.g. flood', code: 'pattern' }]);
    expect((await hub.request<{ message: string }>('PATCH', '/api/catalogue/domains/sewage/metrics/x', { description: 'x' })).status).toBe(404);
    expect((await hub.get<Catalogue>('/api/catalogue')).body.domains.map((entry) => entry.domain)).toEqual(['water', 'power', 'gas', 'heat', 'traffic', 'flood']);
  });
});
