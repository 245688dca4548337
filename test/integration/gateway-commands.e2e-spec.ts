import { IClientOptions, MqttClient } from 'mqtt';
import type { CommandView, DeviceConfigView, DeviceView } from '@hub/api-types';
import { DeviceSimulator, devicesToProvision, planDevices, planGateways, provisionThroughApi, resolveSimulationOptions, type SimulationOptions } from '@hub/devices-sim';
import type { DeadLetter } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { postReadings } from '../harness/http-ingest';
import { InfluxdProcess } from '../harness/influxd-process';
import { metricValue } from '../harness/mqtt-perimeter';
import { OpenMqttClients } from '../harness/open-mqtt-clients';
import { createOperator, login, send, Session } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

interface AuditEntry {
  actor: string;
  action: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

const PASSWORD = 'correct horse battery staple';
/** Two gateways with their meters, and a plain device; r-2 is in another town than its gateway. */
const FLEET = [
  { deviceId: 'gw-r', domain: 'water', town: 'Ashford', kind: 'gateway' },
  { deviceId: 'r-1', domain: 'water', town: 'Ashford', gatewayId: 'gw-r' },
  { deviceId: 'r-2', domain: 'water', town: 'Brook', gatewayId: 'gw-r' },
  { deviceId: 'r-3', domain: 'water', town: 'Ashford', gatewayId: 'gw-r' },
  { deviceId: 'gw-s', domain: 'water', town: 'Ashford', kind: 'gateway' },
  { deviceId: 's-1', domain: 'water', town: 'Ashford', gatewayId: 'gw-s' },
  { deviceId: 'p-1', domain: 'water', town: 'Ashford' },
];

/**
 * Gateways relaying commands and configuration to their children, against the real service, real MQTT clients and a
 * real influxd: a child's command reaching its gateway's restored session and the gateway's reply finishing it under
 * the child's id; what a gateway may not subscribe to or answer for; a child's config through its gateway; the
 * simulator's gateway obeying set-interval for its children; `?gateway=`; what deleting a child or its gateway does;
 * and the command, config and HTTP login metrics after a known scenario.
 */
describe('gateways relaying commands and config (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let otto: Session;
  let ashford: Session;
  const open = new OpenMqttClients();
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'gateway_commands', HUB_ALERT_DEFAULT_RULES: 'off' });
    const imported = await hub.request<{ created: Array<{ deviceId: string; secret: string }>; refused: unknown[] }>('POST', '/api/devices/import', FLEET);
    expect(imported.body.refused).toEqual([]);
    for (const { deviceId, secret } of imported.body.created) secrets.set(deviceId, secret);
    await createOperator(hub, { username: 'otto', password: PASSWORD, role: 'operator' });
    await createOperator(hub, { username: 'ash.op', password: PASSWORD, role: 'operator', towns: ['Ashford'] });
    otto = await login(hub, 'otto', PASSWORD);
    ashford = await login(hub, 'ash.op', PASSWORD);
  });

  afterEach(() => open.closeAll());

  afterAll(async () => {
    await open.closeAll();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  /** A gateway (or device) connected with its own credential, recording what it receives. */
  async function connectAs(deviceId: string, options: IClientOptions = {}): Promise<{ client: MqttClient; received: Received[] }> {
    const received: Received[] = [];
    const client = await open.connect(hub.mqttUrl, { clientId: deviceId, username: deviceId, password: secrets.get(deviceId), clean: true, ...options }, (topic, payload, packet) =>
      received.push({ topic, payload: payload.toString(), retain: packet.retain }),
    );
    return { client, received };
  }

  const topic = (deviceId: string, leaf: string) => `sensors/water/${deviceId}/${leaf}`;
  const sendCommand = (deviceId: string, body: unknown) => send<CommandView>(hub, 'POST', `/api/devices/${deviceId}/commands`, otto.headers, body);
  const command = async (deviceId: string, id: string): Promise<CommandView> => (await hub.get<CommandView>(`/api/devices/${deviceId}/commands/${id}`)).body;
  const untilStatus = (deviceId: string, id: string, status: CommandView['status']) => waitFor(() => command(deviceId, id), (view) => view.status === status, 15_000, `command ${id} ${status}`);
  const configOf = async (deviceId: string): Promise<DeviceConfigView> => (await hub.get<DeviceConfigView>(`/api/devices/${deviceId}/config`)).body;
  const audit = async (deviceId: string): Promise<AuditEntry[]> =>
    (await hub.get<{ items: AuditEntry[] }>(`/api/audit?targetType=device&targetId=${deviceId}`)).body.items.map(({ actor, action, targetId, detail }) => ({ actor, action, targetId, detail })).reverse();
  const metrics = async (): Promise<string> => (await hub.request<string>('GET', '/metrics')).body;

  it('sends a child’s queued command to its gateway’s restored session on reconnect; the gateway’s reply marks it succeeded under the child’s id', async () => {
    const first = await connectAs('gw-r', { clean: false });
    expect((await first.client.subscribeAsync([topic('r-1', 'commands')], { qos: 1 })).map((grant) => grant.qos)).toEqual([1]);
    await first.client.endAsync();

    const sent = await sendCommand('r-1', { name: 'set-interval', args: { seconds: 30 }, expiresIn: '10m' });
    expect([sent.status, sent.body.status, sent.body.deviceId]).toEqual([201, 'queued', 'r-1']);
    const { id, expiresAt } = sent.body;

    // No SUBSCRIBE this time: the persistent session holds the child's commands topic.
    const back = await connectAs('gw-r', { clean: false });
    await waitFor(async () => back.received.length, (count) => count >= 1, 10_000, 'the child’s command at its gateway');
    expect(new Set(back.received.map((message) => JSON.stringify(message)))).toEqual(
      new Set([JSON.stringify({ topic: topic('r-1', 'commands'), payload: JSON.stringify({ id, name: 'set-interval', args: { seconds: 30 }, expiresAt }), retain: false })]),
    );
    expect(await untilStatus('r-1', id, 'delivered')).toMatchObject({ deliveredAt: expect.any(Number) });

    await back.client.publishAsync(topic('r-1', 'commands/reply'), JSON.stringify({ id, ok: true, result: { intervalS: 30 } }), { qos: 1 });
    expect(await untilStatus('r-1', id, 'succeeded')).toMatchObject({ deviceId: 'r-1', result: { intervalS: 30 }, error: null });
    expect((await hub.get<CommandView[]>('/api/devices/r-1/commands')).body.map((view) => [view.id, view.status])).toEqual([[id, 'succeeded']]);
    expect((await hub.get<CommandView[]>('/api/devices/gw-r/commands')).body).toEqual([]);
    expect((await audit('r-1')).filter((entry) => entry.action.startsWith('device.command'))).toEqual([
      { actor: 'otto', action: 'device.command.send', targetId: 'r-1', detail: { commandId: id, name: 'set-interval', args: { seconds: 30 }, expiresAt } },
      { actor: 'r-1', action: 'device.command.succeeded', targetId: 'r-1', detail: { commandId: id, name: 'set-interval', result: { intervalS: 30 } } },
    ]);
  });

  it('refuses a gateway’s subscription to another gateway’s child, an unregistered id or a wildcard, and its reply for another gateway’s child', async () => {
    const queued = (await sendCommand('s-1', { name: 'ping' })).body;
    const { client, received } = await connectAs('gw-r');
    // MQTT.js rejects a SUBSCRIBE with any 0x80 in its SUBACK; the packet says which filters were refused.
    const filters = [topic('r-2', 'commands'), topic('s-1', 'commands'), topic('s-1', 'config'), topic('ghost', 'commands'), 'sensors/water/+/commands', topic('p-1', 'commands')];
    const granted = await client.subscribeAsync(filters, { qos: 1 }).then(
      () => 'all granted',
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(granted).toEqual([1, 128, 128, 128, 128, 128]);
    expect(await command('s-1', queued.id)).toMatchObject({ status: 'queued', sentAt: null });

    await client.publishAsync(topic('s-1', 'commands/reply'), JSON.stringify({ id: queued.id, ok: true }), { qos: 1 });
    const letters = await waitFor(async () => (await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?device=gw-r')).body.items, (items) => items.length === 1, 10_000, 'the refused reply');
    expect(letters.map(({ reason, detail, topic: on }) => ({ reason, detail, topic: on }))).toEqual([
      { reason: 'TOPIC_FORBIDDEN', detail: 'gateway gw-r may not publish for s-1: it is registered under gateway gw-s', topic: topic('s-1', 'commands/reply') },
    ]);
    expect(await command('s-1', queued.id)).toMatchObject({ status: 'queued' });
    expect(received).toEqual([]);
  });

  it('relays a child’s desired configuration through its gateway and shows what the gateway reports for the child', async () => {
    expect((await send(hub, 'PUT', '/api/devices/r-2/config', otto.headers, { intervalS: 60 })).status).toBe(200);
    const { client, received } = await connectAs('gw-r');
    await client.subscribeAsync(topic('r-2', 'config'), { qos: 1 });
    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the child’s retained config');
    expect(received).toEqual([{ topic: topic('r-2', 'config'), payload: JSON.stringify({ intervalS: 60 }), retain: true }]);
    await client.publishAsync(topic('r-2', 'config/reported'), JSON.stringify({ intervalS: 60 }), { qos: 1 });
    const applied = await waitFor(() => configOf('r-2'), (view) => view.reported !== null, 10_000, 'the reported config');
    expect(applied).toMatchObject({ deviceId: 'r-2', desired: { intervalS: 60 }, reported: { intervalS: 60 }, desiredBy: 'otto', differs: false });
  });

  it('drives the simulator’s gateway: its children report their config and obey set-interval through it', async () => {
    const options: SimulationOptions = { url: hub.mqttUrl, domains: ['water'], gateways: 1, childrenPerGateway: 2, idPrefix: 'simgw-', intervalMs: 1000, durationMs: 120_000, obeyCommands: true };
    const resolved = resolveSimulationOptions(options);
    const credentials = await provisionThroughApi(devicesToProvision(planGateways(resolved), planDevices(resolved), ['Ashford']), { apiUrl: hub.httpUrl, apiKey: hub.adminKey, existing: 'fail' });
    const simulator = new DeviceSimulator({ ...options, credentials });
    try {
      await simulator.start();
      for (const child of ['simgw-gw1-water-1', 'simgw-gw1-water-2']) {
        expect((await waitFor(() => configOf(child), (view) => view.reported !== null, 10_000, `${child}’s first config report`)).reported).toEqual({ intervalS: 1 });
      }
      const { body } = await sendCommand('simgw-gw1-water-2', { name: 'set-interval', args: { seconds: 5 } });
      expect(await untilStatus('simgw-gw1-water-2', body.id, 'succeeded')).toMatchObject({ result: { intervalS: 5 }, deliveredAt: expect.any(Number) });
      await waitFor(() => configOf('simgw-gw1-water-2'), (view) => (view.reported as { intervalS?: number } | null)?.intervalS === 5, 10_000, 'the new interval reported');
      // Its sibling on the same connection heard nothing of it.
      expect((await configOf('simgw-gw1-water-1')).reported).toEqual({ intervalS: 1 });
      expect((await hub.get<DeviceView>('/api/devices/simgw-gw1-water-2')).body).toMatchObject({ gatewayId: 'simgw-gw1', clientId: 'simgw-gw1' });
    } finally {
      await simulator.stop();
    }
  });

  it('lists a gateway’s children with ?gateway=, within the caller’s towns; a malformed id is a 400 naming it', async () => {
    expect(ids((await hub.get<DeviceView[]>('/api/devices?gateway=gw-r')).body)).toEqual(['r-1', 'r-2', 'r-3']);
    expect(ids((await hub.get<DeviceView[]>('/api/devices?gateway=gw-s')).body)).toEqual(['s-1']);
    expect(ids((await send<DeviceView[]>(hub, 'GET', '/api/devices?gateway=gw-r', ashford.headers)).body)).toEqual(['r-1', 'r-3']);
    expect((await hub.get<DeviceView[]>('/api/devices?gateway=p-1')).body).toEqual([]);
    const malformed = await hub.get<{ message: string }>('/api/devices?gateway=gw%20r');
    expect([malformed.status, malformed.body.message]).toEqual([400, 'Invalid query parameter gateway="gw r": expected a device id matching [A-Za-z0-9_-]{1,64}']);
  });

  it('refuses to delete a gateway with children, naming them; deleting a child removes its commands and config, the audit log keeps them', async () => {
    const queued = (await sendCommand('r-3', { name: 'reboot' })).body;
    expect((await send(hub, 'PUT', '/api/devices/r-3/config', otto.headers, { intervalS: 15 })).status).toBe(200);
    const refused = await hub.request<{ message: string }>('DELETE', '/api/devices/gw-r');
    expect([refused.status, refused.body.message]).toEqual([
      409,
      'Gateway gw-r still has 3 devices registered under it (r-1, r-2, r-3): move them to another gateway or to none (PATCH gatewayId) or delete them first',
    ]);

    expect((await hub.request('DELETE', '/api/devices/r-3')).status).toBe(204);
    expect((await hub.get('/api/devices/r-3/commands')).status).toBe(404);
    expect((await hub.get('/api/devices/r-3/config')).status).toBe(404);
    expect(ids((await hub.get<DeviceView[]>('/api/devices?gateway=gw-r')).body)).toEqual(['r-1', 'r-2']);
    const trail = await audit('r-3');
    expect(trail.map((entry) => entry.action)).toEqual(['device.provision', 'device.command.send', 'device.config.set', 'device.delete']);
    expect(trail[1].detail).toMatchObject({ commandId: queued.id, name: 'reboot' });
    expect(trail[3].detail).toEqual({ domain: 'water', town: 'Ashford', status: 'active', commandsRemoved: 1, configRemoved: 1 });

    // Provisioned again, the id starts clean: no queue, no config.
    expect((await hub.request('POST', '/api/devices', { deviceId: 'r-3', domain: 'water', town: 'Ashford', gatewayId: 'gw-r' })).status).toBe(201);
    expect((await hub.get<CommandView[]>('/api/devices/r-3/commands')).body).toEqual([]);
    expect(await configOf('r-3')).toMatchObject({ desired: null, reported: null });
  });

  it('counts commands by status, config changes, and HTTP ingest login refusals apart from MQTT logins', async () => {
    const before = await metrics();
    const { client } = await connectAs('gw-s');
    await client.subscribeAsync(topic('s-1', 'commands'), { qos: 1 });
    const ok = (await sendCommand('s-1', { name: 'ping' })).body;
    const bad = (await sendCommand('s-1', { name: 'set-interval', args: { seconds: 0 } })).body;
    const lost = (await sendCommand('p-1', { name: 'ping', expiresIn: '1s' })).body;
    for (const { id } of [ok, bad]) await untilStatus('s-1', id, 'delivered');
    await client.publishAsync(topic('s-1', 'commands/reply'), JSON.stringify({ id: ok.id, ok: true }), { qos: 1 });
    await client.publishAsync(topic('s-1', 'commands/reply'), JSON.stringify({ id: bad.id, ok: false, error: 'too short' }), { qos: 1 });
    await untilStatus('s-1', bad.id, 'failed');
    await untilStatus('p-1', lost.id, 'expired');
    expect((await send(hub, 'PUT', '/api/devices/s-1/config', otto.headers, { intervalS: 20 })).status).toBe(200);
    await client.publishAsync(topic('s-1', 'config/reported'), JSON.stringify({ intervalS: 20 }), { qos: 1 });
    await client.publishAsync(topic('s-1', 'config/reported'), JSON.stringify({ intervalS: 20 }), { qos: 1 });
    await waitFor(() => configOf('s-1'), (view) => view.reported !== null, 10_000, 'the reported config');
    const wrong = await postReadings(hub, { domain: 'water', deviceId: 'p-1', body: { metrics: { pressure_kpa: 300 } }, secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);

    const after = await metrics();
    const delta = (sample: string) => metricValue(after, sample) - metricValue(before, sample);
    // Sent and delivered: ok, bad, and the ping queued for s-1 in the refusal test, which goes out on gw-s's subscription.
    expect(['queued', 'sent', 'delivered', 'succeeded', 'failed', 'expired'].map((status) => [status, delta(`hub_commands_total{status="${status}"}`)])).toEqual([
      ['queued', 3],
      ['sent', 3],
      ['delivered', 3],
      ['succeeded', 1],
      ['failed', 1],
      ['expired', 1],
    ]);
    // The second, identical report is not a change.
    expect([delta('hub_device_config_changes_total{change="desired"}'), delta('hub_device_config_changes_total{change="reported"}')]).toEqual([1, 1]);
    expect(delta('hub_http_ingest_logins_refused_total{code="bad-username-or-password"}')).toBe(1);
    expect(delta('hub_mqtt_logins_refused_total{code="bad-username-or-password"}')).toBe(0);
  });
});

function ids(views: DeviceView[]): string[] {
  return views.map((view) => view.deviceId);
}
