import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import type { DeadLetter } from '@hub/pipeline';
import { alertsOf, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { closedByBroker, connackCode } from '../harness/mqtt-login';
import { provisionDevice } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * Quarantine mode end to end (a first deployment: devices already in the field, not yet in the registry), and the
 * registry's towns reaching stored readings and alerts.
 */
const DATABASE = 'device_quarantine';

interface QuarantinedView {
  deviceId: string;
  domain: string | null;
  status: string;
  town: string | null;
  firstSeenAddress: string | null;
  connectAttempts: number;
}

describe('quarantine mode and the county hierarchy (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const open = new OpenMqttClients();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_DEVICE_ADMISSION: 'quarantine',
      HUB_ALERT_DEFAULT_RULES: 'off',
    });
  });

  afterAll(async () => {
    await open.closeAll();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const reading = (value: number) => JSON.stringify({ ts: Date.now(), metrics: { pressure_kpa: value } });

  it('lets an unknown device in, holds what it sends until approval, then stores its readings with its town (trust on first use)', async () => {
    const secret = randomBytes(32).toString('base64url');
    const device = open.keep(await connectAsync(hub.mqttUrl, { clientId: 'field-gas-9', username: 'field-gas-9', password: secret, reconnectPeriod: 200 }));
    await device.publishAsync('sensors/gas/field-gas-9/telemetry', reading(3.1), { qos: 1 });
    await device.publishAsync('sensors/gas/field-gas-9/telemetry', reading(3.2), { qos: 1 });

    const letters = (await hub.get<{ items: DeadLetter[]; matching: number }>('/api/dead-letters?device=field-gas-9')).body;
    expect(letters.items.map((letter) => [letter.reason, letter.detail])).toEqual([
      ['DEVICE_QUARANTINED', 'device field-gas-9 is quarantined: held until an operator approves it'],
      ['DEVICE_QUARANTINED', 'device field-gas-9 is quarantined: held until an operator approves it'],
    ]);
    expect((await storedReadings(influxd, DATABASE, 'field-')).size).toBe(0);
    const waiting = (await hub.get<QuarantinedView[]>('/api/devices?status=quarantined')).body;
    expect(waiting).toEqual([
      expect.objectContaining({ deviceId: 'field-gas-9', domain: 'gas', status: 'quarantined', town: null, firstSeenAddress: '127.0.0.1', connectAttempts: 1 }),
    ]);

    // Approval ends the quarantined session; the device reconnects by itself with the secret it always had.
    const reconnected = new Promise<void>((resolve) => device.once('connect', () => resolve()));
    const approved = await hub.request<{ device: QuarantinedView; secret: string | null }>('POST', '/api/devices/field-gas-9/approve', { town: 'Ashford', site: 'Gas depot' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ device: { deviceId: 'field-gas-9', status: 'active', domain: 'gas', town: 'Ashford' }, secret: null });
    await reconnected;
    const ts = Date.now();
    await device.publishAsync('sensors/gas/field-gas-9/telemetry', JSON.stringify({ ts, metrics: { pressure_kpa: 3.3 } }), { qos: 1 });
    const series = await waitFor(
      () => influxd.query(DATABASE, `SELECT "pressure_kpa", "town", "site" FROM "gas" WHERE "device_id" = 'field-gas-9'`),
      (found) => found.length > 0,
      5_000,
      'the approved reading',
    );
    expect(series[0].values).toEqual([[ts, 3.3, 'Ashford', 'Gas depot']]);
    expect((await hub.get<{ matching: number }>('/api/dead-letters?device=field-gas-9')).body.matching).toBe(2);
    expect((await hub.get<QuarantinedView[]>('/api/devices?status=quarantined')).body).toEqual([]);
    expect(await connackCode(hub.mqttUrl, { clientId: 'field-gas-9', username: 'field-gas-9', password: 'x'.repeat(43) })).toBe(4);
  });

  it('keeps a rejected device out, and refuses a quarantined device that comes back with another secret', async () => {
    const first = randomBytes(32).toString('base64url');
    const device = await open.connect(hub.mqttUrl, { clientId: 'rogue-1', username: 'rogue-1', password: first });
    expect(await connackCode(hub.mqttUrl, { clientId: 'rogue-1', username: 'rogue-1', password: randomBytes(32).toString('base64url') })).toBe(4);
    const dropped = closedByBroker(device);
    const rejected = await hub.request<QuarantinedView>('POST', '/api/devices/rogue-1/reject');
    expect(rejected.body).toMatchObject({ deviceId: 'rogue-1', status: 'rejected' });
    await dropped;
    expect(await connackCode(hub.mqttUrl, { clientId: 'rogue-1', username: 'rogue-1', password: first })).toBe(5);
    expect((await hub.request('POST', '/api/devices/rogue-1/approve', { domain: 'water' })).status).toBe(200);
    expect((await hub.request('POST', '/api/devices/rogue-1/reject')).status).toBe(409);

    // An empty client id names no device: the broker's made-up id must not land in quarantine.
    expect(await connackCode(hub.mqttUrl, { clientId: '', clean: true })).toBe(4);
    expect((await hub.get<QuarantinedView[]>('/api/devices?status=quarantined')).body).toEqual([]);
  });

  it('gives alerts the town of their device, so a rule on a town watches only that town', async () => {
    await provisionDevice(hub, 'town-gas-1', 'gas', { town: 'Ashford' });
    await provisionDevice(hub, 'town-gas-2', 'gas', { town: 'Brook' });
    await createRule(hub, {
      id: 'ashford-methane',
      name: 'Methane in Ashford',
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', towns: ['Ashford'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '0s' },
    });
    const devices = [await ScriptedDevice.connect(hub, 'gas', 'town-gas-1'), await ScriptedDevice.connect(hub, 'gas', 'town-gas-2')];
    try {
      await Promise.all(devices.map((device) => device.report({ methane_pct_lel: 35 }, 5, 200)));
      const alerts = await waitFor(() => alertsOf(hub, 'rule=ashford-methane'), (found) => found.length >= 1, 10_000, 'the Ashford alert');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await alertsOf(hub, 'rule=ashford-methane')).map((alert) => [alert.deviceId, alert.town])).toEqual([['town-gas-1', 'Ashford']]);
      expect((await alertsOf(hub, 'town=Ashford')).map((alert) => alert.deviceId)).toEqual(['town-gas-1']);
      expect(alerts[0].town).toBe('Ashford');
    } finally {
      await Promise.all(devices.map((device) => device.close()));
    }
  });
});
