import { MqttClient } from 'mqtt';
import type { DeadLetter, IngestStatsSnapshot } from '@hub/pipeline';
import type { DeviceView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { OpenMqttClients } from '../harness/open-mqtt-clients';
import { subscriberLogin } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * Gateways against the real service, real influxd and real MQTT clients: a DTU publishing for its ten meters on the
 * meters' own topics, what it may not publish for, and its children's presence following what it says and its
 * connection.
 */
const DATABASE = 'gateways';
const CHILDREN = Array.from({ length: 10 }, (_, index) => ({
  deviceId: `gwa-c-${index}`,
  domain: index % 2 === 0 ? 'water' : 'power',
  town: index < 5 ? 'Ashford' : 'Brook',
  gatewayId: 'gw-a',
}));

describe('gateways (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const open = new OpenMqttClients();
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '50ms' });
    // Two gateways and their children through the JSON import, the way a provisioning script does it; the gateways
    // are created by the same import as the rows that name them.
    const imported = await hub.request<{ created: Array<{ deviceId: string; secret: string }>; refused: unknown[] }>('POST', '/api/devices/import', [
      { deviceId: 'gw-a', domain: 'water', town: 'Ashford', kind: 'gateway', gatewayDomains: ['water', 'power'] },
      ...CHILDREN,
      { deviceId: 'gw-b', domain: 'water', town: 'Ashford', kind: 'gateway' },
      { deviceId: 'gwb-c-0', domain: 'water', town: 'Ashford', gatewayId: 'gw-b' },
    ]);
    expect(imported.body.refused).toEqual([]);
    for (const { deviceId, secret } of imported.body.created) secrets.set(deviceId, secret);
  });

  afterAll(async () => {
    await open.closeAll();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const connectAs = (deviceId: string): Promise<MqttClient> =>
    open.connect(hub.mqttUrl, { clientId: deviceId, username: deviceId, password: secrets.get(deviceId), clean: true });
  const device = async (deviceId: string): Promise<DeviceView> => (await hub.get<DeviceView>(`/api/devices/${deviceId}`)).body;
  const onlineChildren = async (): Promise<string[]> =>
    (await hub.get<DeviceView[]>('/api/devices'))
      .body.filter((view) => view.gatewayId === 'gw-a' && view.online)
      .map((view) => view.deviceId)
      .sort();

  let gateway: MqttClient;

  it('stores every reading a gateway publishes for its ten children under each child’s own id, town and values', async () => {
    gateway = await connectAs('gw-a');
    // As the contract asks of every device: its own `online` after connecting (the gateway's own presence).
    await gateway.publishAsync('sensors/water/gw-a/status', 'online', { qos: 1 });
    const before = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    const ts = Date.now() - 60_000;
    const expected = new Map<string, Record<string, number>>();
    await Promise.all(
      CHILDREN.map(async ({ deviceId, domain }, index) => {
        const readings = [0, 1].map((step): { ts: number; metrics: Record<string, number> } => ({
          ts: ts + step * 1000,
          metrics: domain === 'water' ? { pressure_kpa: 400 + index + step / 4, flow_m3h: 100 + index } : { voltage_v: 230 + index + step / 8, current_a: 50 + index },
        }));
        for (const reading of readings) expected.set(`${deviceId}@${reading.ts}`, reading.metrics);
        // QoS 1: the PUBACK means both readings are in InfluxDB.
        await gateway.publishAsync(`sensors/${domain}/${deviceId}/telemetry`, JSON.stringify(readings), { qos: 1 });
      }),
    );

    expect(await storedReadings(influxd, DATABASE, 'gwa-c-')).toEqual(expected);
    // The child's own tags, not the gateway's: town from its registry entry, no gateway tag.
    const [series] = await influxd.query(DATABASE, `SELECT * FROM "power" WHERE "device_id" = 'gwa-c-7'`);
    expect(series.columns.sort()).toEqual(['current_a', 'device_id', 'time', 'town', 'voltage_v']);
    expect(series.values.map((row) => row[series.columns.indexOf('town')])).toEqual(['Brook', 'Brook']);

    const after = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    expect(after.accepted - before.accepted).toBe(20);
    expect(after.balanced).toBe(true);
    expect(await onlineChildren()).toEqual(CHILDREN.map((child) => child.deviceId).sort());
    expect(await device('gwa-c-3')).toMatchObject({ kind: 'device', gatewayId: 'gw-a', childCount: null, clientId: 'gw-a', online: true, lastValues: { voltage_v: 233.125, current_a: 53 } });
    expect(await device('gw-a')).toMatchObject({ kind: 'gateway', gatewayId: null, gatewayDomains: ['water', 'power'], childCount: 10, online: true });
    // A town-scoped list sees the children of its town, whichever gateway speaks for them.
    expect((await hub.get<DeviceView[]>('/api/devices?town=Brook')).body.map((view) => view.deviceId)).toEqual(['gwa-c-5', 'gwa-c-7', 'gwa-c-9', 'gwa-c-6', 'gwa-c-8']);
  });

  it('dead-letters, never stores, a reading for an unregistered device, another gateway’s child or a child under a wrong domain', async () => {
    const before = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    const ts = Date.now() - 30_000;
    const payload = (value: number) => JSON.stringify({ ts, metrics: { pressure_kpa: value } });
    await gateway.publishAsync('sensors/water/gwa-ghost/telemetry', payload(1), { qos: 1 });
    await gateway.publishAsync('sensors/water/gwb-c-0/telemetry', payload(2), { qos: 1 });
    await gateway.publishAsync('sensors/power/gwa-c-0/telemetry', JSON.stringify({ ts, metrics: { voltage_v: 1 } }), { qos: 1 });
    // The same gateway's good message right after: refusals are per message, not per connection.
    await gateway.publishAsync('sensors/water/gwa-c-0/telemetry', payload(3), { qos: 1 });

    expect(await storedReadings(influxd, DATABASE, 'gwa-ghost')).toEqual(new Map());
    expect(await storedReadings(influxd, DATABASE, 'gwb-')).toEqual(new Map());
    expect((await storedReadings(influxd, DATABASE, 'gwa-c-0')).get(`gwa-c-0@${ts}`)).toEqual({ pressure_kpa: 3 });
    const letters = (await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?device=gw-a')).body.items;
    expect(letters.map((letter) => [letter.reason, letter.topic, letter.clientId, letter.detail]).sort()).toEqual([
      ['TOPIC_FORBIDDEN', 'sensors/power/gwa-c-0/telemetry', 'gw-a', 'gateway gw-a may not publish for gwa-c-0 under power: it is a water device'],
      ['TOPIC_FORBIDDEN', 'sensors/water/gwa-ghost/telemetry', 'gw-a', 'gateway gw-a may not publish for gwa-ghost: no such device in the registry (provision it with gatewayId gw-a)'],
      ['TOPIC_FORBIDDEN', 'sensors/water/gwb-c-0/telemetry', 'gw-a', 'gateway gw-a may not publish for gwb-c-0: it is registered under gateway gw-b'],
    ]);
    expect((await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?device=gwb-c-0')).body.items).toEqual([]);
    const after = (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
    expect((after.rejectedByReason.TOPIC_FORBIDDEN ?? 0) - (before.rejectedByReason.TOPIC_FORBIDDEN ?? 0)).toBe(3);
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.balanced).toBe(true);
    expect(await device('gwb-c-0')).toMatchObject({ online: false, lastSeen: null });
  });

  it('follows the gateway’s connect and disconnect messages for one child, and takes all its children offline with its connection', async () => {
    await gateway.publishAsync('sensors/water/gwa-c-2/status', 'offline', { qos: 1 });
    expect(await device('gwa-c-2')).toMatchObject({ online: false, clientId: 'gw-a' });
    expect(await onlineChildren()).toHaveLength(9);
    await gateway.publishAsync('sensors/water/gwa-c-2/status', 'online', { qos: 1 });
    expect(await device('gwa-c-2')).toMatchObject({ online: true });

    // The DTU loses its 4G link: no DISCONNECT, the socket just ends.
    gateway.stream.destroy();
    await waitFor(onlineChildren, (online) => online.length === 0, 5_000, 'the children to go offline with their gateway');
    expect(await device('gw-a')).toMatchObject({ online: false });
    // Subscribers learn it from the children's retained status too (a late subscriber included).
    const late = await open.connect(hub.mqttUrl, await subscriberLogin(hub, 'gw-late'));
    const statuses = new Map<string, string>();
    late.on('message', (topic, payload) => statuses.set(topic, payload.toString()));
    await late.subscribeAsync('sensors/+/+/status', { qos: 1 });
    const topics = CHILDREN.map(({ deviceId, domain }) => `sensors/${domain}/${deviceId}/status`);
    await waitFor(async () => topics.filter((topic) => statuses.has(topic)).length, (count) => count === 10, 5_000, 'the children’s retained statuses');
    expect(topics.map((topic) => statuses.get(topic))).toEqual(Array(10).fill('offline'));

    // Back: children stay offline until the gateway speaks for them again.
    gateway = await connectAs('gw-a');
    expect(await onlineChildren()).toEqual([]);
    await gateway.publishAsync('sensors/power/gwa-c-1/status', 'online', { qos: 1 });
    expect(await onlineChildren()).toEqual(['gwa-c-1']);
  });
});
