import { connectAsync, MqttClient } from 'mqtt';
import type { AlertView, AreaImportReport, AreaView, DeviceView } from '@hub/api-types';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send, Session } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

const PASSWORD = 'correct horse battery staple';
const DATABASE = 'area_scope';

/** Two villages of Ashford, Ashford itself (no village) and Brookfield: one water meter in each, each raising an alert. */
const FLEET = [
  { deviceId: 'mill-w-1', town: 'Ashford', village: 'Millbrook' },
  { deviceId: 'oak-w-1', town: 'Ashford', village: 'Oakley' },
  { deviceId: 'ash-w-1', town: 'Ashford', village: null },
  { deviceId: 'brk-w-1', town: 'Brookfield', village: null },
] as const;

interface DeadLetterPage {
  items: Array<{ deviceId: string | null; reason: string }>;
  matching: number;
}

/**
 * The area hierarchy end to end, against the real service, real MQTT and a real influxd: areas imported from CSV,
 * devices placed in villages, alerts raised the real way. A village-scoped operator sees only that village's
 * devices, alerts and dead letters (403 for the rest); a town-scoped one sees the town's villages too; readings
 * stored in InfluxDB carry the village tag beside the town's.
 */
describe('areas: village and town scopes (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const devices: MqttClient[] = [];
  let imported: { status: number; body: AreaImportReport };
  let millbrook: Session;
  let ashford: Session;
  const alertOf = new Map<string, AlertView>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    const csv = 'town,village\nAshford,Millbrook\nAshford,Oakley\nBrookfield,\nAshford,Mill/Lane\n';
    const response = await fetch(`${hub.httpUrl}/api/areas/import`, { method: 'POST', headers: { ...hub.adminHeaders, 'content-type': 'text/csv' }, body: csv });
    imported = { status: response.status, body: (await response.json()) as AreaImportReport };
    await createRule(hub, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });

    for (const { deviceId, town, village } of FLEET) {
      const created = await hub.request<{ secret: string }>('POST', '/api/devices', { deviceId, domain: 'water', town, ...(village === null ? {} : { village }) });
      expect(created.status).toBe(201);
      const client = await connectAsync(hub.mqttUrl, { clientId: deviceId, username: deviceId, password: created.body.secret, reconnectPeriod: 0 });
      devices.push(client);
      await client.publishAsync(`sensors/water/${deviceId}/telemetry`, JSON.stringify({ metrics: { pressure_kpa: 150 } }), { qos: 1 });
      await client.publishAsync(`sensors/water/${deviceId}/telemetry`, JSON.stringify({ metrics: { pressure_kpa: 'low' } }), { qos: 1 });
    }
    const lastAcknowledged = Date.now();
    await waitFor(
      async () => (await hub.get<{ evaluatedThrough: string | null }>('/api/alert-rules/water-low/evaluations')).body.evaluatedThrough,
      (through) => through !== null && Date.parse(through) > lastAcknowledged,
      20_000,
      'an evaluation of the rule after the last reading',
    );
    for (const alert of (await hub.get<{ items: AlertView[] }>('/api/alerts?state=open')).body.items) alertOf.set(alert.deviceId, alert);
    await createOperator(hub, { username: 'millbrook.ops', password: PASSWORD, role: 'operator', towns: ['Ashford/Millbrook'] });
    await createOperator(hub, { username: 'ashford.ops', password: PASSWORD, role: 'operator', towns: ['Ashford'] });
    millbrook = await login(hub, 'millbrook.ops', PASSWORD);
    ashford = await login(hub, 'ashford.ops', PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(devices.map((client) => client.endAsync(true)));
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('imports areas from CSV, reporting the line it refused and why, and audits each area it created', async () => {
    expect(imported).toEqual({
      status: 200,
      body: {
        created: ['Ashford', 'Ashford/Millbrook', 'Ashford/Oakley', 'Brookfield'],
        refused: [{ line: 5, problems: [{ field: 'village', problem: 'must be an area name of 1–100 characters, without "/", control or invisible formatting characters' }] }],
      },
    });
    const audit = (await hub.get<{ items: Array<{ action: string; targetId: string | null; detail: Record<string, unknown> }> }>('/api/audit?targetType=area')).body.items;
    expect(audit.map((entry) => [entry.action, entry.targetId]).reverse()).toEqual([
      ['area.create', 'Ashford'],
      ['area.create', 'Ashford/Millbrook'],
      ['area.create', 'Ashford/Oakley'],
      ['area.create', 'Brookfield'],
      ['area.import', null],
    ]);
  });

  it('refuses a device whose village is not a registered village of its town, with a clear 400', async () => {
    const refused = await hub.request<{ message: string; issues: Array<{ field: string; problem: string }> }>('POST', '/api/devices', { deviceId: 'elm-w-1', domain: 'water', town: 'Brookfield', village: 'Millbrook' });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { field: 'village', problem: '"Millbrook" is not a registered village of "Brookfield" (GET /api/areas lists them; an admin adds one with POST /api/areas)' },
    ]);
  });

  it('raises each alert with its device’s town and village', () => {
    expect([...alertOf.values()].map((alert) => [alert.deviceId, alert.town, alert.village]).sort()).toEqual([
      ['ash-w-1', 'Ashford', null],
      ['brk-w-1', 'Brookfield', null],
      ['mill-w-1', 'Ashford', 'Millbrook'],
      ['oak-w-1', 'Ashford', 'Oakley'],
    ]);
  });

  it('shows a village-scoped operator only that village’s devices, alerts, dead letters and areas; 403 for the rest of the town', async () => {
    const listed = await send<DeviceView[]>(hub, 'GET', '/api/devices', millbrook.headers);
    expect(listed.body.map((device) => [device.deviceId, device.town, device.village])).toEqual([['mill-w-1', 'Ashford', 'Millbrook']]);
    const alerts = await send<{ items: AlertView[]; matching: number }>(hub, 'GET', '/api/alerts', millbrook.headers);
    expect([alerts.body.items.map((alert) => alert.deviceId), alerts.body.matching]).toEqual([['mill-w-1'], 1]);
    const letters = await send<DeadLetterPage>(hub, 'GET', '/api/dead-letters', millbrook.headers);
    expect(letters.body.items.map((letter) => `${letter.deviceId} ${letter.reason}`)).toEqual(['mill-w-1 VALUE_NOT_NUMBER']);
    for (const path of ['/api/devices/ash-w-1', '/api/devices/oak-w-1', `/api/alerts/${alertOf.get('oak-w-1')!.id}`, `/api/alerts/${alertOf.get('ash-w-1')!.id}`]) {
      expect([path, (await send(hub, 'GET', path, millbrook.headers)).status]).toEqual([path, 403]);
    }
    expect((await send<AreaView[]>(hub, 'GET', '/api/areas', millbrook.headers)).body).toEqual([
      { path: 'Ashford', name: 'Ashford', parent: null, level: 'town', devices: 1 },
      { path: 'Ashford/Millbrook', name: 'Millbrook', parent: 'Ashford', level: 'village', devices: 1 },
    ]);
  });

  it('shows a town-scoped operator the town’s devices and alerts, its villages’ included, and not another town’s', async () => {
    const listed = await send<DeviceView[]>(hub, 'GET', '/api/devices', ashford.headers);
    expect(listed.body.map((device) => device.deviceId)).toEqual(['ash-w-1', 'mill-w-1', 'oak-w-1']);
    const alerts = await send<{ items: AlertView[]; matching: number }>(hub, 'GET', '/api/alerts', ashford.headers);
    expect(alerts.body.items.map((alert) => alert.deviceId).sort()).toEqual(['ash-w-1', 'mill-w-1', 'oak-w-1']);
    const letters = await send<DeadLetterPage>(hub, 'GET', '/api/dead-letters', ashford.headers);
    expect(letters.body.matching).toBe(3);
    expect((await send(hub, 'GET', `/api/alerts/${alertOf.get('brk-w-1')!.id}`, ashford.headers)).status).toBe(403);
    // The devices filter takes a village path too.
    expect((await send<DeviceView[]>(hub, 'GET', `/api/devices?town=${encodeURIComponent('Ashford/Oakley')}`, ashford.headers)).body.map((device) => device.deviceId)).toEqual(['oak-w-1']);
  });

  it('stores readings with the village tag next to the town’s', async () => {
    const series = await influxd.query(DATABASE, `SELECT "pressure_kpa", "town", "village" FROM "water" GROUP BY "device_id"`);
    expect(series.map((item) => [item.tags?.device_id, item.values.map((row) => row.slice(1))]).sort()).toEqual([
      ['ash-w-1', [[150, 'Ashford', null]]],
      ['brk-w-1', [[150, 'Brookfield', null]]],
      ['mill-w-1', [[150, 'Ashford', 'Millbrook']]],
      ['oak-w-1', [[150, 'Ashford', 'Oakley']]],
    ]);
    const tags = await influxd.query(DATABASE, 'SHOW TAG VALUES FROM "water" WITH KEY = "village"');
    expect(tags[0].values).toEqual([
      ['village', 'Millbrook'],
      ['village', 'Oakley'],
    ]);
  });

  it('refuses to delete a village that devices and a scope still name, saying who (409)', async () => {
    const answer = await hub.request<{ message: string }>('DELETE', `/api/areas/${encodeURIComponent('Ashford/Millbrook')}`);
    expect(answer).toEqual({ status: 409, body: expect.objectContaining({ message: 'Area Ashford/Millbrook cannot be deleted while device mill-w-1; operator millbrook.ops still name it', code: 'area-in-use', params: { area: 'Ashford/Millbrook', count: 2 } }) as unknown });
  });

  it('lets a town’s admin add and remove its villages, and not touch another town', async () => {
    await createOperator(hub, { username: 'ashford.admin', password: PASSWORD, role: 'admin', towns: ['Ashford'] });
    const admin = await login(hub, 'ashford.admin', PASSWORD);
    const json = { ...admin.headers, 'content-type': 'application/json' };
    expect(await send(hub, 'POST', '/api/areas', json, { name: 'Elm Street', parent: 'Ashford' })).toMatchObject({
      status: 201,
      body: { path: 'Ashford/Elm Street', name: 'Elm Street', parent: 'Ashford', level: 'village', devices: 0 },
    });
    expect((await send(hub, 'DELETE', `/api/areas/${encodeURIComponent('Ashford/Elm Street')}`, json)).status).toBe(204);
    expect(await send(hub, 'DELETE', '/api/areas/Brookfield', json)).toMatchObject({
      status: 403,
      body: { message: 'Area Brookfield is outside the towns ashford.admin may manage (towns Ashford)' },
    });
    expect((await hub.get<AreaView[]>('/api/areas')).body.map((area) => [area.path, area.devices])).toEqual([
      ['Ashford', 3],
      ['Ashford/Millbrook', 1],
      ['Ashford/Oakley', 1],
      ['Brookfield', 1],
    ]);
  });
});
