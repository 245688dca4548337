import { connectAsync, MqttClient } from 'mqtt';
import type { AlertView, AreaOverviewView, TownOverview } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey, createOperator, login, send } from '../harness/operators';
import { deviceLogin, provisionDevices } from '../harness/provision';
import { waitFor } from '../harness/wait-for';

const PASSWORD = 'ashford duty desk';

/**
 * Two towns and a device without one. Connected devices publish one reading each (the low pressures and the methane
 * raise alerts through real rules evaluated against InfluxDB); the others are provisioned and never connect (offline).
 */
const FLEET = [
  { deviceId: 'ash-w-1', domain: 'water', town: 'Ashford', metrics: { pressure_kpa: 150 } },
  { deviceId: 'ash-w-2', domain: 'water', town: 'Ashford', metrics: { pressure_kpa: 400 } },
  { deviceId: 'ash-g-1', domain: 'gas', town: 'Ashford', metrics: { methane_pct_lel: 35 } },
  { deviceId: 'ash-p-1', domain: 'power', town: 'Ashford' },
  { deviceId: 'brk-w-1', domain: 'water', town: 'Brookfield', metrics: { pressure_kpa: 140 } },
  { deviceId: 'brk-h-1', domain: 'heat', town: 'Brookfield' },
  { deviceId: 'loose-w-1', domain: 'water' },
] as const satisfies ReadonlyArray<{ deviceId: string; domain: Domain; town?: string; metrics?: Record<string, number> }>;

const NO_ALERTS = { critical: 0, warning: 0, info: 0 };
/** A tile as [area, devices, open alerts, each domain's light in the catalogue's order]. */
const tile = (town: TownOverview) => [town.area, town.devices, town.openAlerts, town.domains.map((domain) => `${domain.domain}:${domain.light}`)];

/**
 * GET /api/overview against the real service, MQTT and influxd: exact counts per town for the county, for an
 * Ashford operator (Ashford's tile only) and for a gas-only API key (gas devices and alerts, the gas light only);
 * resolving an alert turns its light green on the next answer.
 */
describe('area overview (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const clients: MqttClient[] = [];
  let alerts: AlertView[];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'area_overview', HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createRule(hub, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });
    await createRule(hub, { id: 'gas-high', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20, for: '0s' } });
    await provisionDevices(hub, FLEET.map(({ deviceId, domain, ...rest }) => ({ deviceId, domain, ...('town' in rest ? { town: rest.town } : {}) })));
    for (const device of FLEET) {
      if (!('metrics' in device)) continue;
      const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, device.deviceId, device.domain)), reconnectPeriod: 0 });
      clients.push(client);
      await client.publishAsync(`sensors/${device.domain}/${device.deviceId}/telemetry`, JSON.stringify({ metrics: device.metrics }), { qos: 1 });
    }
    alerts = (
      await waitFor(
        () => hub.get<{ items: AlertView[] }>('/api/alerts?state=open'),
        (answer) => answer.body.items.length === 3,
        20_000,
        'the three alerts (two low pressures, one methane)',
      )
    ).body.items;
    await createOperator(hub, { username: 'ashford.ops', password: PASSWORD, role: 'viewer', towns: ['Ashford'] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('counts every town for the county: devices reporting and offline, open alerts by severity, each domain’s light', async () => {
    const { status, body } = await hub.get<AreaOverviewView>('/api/overview');
    expect(status).toBe(200);
    expect(body.domains).toEqual(['water', 'power', 'gas', 'heat', 'traffic']);
    expect(body.quietAfterMs).toBe(600_000);
    expect(Math.abs(Date.parse(body.generatedAt) - Date.now())).toBeLessThan(10_000);
    expect(body.towns.map(tile)).toEqual([
      ['Ashford', { total: 4, reporting: 3, quiet: 0, offline: 1 }, { critical: 1, warning: 1, info: 0 }, ['water:warning', 'power:ok', 'gas:critical', 'heat:none', 'traffic:none']],
      ['Brookfield', { total: 2, reporting: 1, quiet: 0, offline: 1 }, { critical: 0, warning: 1, info: 0 }, ['water:warning', 'power:none', 'gas:none', 'heat:ok', 'traffic:none']],
      [null, { total: 1, reporting: 0, quiet: 0, offline: 1 }, NO_ALERTS, ['water:ok', 'power:none', 'gas:none', 'heat:none', 'traffic:none']],
    ]);
    expect(body.towns[0].domains[0]).toEqual({ domain: 'water', devices: 2, openAlerts: 1, worst: 'warning', light: 'warning' });
    // No device has a village yet: no village rows.
    expect(body.towns.map((town) => town.villages)).toEqual([[], [], []]);
  });

  it('shows an Ashford operator Ashford’s tile only, with the same counts', async () => {
    const ashford = await login(hub, 'ashford.ops', PASSWORD);
    const { status, body } = await send<AreaOverviewView>(hub, 'GET', '/api/overview', ashford.headers);
    expect(status).toBe(200);
    expect(body.towns.map(tile)).toEqual([
      ['Ashford', { total: 4, reporting: 3, quiet: 0, offline: 1 }, { critical: 1, warning: 1, info: 0 }, ['water:warning', 'power:ok', 'gas:critical', 'heat:none', 'traffic:none']],
    ]);
  });

  it('shows a gas-only API key the gas devices and alerts, and the gas light only, every registered town included (grey where it has no gas)', async () => {
    const { key } = await createApiKey(hub, { name: 'gas-desk', role: 'viewer', domains: ['gas'] });
    const { status, body } = await send<AreaOverviewView>(hub, 'GET', '/api/overview', bearer(key));
    expect(status).toBe(200);
    expect(body.domains).toEqual(['gas']);
    expect(body.towns.map(tile)).toEqual([
      ['Ashford', { total: 1, reporting: 1, quiet: 0, offline: 0 }, { critical: 1, warning: 0, info: 0 }, ['gas:critical']],
      ['Brookfield', { total: 0, reporting: 0, quiet: 0, offline: 0 }, { critical: 0, warning: 0, info: 0 }, ['gas:none']],
    ]);
  });

  it('turns a domain green once its alert is resolved', async () => {
    const methane = alerts.find((alert) => alert.deviceId === 'ash-g-1')!;
    expect((await hub.request('POST', `/api/alerts/${methane.id}/resolve`, { note: 'vented' })).status).toBe(200);
    const { body } = await hub.get<AreaOverviewView>('/api/overview');
    expect(tile(body.towns[0])).toEqual(['Ashford', { total: 4, reporting: 3, quiet: 0, offline: 1 }, { critical: 0, warning: 1, info: 0 }, ['water:warning', 'power:ok', 'gas:ok', 'heat:none', 'traffic:none']]);
  });

  it('answers 401 to nobody', async () => {
    expect((await send(hub, 'GET', '/api/overview', {})).status).toBe(401);
  });
});
