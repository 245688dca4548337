import Database from 'better-sqlite3';
import { IClientOptions, MqttClient } from 'mqtt';
import { join } from 'node:path';
import type { DeadLetter, IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { closedByBroker, connackCode } from '../harness/mqtt-login';
import { deviceLogin, provisionDevice, subscriberLogin } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * Device identity and the topic ACL against the real service over real MQTT: who may connect (CONNACK codes), what
 * a device may publish and subscribe to, and that refused messages reach neither InfluxDB nor other clients.
 */
const DATABASE = 'device_access';

interface DeviceBody {
  deviceId: string;
  domain: string;
  town: string | null;
  site: string | null;
  enabled: boolean;
  status: string;
  hasSecret: boolean;
  secretIssuedAt: number | null;
}

describe('device identity and topic ACL (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const open = new OpenMqttClients();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '50ms' });
  });

  afterEach(async () => {
    await open.closeAll();
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const connect = (options: IClientOptions): Promise<MqttClient> => open.connect(hub.mqttUrl, options);
  const metric = async (line: string): Promise<number> => {
    const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const found = text.split('\n').find((entry) => entry.startsWith(`${line} `));
    return found === undefined ? 0 : Number(found.slice(line.length + 1));
  };
  const refused = (code: string, reason: string) => metric(`hub_mqtt_connections_refused_total{code="${code}",reason="${reason}"}`);

  it('provisions a device with a secret shown once, and refuses a second provisioning of the same id', async () => {
    const created = await hub.request<{ device: DeviceBody & Record<string, unknown>; secret: string }>('POST', '/api/devices', {
      deviceId: 'prov-water-1',
      domain: 'water',
      town: 'Ashford',
      site: 'Mill Lane',
      latitude: 52.14,
      longitude: -0.48,
      expectedIntervalS: 60,
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.device).toMatchObject({
      deviceId: 'prov-water-1',
      domain: 'water',
      town: 'Ashford',
      site: 'Mill Lane',
      location: { latitude: 52.14, longitude: -0.48 },
      expectedIntervalS: 60,
      enabled: true,
      status: 'active',
      hasSecret: true,
      registered: true,
      provisionedBy: 'bootstrap-key',
    });
    expect(JSON.stringify(created.body.device)).not.toContain(created.body.secret);
    expect(Object.keys(created.body.device)).not.toContain('secretHash');

    const again = await hub.request<{ message: string }>('POST', '/api/devices', { deviceId: 'prov-water-1', domain: 'water' });
    expect(again.status).toBe(409);
    const invalid = await hub.request<{ issues: unknown[] }>('POST', '/api/devices', { deviceId: 'bad id', domain: 'steam', latitude: 91, towm: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([
      { field: 'towm', problem: 'unknown field; allowed: deviceId, domain, town, village, site, latitude, longitude, expectedIntervalS, description, enabled, profileId, devEui, kind, gatewayId, gatewayDomains' },
      { field: 'deviceId', problem: 'must match ^[A-Za-z0-9_-]{1,64}$, got "bad id"' },
      { field: 'domain', problem: 'must be one of water, power, gas, heat, traffic, got "steam"' },
      { field: 'latitude', problem: 'must be from -90 to 90, got 91' },
    ]);
    const listed = await hub.get<DeviceBody[]>('/api/devices?town=Ashford');
    expect(listed.body.map((device) => device.deviceId)).toEqual(['prov-water-1']);
  });

  it('refuses unknown, wrong-secret, wrong-client-id, anonymous, disabled and revoked devices at CONNECT with the right code, counted by reason', async () => {
    const secret = await provisionDevice(hub, 'acc-water-1', 'water');
    const login = { clientId: 'acc-water-1', username: 'acc-water-1', password: secret };
    expect(await connackCode(hub.mqttUrl, { clientId: 'acc-ghost', username: 'acc-ghost', password: secret })).toBe(4);
    expect(await connackCode(hub.mqttUrl, { ...login, password: `${secret.slice(0, -1)}x` })).toBe(4);
    expect(await connackCode(hub.mqttUrl, { ...login, clientId: 'acc-water-2' })).toBe(2);
    expect(await connackCode(hub.mqttUrl, { clientId: 'acc-water-1' })).toBe(4);
    expect(await connackCode(hub.mqttUrl, login)).toBe(0);

    // Disabling drops the connected device and keeps it out.
    const device = await connect(login);
    const dropped = closedByBroker(device);
    expect((await hub.request<DeviceBody>('PATCH', '/api/devices/acc-water-1', { enabled: false })).body.enabled).toBe(false);
    await dropped;
    expect(await connackCode(hub.mqttUrl, login)).toBe(5);

    // Revoking the secret: the device is refused as having bad credentials, even with its old secret.
    expect((await hub.request('PATCH', '/api/devices/acc-water-1', { enabled: true })).status).toBe(200);
    const revoked = await hub.request<DeviceBody>('DELETE', '/api/devices/acc-water-1/secret');
    expect(revoked.body).toMatchObject({ hasSecret: false, secretIssuedAt: null });
    expect(await connackCode(hub.mqttUrl, login)).toBe(4);

    expect(await refused('bad-username-or-password', 'unknown-device')).toBe(1);
    expect(await refused('bad-username-or-password', 'wrong-secret')).toBe(1);
    expect(await refused('identifier-rejected', 'client-id-mismatch')).toBe(1);
    expect(await refused('bad-username-or-password', 'no-credentials')).toBe(1);
    expect(await refused('not-authorized', 'disabled')).toBe(1);
    expect(await refused('bad-username-or-password', 'revoked')).toBe(1);
    expect(hub.output).not.toContain(secret);

    // Every change is in the audit log with who made it.
    const db = new Database(join(hub.dataDir, 'hub.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const entries = db.prepare("SELECT actor, action, detail FROM audit_log WHERE target_type = 'device' AND target_id = 'acc-water-1' ORDER BY id").all();
      expect(entries).toEqual([
        { actor: 'bootstrap-key', action: 'device.provision', detail: JSON.stringify({ via: 'import', domain: 'water', town: null, site: null, enabled: true }) },
        { actor: 'bootstrap-key', action: 'device.update', detail: JSON.stringify({ changes: { enabled: false } }) },
        { actor: 'bootstrap-key', action: 'device.update', detail: JSON.stringify({ changes: { enabled: true } }) },
        { actor: 'bootstrap-key', action: 'device.secret.revoke', detail: '{}' },
      ]);
    } finally {
      db.close();
    }
  });

  it('rotates a secret: the connected device is dropped, the old secret refused, the new one accepted', async () => {
    const login = await deviceLogin(hub, 'rot-gas-1', 'gas');
    const device = await connect(login);
    const dropped = closedByBroker(device);
    const rotated = await hub.request<{ device: DeviceBody; secret: string }>('POST', '/api/devices/rot-gas-1/secret');
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).not.toBe(login.password);
    await dropped;
    expect(await connackCode(hub.mqttUrl, login)).toBe(4);
    expect(await connackCode(hub.mqttUrl, { ...login, password: rotated.body.secret })).toBe(0);
  });

  it("refuses a publish on another device's topic: acknowledged, dead-lettered, neither stored nor forwarded nor retained", async () => {
    const before = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    const subscriber = await connect(await subscriberLogin(hub, 'acl-watcher'));
    const received: string[] = [];
    subscriber.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    await subscriber.subscribeAsync('sensors/#', { qos: 1 });

    const victim = await connect(await deviceLogin(hub, 'acl-water-2', 'water'));
    await victim.publishAsync('sensors/water/acl-water-2/status', 'online', { qos: 1, retain: true });
    const intruder = await connect(await deviceLogin(hub, 'acl-water-1', 'water'));
    const forged = JSON.stringify({ metrics: { pressure_kpa: 1 } });
    await intruder.publishAsync('sensors/water/acl-water-2/telemetry', forged, { qos: 1 });
    await intruder.publishAsync('sensors/gas/acl-water-1/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 80 } }), { qos: 1 });
    await intruder.publishAsync('sensors/water/acl-water-2/status', 'offline', { qos: 1, retain: true });
    const own = JSON.stringify({ ts: Date.now(), metrics: { pressure_kpa: 410 } });
    await intruder.publishAsync('sensors/water/acl-water-1/telemetry', own, { qos: 1 });

    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'acl-'), (found) => found.size >= 1, 5_000, 'the own reading');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...(await storedReadings(influxd, DATABASE, 'acl-')).keys()]).toEqual([...stored.keys()]);
    expect([...stored.values()]).toEqual([{ pressure_kpa: 410 }]);

    const letters = (await hub.get<{ items: DeadLetter[]; matching: number }>('/api/dead-letters?device=acl-water-1&reason=TOPIC_FORBIDDEN')).body;
    expect(letters.matching).toBe(3);
    expect(letters.items.map((letter) => letter.topic).sort()).toEqual(['sensors/gas/acl-water-1/telemetry', 'sensors/water/acl-water-2/status', 'sensors/water/acl-water-2/telemetry']);
    const letter = letters.items.find((item) => item.topic === 'sensors/water/acl-water-2/telemetry');
    expect(letter).toMatchObject({ clientId: 'acl-water-1', deviceId: 'acl-water-1', domain: 'water', payload: forged });
    expect(letter?.detail).toBe(
      'device acl-water-1 may publish only on sensors/water/acl-water-1/telemetry, sensors/water/acl-water-1/status, sensors/water/acl-water-1/commands/reply and sensors/water/acl-water-1/config/reported, not on sensors/water/acl-water-2/telemetry',
    );

    const after = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    expect(after.rejectedByReason.TOPIC_FORBIDDEN ?? 0).toBe((before.rejectedByReason.TOPIC_FORBIDDEN ?? 0) + 3);
    expect(after.balanced).toBe(true);
    expect(await metric('hub_readings_rejected_total{reason="TOPIC_FORBIDDEN"}')).toBe(after.rejectedByReason.TOPIC_FORBIDDEN);
    expect(received.sort()).toEqual(['sensors/water/acl-water-1/telemetry ' + own, 'sensors/water/acl-water-2/status online']);

    // The victim's retained status is still its own.
    const late = await connect(await subscriberLogin(hub, 'acl-late'));
    const retained = new Promise<string>((resolve) => late.once('message', (_topic, payload) => resolve(payload.toString())));
    await late.subscribeAsync('sensors/water/acl-water-2/status', { qos: 1 });
    expect(await retained).toBe('online');
  });

  it('grants a device only its own commands and config topics (SUBACK 0x80 for anything else)', async () => {
    const before = await metric('hub_mqtt_subscriptions_refused_total');
    const device = await connect(await deviceLogin(hub, 'sub-heat-1', 'heat'));
    const own = await device.subscribeAsync(['sensors/heat/sub-heat-1/commands', 'sensors/heat/sub-heat-1/config'], { qos: 1 });
    expect(own.map((grant) => [grant.topic, grant.qos])).toEqual([
      ['sensors/heat/sub-heat-1/commands', 1],
      ['sensors/heat/sub-heat-1/config', 1],
    ]);
    // MQTT.js rejects a SUBSCRIBE with any 0x80 in its SUBACK; the packet says which filters were refused.
    const filters = ['sensors/heat/sub-heat-1/config', 'sensors/heat/sub-heat-2/commands', 'sensors/heat/#', 'alerts/#', 'sensors/heat/sub-heat-1/+'];
    const granted = await device.subscribeAsync(filters, { qos: 1 }).then(
      () => 'all granted',
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(granted).toEqual([1, 128, 128, 128, 128]);
    expect(await metric('hub_mqtt_subscriptions_refused_total')).toBe(before + 4);
  });

  it('imports a CSV file: good rows created, bad rows refused with their line and problems; readings carry town and site tags', async () => {
    const csv = [
      '\uFEFFdevice_id,domain,town,site,latitude,longitude,expected_interval,description,enabled',
      'csv-gas-1,gas,"St. Mary\'s, Upper","Depot ""B"" yard",52.5,-1.25,5m,"Governor, inlet side",yes',
      'csv-gas-2,gas,Brook,,,,60,,',
      'csv-gas-3,steam,Brook,,,,,,',
      'csv-gas-4,gas,Brook,,91,,,,',
      'csv-dup,water,Brook,,,,,,',
      'csv-dup,water,Carlow,,,,,,',
      'prov-water-1,water,Ashford,,,,,,',
      'csv-gas-5,gas,Brook,Yard "7",,,,,',
      '"csv-gas-6,gas,Brook',
    ].join('\r\n');
    const response = await fetch(`${hub.httpUrl}/api/devices/import`, { method: 'POST', headers: { ...hub.adminHeaders, 'content-type': 'text/csv' }, body: csv });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { created: Array<{ deviceId: string; secret: string }>; refused: unknown[] };
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['csv-gas-1', 'csv-gas-2']);
    expect(report.refused).toEqual([
      { line: 4, deviceId: 'csv-gas-3', problems: [{ field: 'domain', problem: 'must be one of water, power, gas, heat, traffic, got "steam"' }] },
      {
        line: 5,
        deviceId: 'csv-gas-4',
        problems: [
          { field: 'latitude', problem: 'must be from -90 to 90, got 91' },
        ],
      },
      { line: 6, deviceId: 'csv-dup', problems: [{ field: 'device_id', problem: 'appears more than once in this import (line 6, line 7); list each device once' }] },
      { line: 7, deviceId: 'csv-dup', problems: [{ field: 'device_id', problem: 'appears more than once in this import (line 6, line 7); list each device once' }] },
      { line: 8, deviceId: 'prov-water-1', problems: [{ field: 'device_id', problem: 'is already provisioned (PATCH it to change it, or rotate its secret)' }] },
      { line: 9, deviceId: 'csv-gas-5', problems: [{ field: 'row', problem: 'a quote inside unquoted field 4 (quote the whole field and double the quote)' }] },
      { line: 10, problems: [{ field: 'row', problem: 'a quoted field opened on line 10 is never closed (the rest of the file is inside it)' }] },
    ]);

    const view = await hub.get<Record<string, unknown>>('/api/devices/csv-gas-1');
    expect(view.body).toMatchObject({
      town: "St. Mary's, Upper",
      site: 'Depot "B" yard',
      location: { latitude: 52.5, longitude: -1.25 },
      expectedIntervalS: 300,
      description: 'Governor, inlet side',
      enabled: true,
    });

    // The secret from the import report connects the device; its reading is stored with the registry's tags.
    const secret = report.created[0].secret;
    const device = await connect({ clientId: 'csv-gas-1', username: 'csv-gas-1', password: secret });
    const ts = Date.now() - 1000;
    await device.publishAsync('sensors/gas/csv-gas-1/telemetry', JSON.stringify({ ts, metrics: { pressure_kpa: 3.2 } }), { qos: 1 });
    const series = await waitFor(
      () => influxd.query(DATABASE, `SELECT "pressure_kpa", "town", "site" FROM "gas" WHERE "device_id" = 'csv-gas-1'`),
      (found) => found.length > 0,
      5_000,
      'the tagged reading',
    );
    expect(series[0].values).toEqual([[ts, 3.2, "St. Mary's, Upper", 'Depot "B" yard']]);

    // A file that is not a device list is refused whole; a body that is neither CSV nor JSON too.
    const header = await fetch(`${hub.httpUrl}/api/devices/import`, { method: 'POST', headers: { ...hub.adminHeaders, 'content-type': 'text/csv' }, body: 'device_id,domian\nx,gas\n' });
    expect(header.status).toBe(400);
    expect(((await header.json()) as { issues: unknown[] }).issues).toEqual([
      { field: 'domian', problem: 'unknown column; allowed: device_id, domain, town, village, site, latitude, longitude, expected_interval, description, enabled, kind, gateway_id, gateway_domains, profile_id, dev_eui' },
      { field: 'domain', problem: 'required column is missing from the header row' },
    ]);
    const xml = await fetch(`${hub.httpUrl}/api/devices/import`, { method: 'POST', headers: { ...hub.adminHeaders, 'content-type': 'application/xml' }, body: '<devices/>' });
    expect(xml.status).toBe(415);
    const unauthenticated = await fetch(`${hub.httpUrl}/api/devices/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(unauthenticated.status).toBe(401);
  });

  it('deletes a device from the registry: it can no longer connect, its readings stay readable, no status of it is retained', async () => {
    const login = await deviceLogin(hub, 'del-power-1', 'power');
    const will = { topic: 'sensors/power/del-power-1/status', payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const device = await connect({ ...login, will });
    await device.publishAsync('sensors/power/del-power-1/status', 'online', { qos: 1, retain: true });
    await device.publishAsync('sensors/power/del-power-1/telemetry', JSON.stringify({ metrics: { voltage_v: 231 } }), { qos: 1 });
    // A device that stays, as the witness that retained statuses are handed out.
    const neighbour = await connect(await deviceLogin(hub, 'del-power-2', 'power'));
    await neighbour.publishAsync('sensors/power/del-power-2/status', 'online', { qos: 1, retain: true });
    await waitFor(() => storedReadings(influxd, DATABASE, 'del-'), (found) => found.size === 1, 5_000, 'the reading');
    const dropped = closedByBroker(device);
    expect((await hub.request('DELETE', '/api/devices/del-power-1')).status).toBe(204);
    await dropped;
    expect(await connackCode(hub.mqttUrl, login)).toBe(4);

    // Neither the `online` it left nor its will (`offline`) is retained for a device that no longer exists.
    const statuses: Array<[string, string]> = [];
    const subscriber = await connect(await subscriberLogin(hub, 'deleted-status'));
    subscriber.on('message', (topic, payload) => statuses.push([topic, payload.toString()]));
    await subscriber.subscribeAsync('sensors/power/+/status', { qos: 1 });
    await waitFor(async () => statuses.length, (count) => count >= 1, 5_000, 'the neighbour’s retained status');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(statuses).toEqual([['sensors/power/del-power-2/status', 'online']]);
    const view = await hub.get<DeviceBody & { registered: boolean; lastValues: Record<string, number> }>('/api/devices/del-power-1');
    expect(view.body).toMatchObject({ registered: false, status: null, lastValues: { voltage_v: 231 } });
    const readings = await hub.get<{ metrics: Record<string, { points: [number, number][] }> }>('/api/devices/del-power-1/readings');
    expect(readings.status).toBe(200);
    expect(readings.body.metrics.voltage_v.points.map(([, value]) => value)).toEqual([231]);
    expect((await hub.request('DELETE', '/api/devices/del-power-1')).status).toBe(404);
  });
});
