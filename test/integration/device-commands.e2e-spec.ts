import { IClientOptions, MqttClient } from 'mqtt';
import { connectListening } from '../harness/open-mqtt-clients';
import type { CommandView, DeviceConfigView } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import { DeviceSimulator } from '@hub/devices-sim';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send, Session } from '../harness/operators';
import { deviceLogin, provisioned, provisionDevice } from '../harness/provision';
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
  qos: number;
}

interface DeadLetterPage {
  items: Array<{ deviceId: string | null; reason: string; detail: string; topic: string; payload: string }>;
}

const PASSWORD = 'correct horse battery staple';
const FLEET: ReadonlyArray<{ deviceId: string; town: string }> = [
  { deviceId: 'cmd-ok', town: 'Ashford' },
  { deviceId: 'cmd-fail', town: 'Ashford' },
  { deviceId: 'cmd-silent', town: 'Ashford' },
  { deviceId: 'cmd-never', town: 'Ashford' },
  { deviceId: 'cmd-away', town: 'Ashford' },
  { deviceId: 'cmd-brook', town: 'Brookfield' },
  { deviceId: 'cmd-config', town: 'Ashford' },
  { deviceId: 'cmd-restart', town: 'Ashford' },
];
const DOMAIN: Domain = 'water';

/**
 * Commands and configuration back to devices, against the real service, real MQTT clients and a real influxd:
 * delivery to connected, never-connected and away (persistent session) devices; replies that succeed, fail, are
 * malformed or name no command; expiry; who may send (roles, towns); the audit log; desired vs reported config over
 * the retained config topic; and commands and config that outlive a restart of the service.
 */
