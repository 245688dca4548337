import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { metricValue } from '../harness/mqtt-perimeter';
import { PostgresProcess } from '../harness/postgres-process';
import { deviceLogin, subscriberLogin } from '../harness/provision';
import { RedisProcess } from '../harness/redis-process';
import { waitFor } from '../harness/wait-for';

/**
 * Two hub nodes on one PostgreSQL database and one Redis: the MQTT broker of each is one broker of the cluster
 * (aedes-persistence-redis, mqemitter-redis). Devices and integration clients are provisioned on node A before node B
 * starts (registry changes between nodes are another part's work), then used on either node.
 */
const DATABASE = 'cluster_broker';
const QUEUE_LIMIT = 10;

type Login = { clientId: string; username: string; password: string };

describe('MQTT across two hub nodes on Redis (real redis-server, PostgreSQL, influxd)', () => {
  let redis: RedisProcess;
  let postgres: PostgresProcess;
  let influxd: InfluxdProcess;
  let nodeA: HubProcess;
  let nodeB: HubProcess;
  const logins = new Map<string, Login>();
  const open: MqttClient[] = [];
  /** Subscribed on node A before node B started: a clean session (B hears of it by its birth) and a persistent one, away. */
  let early: MqttClient;
  const earlyReceived: number[] = [];

  const login = (name: string): Login => logins.get(name) as Login;
  const client = async (node: HubProcess, name: string, options: IClientOptions = {}): Promise<MqttClient> => {
    const connected = await connectAsync(node.mqttUrl, { ...login(name), reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    open.push(connected);
    return connected;
  };
  const telemetry = (value: number) => JSON.stringify({ ts: Date.now() - 60_000 + value, metrics: { pressure_kpa: value } });
  const pressures = (into: number[]) => (_topic: string, payload: Buffer) => into.push((JSON.parse(payload.toString()) as { metrics: { pressure_kpa: number } }).metrics.pressure_kpa);
  const metric = async (node: HubProcess, name: string) => metricValue((await node.get<string>('/metrics')).body, name);

  beforeAll(async () => {
    [redis, postgres, influxd] = await Promise.all([RedisProcess.start({ appendOnly: true }), PostgresProcess.start(), InfluxdProcess.start()]);
    const database = await postgres.createDatabase({ name: 'hub' });
    const env = (nodeId: string) => ({
      HUB_NODE_ID: nodeId,
      HUB_DATABASE_URL: database.url,
      HUB_REDIS_URL: redis.url,
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_MQTT_OFFLINE_QUEUE_LIMIT: String(QUEUE_LIMIT),
    });
    nodeA = await HubProcess.start(env('node-a'));
    for (const deviceId of ['early-w-1', 'seed-w-1', 'fan-w-1', 'keep-w-1', 'move-w-1', 'take-w-1', 'cap-w-1', 'cap-w-2', 'will-w-1', 'hand-w-1']) logins.set(deviceId, await deviceLogin(nodeA, deviceId, 'water'));
    for (const name of ['early', 'seed', 'fan', 'keep', 'move', 'cap', 'will', 'hand', 'hand-late']) logins.set(name, await subscriberLogin(nodeA, name));
    early = await connectAsync(nodeA.mqttUrl, { ...login('early'), reconnectPeriod: 0 });
    await early.subscribeAsync('sensors/water/early-w-1/telemetry', { qos: 1 });
    early.on('message', pressures(earlyReceived));
    const seeded = await connectAsync(nodeA.mqttUrl, { ...login('seed'), clean: false, reconnectPeriod: 0 });
    await seeded.subscribeAsync('sensors/water/seed-w-1/telemetry', { qos: 1 });
    await seeded.endAsync();
    nodeB = await HubProcess.start(env('node-b'));
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.endAsync(true).catch(() => undefined)));
  });

  afterAll(async () => {
    await early?.endAsync(true);
    await nodeB?.cleanup();
    await nodeA?.cleanup();
    await Promise.all([redis?.cleanup(), influxd?.cleanup(), postgres?.cleanup()]);
  });

  it('delivers QoS 1 messages published on node A to a subscriber on node B (A forwards: its index knows B’s subscription)', async () => {
    const subscriber = await client(nodeB, 'fan');
    await subscriber.subscribeAsync('sensors/water/fan-w-1/telemetry', { qos: 1 });
    const received: number[] = [];
    subscriber.on('message', pressures(received));
    // A subscription on another node counts on A one Redis round trip after its SUBACK.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const device = await client(nodeA, 'fan-w-1');
    for (let value = 1; value <= 20; value++) await device.publishAsync('sensors/water/fan-w-1/telemetry', telemetry(value), { qos: 1 });
    await waitFor(async () => received.length, (count) => count >= 20, 5_000, '20 messages on node B');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });

  it('forwards from node B, started later, to the subscribers node A had before: a clean session (by B’s birth) and an away persistent one (from Redis)', async () => {
    const onB = await client(nodeB, 'early-w-1');
    for (let value = 1; value <= 5; value++) await onB.publishAsync('sensors/water/early-w-1/telemetry', telemetry(value), { qos: 1 });
    const seedDevice = await client(nodeB, 'seed-w-1');
    for (let value = 1; value <= 4; value++) await seedDevice.publishAsync('sensors/water/seed-w-1/telemetry', telemetry(value), { qos: 1 });
    await waitFor(async () => earlyReceived.length, (count) => count >= 5, 5_000, '5 messages from node B on node A');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queued: number[] = [];
    const back = connect(nodeA.mqttUrl, { ...login('seed'), clean: false, reconnectPeriod: 0 });
    open.push(back);
    back.on('message', pressures(queued));
    await waitFor(async () => queued.length, (count) => count >= 4, 5_000, '4 queued messages');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect({ early: earlyReceived, queued }).toEqual({ early: [1, 2, 3, 4, 5], queued: [1, 2, 3, 4] });
  });

  it('delivers on node B a retained message set on node A', async () => {
    const device = await client(nodeA, 'keep-w-1');
    await device.publishAsync('sensors/water/keep-w-1/status', 'online', { qos: 1, retain: true });
    // The PUBACK precedes the fan-out and the retained store (aedes acknowledges once authorizePublish has called back).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const subscriber = await client(nodeB, 'keep');
    const received: Array<{ payload: string; retain: boolean }> = [];
    subscriber.on('message', (_topic, payload, packet) => received.push({ payload: payload.toString(), retain: packet.retain }));
    await subscriber.subscribeAsync('sensors/water/keep-w-1/status', { qos: 1 });
    await waitFor(async () => received.length, (count) => count >= 1, 5_000, 'the retained status on node B');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([{ payload: 'online', retain: true }]);
  });

  it('gives a persistent subscriber that moves from node A to node B its session and the QoS 1 messages queued meanwhile', async () => {
    const first = await client(nodeA, 'move', { clean: false });
    await first.subscribeAsync('sensors/water/move-w-1/telemetry', { qos: 1 });
    await first.endAsync();
    const device = await client(nodeA, 'move-w-1');
    for (let value = 1; value <= 7; value++) await device.publishAsync('sensors/water/move-w-1/telemetry', telemetry(value), { qos: 1 });
    // The PUBACK precedes the queueing: a subscriber back within that moment may get the last one twice (QoS 1).
    await new Promise((resolve) => setTimeout(resolve, 300));

    const received: number[] = [];
    let sessionPresent: boolean | null = null;
    // Listening before the CONNACK: the queued messages follow it at once.
    const moved = connect(nodeB.mqttUrl, { ...login('move'), clean: false, reconnectPeriod: 0 });
    open.push(moved);
    moved.on('connect', (connack) => (sessionPresent = connack.sessionPresent));
    moved.on('message', pressures(received));
    await waitFor(async () => received.length, (count) => count >= 7, 5_000, '7 queued messages on node B');
    // The session came along: what is published now reaches it on node B without a new SUBSCRIBE.
    await device.publishAsync('sensors/water/move-w-1/telemetry', telemetry(8), { qos: 1 });
    await waitFor(async () => received.length, (count) => count >= 8, 5_000, 'a live message after the move');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sessionPresent).toBe(true);
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('closes the connection on node A when the same client id connects to node B', async () => {
    const older = await client(nodeA, 'take-w-1');
    const closed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    const newer = await client(nodeB, 'take-w-1');
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(older.connected).toBe(false);
    expect(newer.connected).toBe(true);
  });

  it('publishes no will for a device whose connection on node A is closed because it connected to node B: `online` stays retained', async () => {
    const topic = 'sensors/water/hand-w-1/status';
    const watcher = await client(nodeA, 'hand');
    const seen: string[] = [];
    watcher.on('message', (received, payload) => received === topic && seen.push(payload.toString()));
    await watcher.subscribeAsync(topic, { qos: 1 });
    const will = { topic, payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const older = await client(nodeA, 'hand-w-1', { will });
    await older.publishAsync(topic, 'online', { qos: 1, retain: true });
    const closed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    // B answers CONNACK before A hears of the new connection (a Redis hop later): `online` goes out first.
    const newer = await client(nodeB, 'hand-w-1', { will });
    await newer.publishAsync(topic, 'online', { qos: 1, retain: true });
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(seen).toEqual(['online', 'online']);
    const late = await client(nodeA, 'hand-late');
    const retained: string[] = [];
    late.on('message', (received, payload) => received === topic && retained.push(payload.toString()));
    await late.subscribeAsync(topic, { qos: 1 });
    await waitFor(async () => retained.length, (count) => count >= 1, 5_000, 'the retained status');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retained).toEqual(['online']);
    expect(await metric(nodeA, 'hub_mqtt_departed_wills_superseded_total')).toBe(1);
  }, 20_000);

  it('caps a persistent session’s offline queue across nodes: messages queued on A and on B count together', async () => {
    const first = await client(nodeB, 'cap', { clean: false });
    await first.subscribeAsync('sensors/water/+/telemetry', { qos: 1 });
    await first.endAsync();
    const droppedBefore = (await metric(nodeA, 'hub_mqtt_offline_messages_dropped_total')) + (await metric(nodeB, 'hub_mqtt_offline_messages_dropped_total'));
    const onA = await client(nodeA, 'cap-w-1');
    const onB = await client(nodeB, 'cap-w-2');
    for (let value = 1; value <= 8; value++) {
      await onA.publishAsync('sensors/water/cap-w-1/telemetry', telemetry(value), { qos: 1 });
      await onB.publishAsync('sensors/water/cap-w-2/telemetry', telemetry(100 + value), { qos: 1 });
    }
    const dropped = (await metric(nodeA, 'hub_mqtt_offline_messages_dropped_total')) + (await metric(nodeB, 'hub_mqtt_offline_messages_dropped_total')) - droppedBefore;

    const received: number[] = [];
    const back = connect(nodeA.mqttUrl, { ...login('cap'), clean: false, reconnectPeriod: 0 });
    open.push(back);
    back.on('message', pressures(received));
    await waitFor(async () => received.length, (count) => count >= QUEUE_LIMIT, 5_000, `${QUEUE_LIMIT} queued messages`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The first ten published, alternating between the nodes, in order; the six after them counted, not kept.
    expect(received).toEqual([1, 101, 2, 102, 3, 103, 4, 104, 5, 105]);
    expect(dropped).toBe(16 - QUEUE_LIMIT);
  });

  it('publishes the will of a device on a node killed with SIGKILL from the surviving node, accepted (no dead letter)', async () => {
    const subscriber = await client(nodeB, 'will');
    const statuses: string[] = [];
    subscriber.on('message', (_topic, payload) => statuses.push(payload.toString()));
    await subscriber.subscribeAsync('sensors/water/will-w-1/status', { qos: 1 });
    const device = await client(nodeA, 'will-w-1', { will: { topic: 'sensors/water/will-w-1/status', payload: Buffer.from('offline'), qos: 1, retain: true } });
    await device.publishAsync('sensors/water/will-w-1/status', 'online', { qos: 1, retain: true });
    await waitFor(async () => statuses.length, (count) => count >= 1, 5_000, 'online on node B');

    await nodeA.kill();
    const killedAt = Date.now();
    await waitFor(async () => statuses.length, (count) => count >= 2, 12_000, 'the will on node B').catch(async (error: unknown) => {
      console.log(nodeB.output.slice(-6000));
      console.log((await nodeB.get<string>('/metrics')).body.split('\n').filter((line) => line.startsWith('hub_mqtt_')).join('\n'));
      throw error;
    });
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(`will of a device on a killed node published by the survivor ${seconds.toFixed(1)} s after the kill`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statuses).toEqual(['online', 'offline']);
    expect(seconds).toBeLessThan(10);
    expect(await metric(nodeB, 'hub_mqtt_departed_wills_published_total')).toBe(1);
    const letters = await nodeB.get<{ matching: number }>('/api/dead-letters?device=will-w-1');
    expect(letters.status).toBe(200);
    expect(letters.body.matching).toBe(0);
    // Retained the normal way: a subscriber arriving later is told `offline`.
    const late = await client(nodeB, 'keep');
    const retained: string[] = [];
    late.on('message', (_topic, payload) => retained.push(payload.toString()));
    await late.subscribeAsync('sensors/water/will-w-1/status', { qos: 1 });
    await waitFor(async () => retained.length, (count) => count >= 1, 5_000, 'the retained will');
    expect(retained).toEqual(['offline']);
  }, 30_000);
});
