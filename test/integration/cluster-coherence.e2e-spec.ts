import { Redis } from 'ioredis';
import { connectAsync, type MqttClient } from 'mqtt';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { closedByBroker, connackCode } from '../harness/mqtt-login';
import { createOperator, login, send } from '../harness/operators';
import { PostgresProcess } from '../harness/postgres-process';
import { provisionDevice, subscriberLogin } from '../harness/provision';
import { RedisProcess } from '../harness/redis-process';
import { waitFor } from '../harness/wait-for';

const CONNACK = { accepted: 0, badUsernameOrPassword: 4, notAuthorized: 5 };

/**
 * Two hub nodes on one PostgreSQL database and one Redis (issue 21, points 1 and 5). Each keeps in-memory copies of
 * shared rows; a change committed through one must reach the other's copy, and a credential revoked through one must
 * close the connections it has on the other within a second, the old secret refused there from then on. MQTT is still
 * per node here: a device connects to B, its credential is changed through A's API.
 */
describe('cluster coherence: two hub nodes on one PostgreSQL and one Redis', () => {
  let postgres: PostgresProcess;
  let redis: RedisProcess;
  let influxd: InfluxdProcess;
  let a: HubProcess;
  let b: HubProcess;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    [postgres, redis, influxd] = await Promise.all([PostgresProcess.start(), RedisProcess.start(), InfluxdProcess.start()]);
    const database = await postgres.createDatabase();
    // The same HUB_DATABASE_URL for both: HubProcess makes a database of its own only when none is given.
    const env = (node: string) => ({ HUB_NODE_ID: node, HUB_DATABASE_URL: database.url, HUB_REDIS_URL: redis.url, INFLUX_URL: influxd.url, INFLUX_DATABASE: 'cluster_coherence', HUB_ALERT_DEFAULT_RULES: 'off' });
    [a, b] = await Promise.all([HubProcess.start(env('a')), HubProcess.start(env('b'))]);
  });

  afterAll(async () => {
    await Promise.all(open.map((client) => client.endAsync(true)));
    await Promise.all([a?.cleanup(), b?.cleanup()]);
    await Promise.all([redis?.cleanup(), influxd?.cleanup(), postgres?.cleanup()]);
  });

  /** A device provisioned through A, connected to B as soon as B's registry has it (within a second). */
  async function connectedToB(deviceId: string): Promise<{ client: MqttClient; secret: string }> {
    const secret = await provisionDevice(a, deviceId, 'water');
    const login = { clientId: deviceId, username: deviceId, password: secret };
    await waitFor(() => connackCode(b.mqttUrl, login), (code) => code === CONNACK.accepted, 1_000, `B admits ${deviceId}, provisioned through A`);
    const client = await connectAsync(b.mqttUrl, { ...login, clean: true, reconnectPeriod: 0 });
    open.push(client);
    return { client, secret };
  }

  /** Runs `change` on A and answers how long B took to close `client` after A answered. */
  async function closedOnB(client: MqttClient, change: () => Promise<number>, expectedStatus: number): Promise<number> {
    const closed = closedByBroker(client);
    expect(await change()).toBe(expectedStatus);
    const answered = Date.now();
    await closed;
    return Date.now() - answered;
  }

  it('a secret revoked through A closes the device on B within a second, and B refuses the old secret (CONNACK 4)', async () => {
    const { client, secret } = await connectedToB('coh-revoked');
    const took = await closedOnB(client, async () => (await a.request('DELETE', '/api/devices/coh-revoked/secret')).status, 200);
    expect(took).toBeLessThan(1_000);
    expect(await connackCode(b.mqttUrl, { clientId: 'coh-revoked', username: 'coh-revoked', password: secret })).toBe(CONNACK.badUsernameOrPassword);
  });

  it('a secret rotated through A: closed on B, the old secret refused there and the new one admitted', async () => {
    const { client, secret } = await connectedToB('coh-rotated');
    let fresh = '';
    const took = await closedOnB(
      client,
      async () => {
        const answer = await a.request<{ secret: string }>('POST', '/api/devices/coh-rotated/secret');
        fresh = answer.body.secret;
        return answer.status;
      },
      201,
    );
    expect(took).toBeLessThan(1_000);
    const login = { clientId: 'coh-rotated', username: 'coh-rotated' };
    expect(await connackCode(b.mqttUrl, { ...login, password: secret })).toBe(CONNACK.badUsernameOrPassword);
    expect(await connackCode(b.mqttUrl, { ...login, password: fresh })).toBe(CONNACK.accepted);
  });

  it('a device disabled through A: closed on B and refused there as not authorized (CONNACK 5) until enabled again through A', async () => {
    const { client, secret } = await connectedToB('coh-disabled');
    const took = await closedOnB(client, async () => (await a.request('PATCH', '/api/devices/coh-disabled', { enabled: false })).status, 200);
    expect(took).toBeLessThan(1_000);
    const login = { clientId: 'coh-disabled', username: 'coh-disabled', password: secret };
    expect(await connackCode(b.mqttUrl, login)).toBe(CONNACK.notAuthorized);
    expect((await a.request('PATCH', '/api/devices/coh-disabled', { enabled: true })).status).toBe(200);
    await waitFor(() => connackCode(b.mqttUrl, login), (code) => code === CONNACK.accepted, 1_000, 'B admits the device enabled again through A');
  });

  it('a device deleted through A: closed on B and unknown there (CONNACK 4)', async () => {
    const { client, secret } = await connectedToB('coh-deleted');
    const took = await closedOnB(client, async () => (await a.request('DELETE', '/api/devices/coh-deleted')).status, 204);
    expect(took).toBeLessThan(1_000);
    expect(await connackCode(b.mqttUrl, { clientId: 'coh-deleted', username: 'coh-deleted', password: secret })).toBe(CONNACK.badUsernameOrPassword);
    expect((await b.get('/api/devices/coh-deleted')).status).toBe(404);
  });

  it('an integration client created through A connects to B; revoked through A, it is closed on B and refused there', async () => {
    const login = await subscriberLogin(a, 'coherence');
    await waitFor(() => connackCode(b.mqttUrl, login), (code) => code === CONNACK.accepted, 1_000, 'B admits the integration client created through A');
    const client = await connectAsync(b.mqttUrl, { ...login, clean: true, reconnectPeriod: 0 });
    open.push(client);
    const took = await closedOnB(client, async () => (await a.request('DELETE', `/api/mqtt-clients/${login.username}/secret`)).status, 200);
    expect(took).toBeLessThan(1_000);
    // A known client whose secret was revoked: not authorized (IntegrationAccessPolicy), as on one node.
    expect(await connackCode(b.mqttUrl, login)).toBe(CONNACK.notAuthorized);
  });

  it('a command queued and a configuration set through A reach the device connected to B', async () => {
    const { client } = await connectedToB('coh-commanded');
    const received: Array<{ topic: string; payload: string }> = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
    await client.subscribeAsync(['sensors/water/coh-commanded/commands', 'sensors/water/coh-commanded/config'], { qos: 1 });
    const queued = await a.request<{ id: string; status: string; expiresAt: number }>('POST', '/api/devices/coh-commanded/commands', { name: 'set-interval', args: { seconds: 10 }, expiresIn: '10m' });
    expect(queued.status).toBe(201);
    // A holds no connection of the device: queued there, sent by B.
    expect(queued.body.status).toBe('queued');
    expect((await a.request('PUT', '/api/devices/coh-commanded/config', { intervalS: 30 })).status).toBe(200);
    await waitFor(async () => received.length, (count) => count === 2, 1_000, 'the command and the configuration at the device on B');
    // Each goes out as soon as B has read it: in either order.
    expect([...received].sort((x, y) => x.topic.localeCompare(y.topic))).toEqual([
      { topic: 'sensors/water/coh-commanded/commands', payload: JSON.stringify({ id: queued.body.id, name: 'set-interval', args: { seconds: 10 }, expiresAt: queued.body.expiresAt }) },
      { topic: 'sensors/water/coh-commanded/config', payload: JSON.stringify({ intervalS: 30 }) },
    ]);
    await waitFor(async () => (await a.get<Array<{ id: string; status: string }>>('/api/devices/coh-commanded/commands')).body.map((command) => command.status), (statuses) => statuses[0] === 'delivered', 2_000, 'the command delivered (B saw its PUBACK)');
  });

  it('an operator created through A logs in on B; disabled through B, refused on A', async () => {
    await createOperator(a, { username: 'coh.operator', password: 'a long enough passphrase', role: 'operator' });
    const session = await login(b, 'coh.operator', 'a long enough passphrase');
    expect((await send<{ name: string }>(b, 'GET', '/api/auth/me', session.headers)).body).toMatchObject({ name: 'coh.operator' });
    expect((await b.request('PATCH', '/api/operators/coh.operator', { disabled: true })).status).toBe(200);
    expect((await send(a, 'POST', '/api/auth/login', {}, { username: 'coh.operator', password: 'a long enough passphrase' })).status).toBe(401);
    // Its session ended everywhere: sessions are rows, asked on every request.
    expect((await send(a, 'GET', '/api/auth/me', session.headers)).status).toBe(401);
  });

  it('a contact point created through A is routed to by the tree put through B, and A serves that tree', async () => {
    expect((await a.request('POST', '/api/contact-points', { name: 'coh-hook', kind: 'webhook', settings: { url: 'http://127.0.0.1:9/coh' } })).status).toBe(201);
    const tree = { routes: [{ matchers: { domains: ['water'] }, contactPoints: ['coh-hook'], groupWaitMs: 0, repeatIntervalMs: 0 }] };
    const put = await waitFor(() => b.request<unknown>('PUT', '/api/notification-policies', tree), (answer) => answer.status === 200, 1_000, 'B knows the contact point created through A');
    expect(put.status).toBe(200);
    await waitFor(
      async () => (await a.get<{ routes: Array<{ contactPoints: string[] }> }>('/api/notification-policies')).body.routes.map((route) => route.contactPoints),
      (routes) => JSON.stringify(routes) === JSON.stringify([['coh-hook']]),
      1_000,
      'A serves the tree put through B',
    );
  });

  it('a profile and a village created through A are accepted for a device provisioned through B', async () => {
    const profile = { id: 'coh-profile', name: 'Coherence meter', domain: 'water', decoder: { kind: 'script', source: 'function decodeUplink(input) { return { data: { flow_m3h: input.bytes[0] } }; }', mapping: { metrics: { flow_m3h: { expr: 'flow_m3h' } } } } };
    expect((await a.request('POST', '/api/device-profiles', profile)).status).toBe(201);
    expect((await a.request('POST', '/api/areas', { name: 'Cohton' })).status).toBe(201);
    expect((await a.request('POST', '/api/areas', { name: 'Mill End', parent: 'Cohton' })).status).toBe(201);
    const device = { deviceId: 'coh-profiled', domain: 'water', profileId: 'coh-profile', town: 'Cohton', village: 'Mill End' };
    const created = await waitFor(() => b.request('POST', '/api/devices', device), (answer) => answer.status !== 400, 1_000, 'B knows the profile and the village created through A');
    expect(created.status).toBe(201);
  });

  it('a change B missed while cut off from Redis reaches it when the link is back (every cache reloaded)', async () => {
    // B's subscriber connection is killed and cannot come back while Redis asks for a password; A's connections
    // (authenticated before) stay up, so A's message goes out and B misses it.
    const admin = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, retryStrategy: () => null });
    admin.on('error', () => undefined);
    const clients = String(await admin.call('CLIENT', 'LIST')).split('\n');
    const subscriberOfB = clients.map((line) => /\bid=(\d+)\b.*\bname=b:bus-sub\b/.exec(line)).find((match) => match !== null);
    expect(subscriberOfB).toBeDefined();
    await admin.call('CONFIG', 'SET', 'requirepass', 'coherence-cut');
    await admin.call('CLIENT', 'KILL', 'ID', subscriberOfB![1]);
    const profile = { id: 'coh-missed', name: 'Missed while cut off', domain: 'water', decoder: { kind: 'script', source: 'function decodeUplink(input) { return { data: { flow_m3h: input.bytes[0] } }; }', mapping: { metrics: { flow_m3h: { expr: 'flow_m3h' } } } } };
    expect((await a.request('POST', '/api/device-profiles', profile)).status).toBe(201);
    const device = { deviceId: 'coh-missed-1', domain: 'water', profileId: 'coh-missed' };
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.request('POST', '/api/devices', device)).status).toBe(400);
    await admin.call('CONFIG', 'SET', 'requirepass', '');
    admin.disconnect();
    const created = await waitFor(() => b.request('POST', '/api/devices', device), (answer) => answer.status !== 400, 5_000, 'B reloads its caches once its link to Redis is back');
    expect(created.status).toBe(201);
  });
});