describe('device commands and configuration (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let operator: Session;
  let ashford: Session;
  let viewer: Session;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'device_commands', HUB_ALERT_DEFAULT_RULES: 'off' });
    for (const { deviceId, town } of FLEET) await provisionDevice(hub, deviceId, DOMAIN, { town });
    await createOperator(hub, { username: 'otto', password: PASSWORD, role: 'operator' });
    await createOperator(hub, { username: 'ash.op', password: PASSWORD, role: 'operator', towns: ['Ashford'] });
    await createOperator(hub, { username: 'vic', password: PASSWORD, role: 'viewer' });
    operator = await login(hub, 'otto', PASSWORD);
    ashford = await login(hub, 'ash.op', PASSWORD);
    viewer = await login(hub, 'vic', PASSWORD);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  /** A device connected as itself, recording what it receives. */
  async function device(deviceId: string, options: IClientOptions = {}): Promise<{ client: MqttClient; received: Received[] }> {
    const received: Received[] = [];
    const client = await connectListening(hub.mqttUrl, { ...(await deviceLogin(hub, deviceId, DOMAIN)), ...options }, (topic, payload, packet) =>
      received.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }),
    );
    clients.push(client);
    return { client, received };
  }

  const commandsOf = (deviceId: string) => `sensors/${DOMAIN}/${deviceId}/commands`;
  const replyTopic = (deviceId: string) => `sensors/${DOMAIN}/${deviceId}/commands/reply`;
  const sendCommand = (deviceId: string, body: unknown, session: Session = operator) => send<CommandView & { message?: string }>(hub, 'POST', `/api/devices/${deviceId}/commands`, session.headers, body);
  const command = async (deviceId: string, id: string): Promise<CommandView> => (await hub.get<CommandView>(`/api/devices/${deviceId}/commands/${id}`)).body;
  const untilStatus = (deviceId: string, id: string, status: CommandView['status']) => waitFor(() => command(deviceId, id), (view) => view.status === status, 15_000, `command ${id} ${status}`);
  const audit = async (deviceId: string): Promise<AuditEntry[]> =>
    (await hub.get<{ items: AuditEntry[] }>(`/api/audit?targetType=device&targetId=${deviceId}`)).body.items
      .filter((entry) => entry.action.startsWith('device.command') || entry.action.startsWith('device.config'))
      .map(({ actor, action, targetId, detail }) => ({ actor, action, targetId, detail }))
      .reverse();

  it('sends to a connected, subscribed device at QoS 1: sent, delivered on its PUBACK, succeeded on its ok reply; audited', async () => {
    const { client, received } = await device('cmd-ok');
    await client.subscribeAsync(commandsOf('cmd-ok'), { qos: 1 });
    const answer = await sendCommand('cmd-ok', { name: 'set-interval', args: { seconds: 10 }, expiresIn: '10m' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ deviceId: 'cmd-ok', domain: 'water', name: 'set-interval', args: { seconds: 10 }, status: 'sent', createdBy: 'otto', deliveredAt: null, finishedAt: null, result: null, error: null });
    expect(answer.body.expiresAt - answer.body.createdAt).toBe(600_000);
    const id = answer.body.id;

    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the command at the device');
    expect(received[0]).toEqual({ topic: commandsOf('cmd-ok'), payload: JSON.stringify({ id, name: 'set-interval', args: { seconds: 10 }, expiresAt: answer.body.expiresAt }), retain: false, qos: 1 });
    const delivered = await untilStatus('cmd-ok', id, 'delivered');
    expect(delivered.deliveredAt).toEqual(expect.any(Number));

    await client.publishAsync(replyTopic('cmd-ok'), JSON.stringify({ id, ok: true, result: { intervalS: 10 } }), { qos: 1 });
    const done = await untilStatus('cmd-ok', id, 'succeeded');
    expect(done).toMatchObject({ result: { intervalS: 10 }, error: null, finishedAt: expect.any(Number) });
    expect((await hub.get<CommandView[]>('/api/devices/cmd-ok/commands')).body.map((entry) => [entry.id, entry.status])).toEqual([[id, 'succeeded']]);
    expect(await audit('cmd-ok')).toEqual([
      { actor: 'otto', action: 'device.command.send', targetId: 'cmd-ok', detail: { commandId: id, name: 'set-interval', args: { seconds: 10 }, expiresAt: answer.body.expiresAt } },
      { actor: 'cmd-ok', action: 'device.command.succeeded', targetId: 'cmd-ok', detail: { commandId: id, name: 'set-interval', result: { intervalS: 10 } } },
    ]);
  });

  it('marks a command failed with the device’s message when it replies an error', async () => {
    const { client, received } = await device('cmd-fail');
    await client.subscribeAsync(commandsOf('cmd-fail'), { qos: 1 });
    const { body } = await sendCommand('cmd-fail', { name: 'set-interval', args: { seconds: 0 } });
    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the command at the device');
    await client.publishAsync(replyTopic('cmd-fail'), JSON.stringify({ id: body.id, ok: false, error: 'interval must be at least 1 s' }), { qos: 1 });
    const failed = await untilStatus('cmd-fail', body.id, 'failed');
    expect(failed).toMatchObject({ error: 'interval must be at least 1 s', result: null });
    expect((await audit('cmd-fail')).map((entry) => [entry.actor, entry.action, entry.detail])).toEqual([
      ['otto', 'device.command.send', { commandId: body.id, name: 'set-interval', args: { seconds: 0 }, expiresAt: body.expiresAt }],
      ['cmd-fail', 'device.command.failed', { commandId: body.id, name: 'set-interval', error: 'interval must be at least 1 s' }],
    ]);
  });

  it('queues for a device that never connected and sends when it connects and subscribes', async () => {
    const { body } = await sendCommand('cmd-never', { name: 'reboot' });
    expect(body).toMatchObject({ status: 'queued', args: {}, sentAt: null });
    const { client, received } = await device('cmd-never');
    expect(await command('cmd-never', body.id)).toMatchObject({ status: 'queued' });
    await client.subscribeAsync(commandsOf('cmd-never'), { qos: 1 });
    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the queued command');
    expect(JSON.parse(received[0].payload)).toEqual({ id: body.id, name: 'reboot', args: {}, expiresAt: body.expiresAt });
    await untilStatus('cmd-never', body.id, 'delivered');
  });

  it('queues for an away device with a persistent session and sends when it comes back, without subscribing again', async () => {
    const first = await device('cmd-away', { clean: false });
    await first.client.subscribeAsync(commandsOf('cmd-away'), { qos: 1 });
    await first.client.endAsync();
    const { body } = await sendCommand('cmd-away', { name: 'set-interval', args: { seconds: 5 } });
    expect(body.status).toBe('queued');
    const back = await device('cmd-away', { clean: false });
    // The command may have gone to the first connection while its DISCONNECT was on the way: the hub sends it again
    // on the next connection, so the device sees it at least once (twice if the session had kept that copy).
    await waitFor(async () => back.received.length, (count) => count >= 1, 10_000, 'the queued command on the restored session');
    expect(new Set(back.received.map(({ payload }) => JSON.parse(payload).id))).toEqual(new Set([body.id]));
    expect(JSON.parse(back.received[0].payload)).toMatchObject({ id: body.id, name: 'set-interval' });
    await untilStatus('cmd-away', body.id, 'delivered');
  });

  it('expires a command nobody answers, whether it was delivered or never left the queue; audited as the system', async () => {
    const { client, received } = await device('cmd-silent');
    await client.subscribeAsync(commandsOf('cmd-silent'), { qos: 1 });
    const delivered = (await sendCommand('cmd-silent', { name: 'ping', expiresIn: '2s' })).body;
    const queued = (await sendCommand('cmd-brook', { name: 'ping', expiresIn: 2000 })).body;
    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the command at the device');
    expect(await untilStatus('cmd-silent', delivered.id, 'expired')).toMatchObject({ error: 'expired without a reply (acknowledged by the device)', deliveredAt: expect.any(Number) });
    expect(await untilStatus('cmd-brook', queued.id, 'expired')).toMatchObject({ error: 'expired before the device was connected and subscribed', sentAt: null });
    expect((await audit('cmd-brook')).slice(-1)).toEqual([
      { actor: 'system', action: 'device.command.expired', targetId: 'cmd-brook', detail: { commandId: queued.id, name: 'ping', error: 'expired before the device was connected and subscribed' } },
    ]);
  });

  it('lets viewers read but not send, and a town-scoped operator command only their towns’ devices (403 with the reason)', async () => {
    const before = (await hub.get<CommandView[]>('/api/devices/cmd-brook/commands')).body.length;
    const byViewer = await sendCommand('cmd-ok', { name: 'ping' }, viewer);
    expect(byViewer.status).toBe(403);
    const outOfTown = await sendCommand('cmd-brook', { name: 'ping' }, ashford);
    expect([outOfTown.status, outOfTown.body.message]).toEqual([403, 'Device cmd-brook (water, Brookfield) is outside the scope of ash.op (towns Ashford)']);
    const configOutOfTown = await send<{ message: string }>(hub, 'PUT', '/api/devices/cmd-brook/config', ashford.headers, { intervalS: 5 });
    expect(configOutOfTown.status).toBe(403);
    expect((await send(hub, 'GET', '/api/devices/cmd-brook/commands', ashford.headers)).status).toBe(403);
    expect((await hub.get<CommandView[]>('/api/devices/cmd-brook/commands')).body).toHaveLength(before);

    const inTown = await sendCommand('cmd-ok', { name: 'ping' }, ashford);
    expect([inTown.status, inTown.body.createdBy]).toEqual([201, 'ash.op']);
    const readByViewer = await send<CommandView[]>(hub, 'GET', '/api/devices/cmd-ok/commands', viewer.headers);
    expect([readByViewer.status, readByViewer.body[0].id]).toEqual([200, inTown.body.id]);
    const invalid = await sendCommand('cmd-ok', { name: 'Set Interval', expiresIn: '9d', extra: 1 });
    expect(invalid.status).toBe(400);
    expect((invalid.body as unknown as { issues: unknown[] }).issues).toEqual([
      { field: 'extra', problem: 'is not a known field; allowed: name, args, expiresIn', code: 'unknown-field', params: { allowed: 'name, args, expiresIn' } },
      { field: 'name', problem: 'must match lower-case letters, digits, ., _ and - (1–64, starting with a letter or digit)', code: 'pattern' },
      { field: 'expiresIn', problem: 'must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 1s to 7d, got "9d"', code: 'duration', params: { min: '1s', max: '7d', got: '"9d"' } },
    ]);
    expect((await sendCommand('cmd-ghost', { name: 'ping' })).status).toBe(404);
  });

  it('dead-letters malformed replies and replies naming no command of this device, and keeps working', async () => {
    const { client } = await device('cmd-fail');
    await client.subscribeAsync(commandsOf('cmd-fail'), { qos: 1 });
    const other = (await hub.get<CommandView[]>('/api/devices/cmd-ok/commands')).body[0].id;
    const junk = ['not json', JSON.stringify({ id: 'x', ok: 'yes' }), JSON.stringify({ ok: true }), JSON.stringify({ id: 'abc', ok: false }), JSON.stringify({ id: other, ok: true })];
    for (const payload of junk) await client.publishAsync(replyTopic('cmd-fail'), payload, { qos: 1 });
    const letters = await waitFor(
      async () => (await hub.get<DeadLetterPage>('/api/dead-letters?device=cmd-fail')).body.items,
      (items) => items.length === junk.length,
      10_000,
      'the dead letters',
    );
    expect(letters.reverse().map(({ reason, detail, topic, payload }) => ({ reason, detail, topic, payload }))).toEqual([
      { reason: 'COMMAND_REPLY_INVALID', detail: 'not a JSON object of at most 16384 bytes', topic: replyTopic('cmd-fail'), payload: junk[0] },
      { reason: 'COMMAND_REPLY_INVALID', detail: 'needs "ok": true|false (or "status": "succeeded"|"failed"), not both', topic: replyTopic('cmd-fail'), payload: junk[1] },
      { reason: 'COMMAND_REPLY_INVALID', detail: '"id" must be the command id the hub sent', topic: replyTopic('cmd-fail'), payload: junk[2] },
      { reason: 'COMMAND_REPLY_INVALID', detail: 'a failed reply needs "error": a non-empty text', topic: replyTopic('cmd-fail'), payload: junk[3] },
      { reason: 'COMMAND_UNKNOWN', detail: `no command ${other} was sent to device cmd-fail`, topic: replyTopic('cmd-fail'), payload: junk[4] },
    ]);
    expect((await command('cmd-ok', other)).status).not.toBe('succeeded');
    expect((await sendCommand('cmd-fail', { name: 'ping' })).body.status).toBe('sent');
  });

  it('delivers the desired configuration retained and shows what the device reports as applied or differing; audited', async () => {
    const empty = (await hub.get<DeviceConfigView>('/api/devices/cmd-config/config')).body;
    expect(empty).toEqual({ deviceId: 'cmd-config', desired: null, desiredAt: null, desiredBy: null, reported: null, reportedAt: null, differs: false });
    const set = await send<DeviceConfigView>(hub, 'PUT', '/api/devices/cmd-config/config', operator.headers, { intervalS: 30, mode: 'eco' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ desired: { intervalS: 30, mode: 'eco' }, desiredBy: 'otto', reported: null, differs: true });
    expect((await send(hub, 'PUT', '/api/devices/cmd-config/config', viewer.headers, { intervalS: 1 })).status).toBe(403);
    expect((await send(hub, 'PUT', '/api/devices/cmd-config/config', operator.headers, [1])).status).toBe(400);

    const { client, received } = await device('cmd-config');
    await client.subscribeAsync(`sensors/${DOMAIN}/cmd-config/config`, { qos: 1 });
    await waitFor(async () => received.length, (count) => count === 1, 10_000, 'the retained config');
    expect(received[0]).toEqual({ topic: `sensors/${DOMAIN}/cmd-config/config`, payload: JSON.stringify({ intervalS: 30, mode: 'eco' }), retain: true, qos: 1 });

    const reportedTopic = `sensors/${DOMAIN}/cmd-config/config/reported`;
    await client.publishAsync(reportedTopic, JSON.stringify({ mode: 'eco', intervalS: 30 }), { qos: 1 });
    const applied = await waitFor(async () => (await hub.get<DeviceConfigView>('/api/devices/cmd-config/config')).body, (view) => view.reported !== null, 10_000, 'the reported config');
    expect(applied).toMatchObject({ reported: { mode: 'eco', intervalS: 30 }, reportedAt: expect.any(Number), differs: false });
    await client.publishAsync(reportedTopic, JSON.stringify({ intervalS: 60, mode: 'eco' }), { qos: 1 });
    const differing = await waitFor(async () => (await hub.get<DeviceConfigView>('/api/devices/cmd-config/config')).body, (view) => view.differs, 10_000, 'a differing report');
    expect(differing.reported).toEqual({ intervalS: 60, mode: 'eco' });
    expect(await audit('cmd-config')).toEqual([
      { actor: 'otto', action: 'device.config.set', targetId: 'cmd-config', detail: { desired: { intervalS: 30, mode: 'eco' }, previous: null } },
      { actor: 'cmd-config', action: 'device.config.report', targetId: 'cmd-config', detail: { reported: { mode: 'eco', intervalS: 30 }, differs: false } },
      { actor: 'cmd-config', action: 'device.config.report', targetId: 'cmd-config', detail: { reported: { intervalS: 60, mode: 'eco' }, differs: true } },
    ]);
  });

  it('drives the simulator: it reports its config, obeys set-interval with an ok reply, and applies a desired intervalS', async () => {
    const simulator = new DeviceSimulator(await provisioned(hub, { url: hub.mqttUrl, domains: ['water'], devicesPerDomain: 1, idPrefix: 'simcmd-', intervalMs: 1000, durationMs: 120_000, obeyCommands: true }));
    const configOf = async () => (await hub.get<DeviceConfigView>('/api/devices/simcmd-water-1/config')).body;
    try {
      await simulator.start();
      await waitFor(configOf, (view) => view.reported !== null, 10_000, 'the simulator’s first config report');
      expect((await configOf()).reported).toEqual({ intervalS: 1 });

      const { body } = await sendCommand('simcmd-water-1', { name: 'set-interval', args: { seconds: 5 } });
      expect(await untilStatus('simcmd-water-1', body.id, 'succeeded')).toMatchObject({ result: { intervalS: 5 }, deliveredAt: expect.any(Number) });
      await waitFor(configOf, (view) => (view.reported as { intervalS?: number } | null)?.intervalS === 5, 10_000, 'the new interval reported');
      const refused = (await sendCommand('simcmd-water-1', { name: 'set-interval', args: { seconds: 0 } })).body;
      expect(await untilStatus('simcmd-water-1', refused.id, 'failed')).toMatchObject({ error: 'args.seconds must be a whole number from 1 to 3600' });

      expect((await send(hub, 'PUT', '/api/devices/simcmd-water-1/config', operator.headers, { intervalS: 2 })).status).toBe(200);
      const applied = await waitFor(configOf, (view) => !view.differs, 10_000, 'the desired interval applied');
      expect([applied.desired, applied.reported]).toEqual([{ intervalS: 2 }, { intervalS: 2 }]);
    } finally {
      await simulator.stop();
    }
  });

  it('keeps queued commands and desired configuration across a restart of the service', async () => {
    const { body } = await sendCommand('cmd-restart', { name: 'set-interval', args: { seconds: 15 } });
    expect(body.status).toBe('queued');
    expect((await send(hub, 'PUT', '/api/devices/cmd-restart/config', operator.headers, { intervalS: 15 })).status).toBe(200);
    expect(await hub.stop()).toBe(0);
    await hub.launch();
    operator = await login(hub, 'otto', PASSWORD);
    expect(await command('cmd-restart', body.id)).toMatchObject({ status: 'queued', args: { seconds: 15 } });

    const { client, received } = await device('cmd-restart');
    await client.subscribeAsync([commandsOf('cmd-restart'), `sensors/${DOMAIN}/cmd-restart/config`], { qos: 1 });
    const isConfig = (topic: string): boolean => topic === `sensors/${DOMAIN}/cmd-restart/config`;
    await waitFor(
      async () => [...received],
      (seen) => seen.some(({ topic }) => isConfig(topic)) && seen.some(({ topic }) => topic === commandsOf('cmd-restart')),
      10_000,
      'the command and the config after the restart',
    );
    // The config is published again when the device connects: retained for its SUBSCRIBE, or live if that came first —
    // or both, when the SUBSCRIBE lands while aedes is storing the retained copy (a desired config is a state, so
    // applying it twice is harmless). The command goes out once.
    expect(received.filter(({ topic }) => !isConfig(topic)).map(({ topic, payload }) => [topic, JSON.parse(payload).id])).toEqual([[commandsOf('cmd-restart'), body.id]]);
    expect([...new Set(received.filter(({ topic }) => isConfig(topic)).map(({ payload }) => payload))]).toEqual([JSON.stringify({ intervalS: 15 })]);
    await client.publishAsync(replyTopic('cmd-restart'), JSON.stringify({ id: body.id, status: 'succeeded' }), { qos: 1 });
    expect(await untilStatus('cmd-restart', body.id, 'succeeded')).toMatchObject({ result: null });
  });
});
