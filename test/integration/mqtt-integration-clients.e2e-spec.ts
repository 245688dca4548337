import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { IntegrationClientView } from '@hub/integrations';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { closed, connectDevice, connectIntegration, grants, metricValue, refusedLogin } from '../harness/mqtt-perimeter';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * Department and integration MQTT clients end to end: created over the API by an admin, logging in to the real
 * service over real MQTT with their secret, reading within their scope only, dropped when their secret changes.
 */
const DATABASE = 'integration_clients';

interface Issued {
  client: IntegrationClientView;
  secret: string;
}

describe('integration MQTT clients (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const open = new OpenMqttClients();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterAll(async () => {
    await open.closeAll();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const keep = (client: MqttClient): MqttClient => open.keep(client);
  const issue = async (body: Record<string, unknown>): Promise<Issued> => {
    const answer = await hub.request<Issued>('POST', '/api/mqtt-clients', body);
    if (answer.status !== 201) throw new Error(`POST /api/mqtt-clients answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const metrics = async () => (await hub.request<string>('GET', '/metrics')).body;

  it('is managed by admins over the API: secret shown once, clear 400s, 409 for a taken name, 404 for an unknown one, every change audited', async () => {
    const created = await issue({ name: 'county.gis', description: 'GIS export' });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.client).toMatchObject({ name: 'county.gis', domains: [], towns: [], active: true, createdBy: 'bootstrap-key', revokedAt: null });

    const listed = await hub.get<IntegrationClientView[]>('/api/mqtt-clients');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    expect((await hub.get<IntegrationClientView>('/api/mqtt-clients/county.gis')).body).toEqual(created.client);

    const bad = await hub.request<{ issues: unknown[] }>('POST', '/api/mqtt-clients', { name: 'scada', domains: ['oil'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      { field: 'name', problem: 'must match lower-case words of a-z, 0-9, _ and - joined by dots, 3–64 characters, e.g. water.scada', code: 'pattern' },
      { field: 'domains[0]', problem: 'must be one of water, power, gas, heat, traffic, got "oil"', code: 'one-of', params: { allowed: 'water, power, gas, heat, traffic', got: '"oil"' } },
    ]);
    expect((await hub.request('POST', '/api/mqtt-clients', { name: 'county.gis' })).status).toBe(409);
    expect((await hub.get('/api/mqtt-clients/nobody.here')).status).toBe(404);
    expect((await hub.get('/api/mqtt-clients/w-1')).status).toBe(400);
    expect((await hub.request('PATCH', '/api/mqtt-clients/county.gis', { towns: ['Ashford'] })).status).toBe(200);
    expect((await hub.request('DELETE', '/api/mqtt-clients/county.gis/secret')).status).toBe(200);
    // Without credentials: nothing.
    expect((await hub.request('GET', '/api/mqtt-clients', undefined, {})).status).toBe(401);

    const db = new Database(join(hub.dataDir, 'hub.sqlite'), { readonly: true });
    try {
      const audit = db.prepare("SELECT actor, action, target_id AS targetId, detail FROM audit_log WHERE target_type = 'mqtt-client' ORDER BY id").all() as Array<{ detail: string }>;
      expect(audit.map(({ detail: _detail, ...entry }) => entry)).toEqual([
        { actor: 'bootstrap-key', action: 'mqtt-client.create', targetId: 'county.gis' },
        { actor: 'bootstrap-key', action: 'mqtt-client.update', targetId: 'county.gis' },
        { actor: 'bootstrap-key', action: 'mqtt-client.secret.revoke', targetId: 'county.gis' },
      ]);
      expect(audit.map((entry) => entry.detail).join()).not.toContain(created.secret);
      const stored = db.prepare("SELECT secret_hash FROM mqtt_clients WHERE name = 'county.gis'").get() as { secret_hash: string | null };
      expect(stored.secret_hash).toBeNull();
    } finally {
      db.close();
    }
  });

  it('lets a water-scoped client subscribe to water telemetry and alerts, refuses gas and #, and delivers nothing of gas', async () => {
    const scadaSecret = (await issue({ name: 'water.scada', domains: ['water'] })).secret;
    const opsSecret = (await issue({ name: 'county.ops' })).secret;
    await createRule(hub, {
      id: 'scope-water-low',
      name: 'Water pressure low',
      severity: 'warning',
      selector: { domain: 'water', metric: 'pressure_kpa', deviceIds: ['scope-w-1'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' },
    });
    await createRule(hub, {
      id: 'scope-gas-high',
      name: 'Methane',
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: ['scope-g-1'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, for: '0s' },
    });
    const scada = keep(await connectIntegration(hub.mqttUrl, 'water.scada', scadaSecret));
    const scadaGot: string[] = [];
    scada.on('message', (topic) => scadaGot.push(topic));
    expect(await grants(scada, { 'sensors/water/#': { qos: 1 }, 'alerts/water/#': { qos: 1 }, 'sensors/gas/#': { qos: 1 }, '#': { qos: 0 } })).toEqual([1, 1, 128, 128]);
    // A county-wide client sees everything: it shows when the gas messages have gone out.
    const ops = keep(await connectIntegration(hub.mqttUrl, 'county.ops', opsSecret, { clientId: 'county.ops-control-room' }));
    const opsGot: string[] = [];
    ops.on('message', (topic) => opsGot.push(topic));
    expect(await grants(ops, { 'sensors/+/+/telemetry': { qos: 1 }, 'alerts/#': { qos: 1 } })).toEqual([1, 1]);

    const water = keep(await connectDevice(hub, hub.mqttUrl, 'scope-w-1', 'water'));
    const gas = keep(await connectDevice(hub, hub.mqttUrl, 'scope-g-1', 'gas'));
    for (let index = 0; index < 3; index++) {
      await water.publishAsync('sensors/water/scope-w-1/telemetry', JSON.stringify({ metrics: { pressure_kpa: 150 + index } }), { qos: 1 });
      await gas.publishAsync('sensors/gas/scope-g-1/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 35 + index } }), { qos: 1 });
    }
    await waitFor(async () => opsGot.filter((topic) => topic.startsWith('alerts/')).sort(), (alerts) => alerts.length === 2, 20_000, 'both alerts on MQTT');
    expect(opsGot.filter((topic) => topic.startsWith('sensors/'))).toHaveLength(6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(scadaGot).toEqual([...Array(3).fill('sensors/water/scope-w-1/telemetry'), 'alerts/water/warning/scope-w-1']);
    expect(metricValue(await metrics(), 'hub_mqtt_subscriptions_refused_total')).toBe(2);
  });

  it('keeps only what the new scope allows when a persistent session is restored after a scope change', async () => {
    const { secret } = await issue({ name: 'grid.monitor' });
    const persistent = { clean: false, clientId: 'grid.monitor' };
    const first = await connectIntegration(hub.mqttUrl, 'grid.monitor', secret, persistent);
    expect(await grants(first, { 'sensors/#': { qos: 1 }, 'sensors/power/#': { qos: 1 } })).toEqual([1, 1]);
    const dropped = closed(first);
    const narrowed = await hub.request<IntegrationClientView>('PATCH', '/api/mqtt-clients/grid.monitor', { domains: ['power'] });
    expect([narrowed.status, narrowed.body.domains]).toEqual([200, ['power']]);
    await dropped;
    await first.endAsync(true);

    const refusedBefore = metricValue(await metrics(), 'hub_mqtt_subscriptions_refused_total');
    const again = keep(await connectIntegration(hub.mqttUrl, 'grid.monitor', secret, persistent));
    const got: string[] = [];
    again.on('message', (topic) => got.push(topic));
    // aedes asks authorizeSubscribe again for every subscription it restores: sensors/# no longer passes.
    expect(metricValue(await metrics(), 'hub_mqtt_subscriptions_refused_total') - refusedBefore).toBe(1);
    const gas = keep(await connectDevice(hub, hub.mqttUrl, 'grid-g-1', 'gas'));
    const power = keep(await connectDevice(hub, hub.mqttUrl, 'grid-p-1', 'power'));
    await gas.publishAsync('sensors/gas/grid-g-1/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 1 } }), { qos: 1 });
    await power.publishAsync('sensors/power/grid-p-1/telemetry', JSON.stringify({ metrics: { voltage_v: 231 } }), { qos: 1 });
    await waitFor(async () => got, (topics) => topics.length >= 1, 10_000, 'the power reading');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got).toEqual(['sensors/power/grid-p-1/telemetry']);
  });

  it('refuses a wrong secret, an unknown name, a revoked client and a client id that is not its own at CONNACK', async () => {
    const { secret } = await issue({ name: 'heat.billing', domains: ['heat'] });
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'heat.billing', `${secret.slice(0, -1)}x`))).toBe(4);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'heat.nobody', secret))).toBe(4);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'heat.billing', secret, { clientId: 'heat-1' }))).toBe(2);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'heat.billing', secret))).toBe('accepted');
    expect((await hub.request('DELETE', '/api/mqtt-clients/heat.billing/secret')).status).toBe(200);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'heat.billing', secret))).toBe(5);
    const page = await metrics();
    expect(metricValue(page, 'hub_mqtt_logins_refused_total{code="bad-username-or-password"}')).toBe(2);
    expect(metricValue(page, 'hub_mqtt_logins_refused_total{code="identifier-rejected"}')).toBe(1);
    expect(metricValue(page, 'hub_mqtt_logins_refused_total{code="not-authorized"}')).toBe(1);
  });

  it('is read-only: a publish is acknowledged and dead-lettered as TOPIC_FORBIDDEN, and nothing is stored', async () => {
    const { secret } = await issue({ name: 'traffic.feed', domains: ['traffic'] });
    const feed = await connectIntegration(hub.mqttUrl, 'traffic.feed', secret);
    await feed.publishAsync('sensors/traffic/ro-t-1/telemetry', JSON.stringify({ metrics: { vehicle_count: 12 } }), { qos: 1 });
    await feed.endAsync();
    expect(metricValue(await metrics(), 'hub_mqtt_publishes_refused_total')).toBe(1);
    expect((await storedReadings(influxd, DATABASE, 'ro-')).size).toBe(0);
    const letters = (await hub.get<{ items: Array<{ reason: string; clientId: string; topic: string; detail: string }> }>('/api/dead-letters?reason=TOPIC_FORBIDDEN')).body.items;
    expect(letters.map(({ reason, clientId, topic }) => ({ reason, clientId, topic }))).toEqual([
      { reason: 'TOPIC_FORBIDDEN', clientId: 'traffic.feed', topic: 'sensors/traffic/ro-t-1/telemetry' },
    ]);
    expect(letters[0].detail).toContain('read-only');
  });

  it('drops a connected client when its secret is rotated or revoked; only the newest secret works', async () => {
    const { secret: first } = await issue({ name: 'power.scada', domains: ['power'] });
    const before = await connectIntegration(hub.mqttUrl, 'power.scada', first);
    const droppedOnRotate = closed(before);
    const rotated = await hub.request<Issued>('POST', '/api/mqtt-clients/power.scada/secret');
    expect(rotated.status).toBe(201);
    await droppedOnRotate;
    await before.endAsync(true);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'power.scada', first))).toBe(4);

    const after = await connectIntegration(hub.mqttUrl, 'power.scada', rotated.body.secret);
    const droppedOnRevoke = closed(after);
    expect((await hub.request('DELETE', '/api/mqtt-clients/power.scada/secret')).status).toBe(200);
    await droppedOnRevoke;
    await after.endAsync(true);
    expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'power.scada', rotated.body.secret))).toBe(5);
  });
});
