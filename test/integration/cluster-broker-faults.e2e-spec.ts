import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { metricValue } from '../harness/mqtt-perimeter';
import { PostgresProcess } from '../harness/postgres-process';
import { deviceLogin, subscriberLogin } from '../harness/provision';
import { RedisProcess } from '../harness/redis-process';
import { waitFor } from '../harness/wait-for';

/**
 * Faults of the MQTT fabric between two hub nodes: Redis restarted under them (the fabric pauses, nothing crashes,
 * sessions survive, and no node takes the other for dead), and a device of a killed node that reconnects to the
 * survivor before the dead node's wills are looked for (its old will must not say `offline` for it).
 */
const DATABASE = 'cluster_broker_faults';
const STATUS = 'sensors/water/f-w-1/status';

type Login = { clientId: string; username: string; password: string };

describe('MQTT fabric faults with two hub nodes (real redis-server, PostgreSQL, influxd)', () => {
  let redis: RedisProcess;
  let postgres: PostgresProcess;
  let influxd: InfluxdProcess;
  let nodeA: HubProcess;
  let nodeB: HubProcess;
  const logins = new Map<string, Login>();
  const open: MqttClient[] = [];

  const client = async (node: HubProcess, name: string, options: IClientOptions = {}): Promise<MqttClient> => {
    const connected = await connectAsync(node.mqttUrl, { ...(logins.get(name) as Login), reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    open.push(connected);
    return connected;
  };
  const metric = async (node: HubProcess, name: string) => metricValue((await node.get<string>('/metrics')).body, name);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const will = { topic: STATUS, payload: Buffer.from('offline'), qos: 1 as const, retain: true };

  beforeAll(async () => {
    [redis, postgres, influxd] = await Promise.all([RedisProcess.start({ appendOnly: true }), PostgresProcess.start(), InfluxdProcess.start()]);
    const database = await postgres.createDatabase({ name: 'hub' });
    const env = (nodeId: string) => ({ HUB_NODE_ID: nodeId, HUB_DATABASE_URL: database.url, HUB_REDIS_URL: redis.url, INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms' });
    nodeA = await HubProcess.start(env('node-a'));
    logins.set('f-w-1', await deviceLogin(nodeA, 'f-w-1', 'water'));
    logins.set('watch', await subscriberLogin(nodeA, 'watch'));
    nodeB = await HubProcess.start(env('node-b'));
  }, 60_000);

  afterEach(async () => {
    // A clean DISCONNECT: their wills are dropped, not published.
    await Promise.all(open.splice(0).map((connection) => connection.endAsync().catch(() => undefined)));
  });

  afterAll(async () => {
    await nodeB?.cleanup();
    await nodeA?.cleanup();
    await Promise.all([redis?.cleanup(), influxd?.cleanup(), postgres?.cleanup()]);
  });

  it('pauses through a Redis restart: no node crashes or publishes a live device’s will, the persistent session and fan-out resume', async () => {
    const watcher = await client(nodeB, 'watch', { clean: false });
    await watcher.subscribeAsync('sensors/water/f-w-1/#', { qos: 1 });
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic.split('/').pop()} ${payload.toString()}`));
    const device = await client(nodeA, 'f-w-1', { will });
    await device.publishAsync(STATUS, 'online', { qos: 1, retain: true });
    await waitFor(async () => seen.length, (count) => count >= 1, 5_000, 'online on node B');

    await redis.stop();
    await pause(3_000);
    await redis.restart();
    // Longer than a broker's death takes to be noticed (3 heartbeats) plus a round of wills (4), after the outage.
    await pause(9_000);
    expect([nodeA.exitCode, nodeB.exitCode]).toEqual([null, null]);
    expect([device.connected, watcher.connected]).toEqual([true, true]);
    await device.publishAsync('sensors/water/f-w-1/telemetry', JSON.stringify({ ts: Date.now() - 1_000, metrics: { pressure_kpa: 301 } }), { qos: 1 });
    await waitFor(async () => seen.length, (count) => count >= 2, 10_000, 'telemetry on node B after the restart');
    await pause(300);
    expect({ count: seen.length, seen }).toEqual({ count: 2, seen: ['status online', expect.stringMatching(/^telemetry \{.*"pressure_kpa":301\}/)] });
    expect((await metric(nodeA, 'hub_mqtt_departed_wills_published_total')) + (await metric(nodeB, 'hub_mqtt_departed_wills_published_total'))).toBe(0);
    expect(await metric(nodeB, 'hub_mqtt_cluster_redis_errors_total')).toBeGreaterThan(0);

    // The session outlived the restart (append-only file): back on node A, it is present.
    await watcher.endAsync();
    const sessionPresent = await new Promise<boolean>((resolve) => {
      const probe = connect(nodeA.mqttUrl, { ...(logins.get('watch') as Login), clean: false, reconnectPeriod: 0 });
      open.push(probe);
      probe.once('connect', (connack) => resolve(connack.sessionPresent));
    });
    expect(sessionPresent).toBe(true);
  }, 40_000);

  it('does not publish a killed node’s will for a device that has meanwhile connected to the surviving node', async () => {
    const watcher = await client(nodeB, 'watch', { clean: true });
    const statuses: string[] = [];
    watcher.on('message', (_topic, payload) => statuses.push(payload.toString()));
    await watcher.subscribeAsync(STATUS, { qos: 1 });
    await pause(300);
    const supersededBefore = await metric(nodeB, 'hub_mqtt_departed_wills_superseded_total');
    const device = await client(nodeA, 'f-w-1', { will });
    await device.publishAsync(STATUS, 'online', { qos: 1, retain: true });

    await nodeA.kill();
    const moved = await client(nodeB, 'f-w-1', { will });
    await moved.publishAsync(STATUS, 'online', { qos: 1, retain: true });
    // Past the 3–7 s in which node B publishes the dead node's wills.
    await pause(9_000);
    // The retained `online` (the first test's) when run with it, then node A's and node B's; never `offline`.
    expect({ last: statuses.slice(-2), other: statuses.filter((status) => status !== 'online'), statuses }).toEqual({ last: ['online', 'online'], other: [], statuses: expect.any(Array) });
    expect((await metric(nodeB, 'hub_mqtt_departed_wills_superseded_total')) - supersededBefore).toBe(1);
    expect(await metric(nodeB, 'hub_mqtt_departed_wills_published_total')).toBe(0);
    // A graceful stop of a clustered node completes (closing the fabric's persistence and emitter does not hang it).
    await Promise.all(open.splice(0).map((connection) => connection.endAsync().catch(() => undefined)));
    const stopping = Date.now();
    expect(await nodeB.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 40_000);

  it('stops gracefully while Redis is down: QUITs queued behind waiting commands do not hold the process', async () => {
    await nodeB.launch();
    const device = await client(nodeB, 'f-w-1', { clean: false, will });
    await device.subscribeAsync('sensors/water/f-w-1/config', { qos: 1 });
    await redis.stop();
    // Redis work waiting on every connection of the fabric and the bus (ioredis queues it until Redis is back).
    await device.publishAsync(STATUS, 'online', { qos: 0, retain: true });
    await pause(1_000);
    const stopping = Date.now();
    const code = await nodeB.stop();
    expect({ code, output: code === 0 ? '' : nodeB.output.slice(-4_000) }).toEqual({ code: 0, output: '' });
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 40_000);
});
