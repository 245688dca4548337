import { connect as connectTcp } from 'node:net';
import { MqttClient } from 'mqtt';
import type { HubLiveness } from '@hub/api-types';
import { freePort } from '../harness/free-port';
import { HaproxyProcess, haproxyNode } from '../harness/haproxy-process';
import { HubProcess } from '../harness/hub-process';
import { PostgresProcess } from '../harness/postgres-process';
import { provisionDevices } from '../harness/provision';
import { SseReader } from '../harness/sse-reader';
import { waitFor } from '../harness/wait-for';

/**
 * The generated HAProxy configuration in front of two real hub nodes (one PostgreSQL database; no InfluxDB, so that
 * /api/health answers 503 all along while the liveness checks keep both nodes in): PROXY v2 gives the nodes the
 * devices' own addresses, MQTT sticks by client id, a frozen node is taken out and its devices move, HTTP goes
 * round-robin, and the console's event stream outlives the API's timeout.
 *
 * Clients connect from other loopback addresses (127.0.0.2…) than HAProxy's own 127.0.0.1, so that a node seeing the
 * balancer's address instead of the device's shows.
 */
const HTTP_TIMEOUT_MS = 2_000;
const DEVICES = ['lb-w-1', 'lb-w-2', 'lb-w-3', 'lb-w-4', 'lb-w-5'];

describe('HAProxy in front of two hub nodes (generated configuration, PROXY v2, liveness checks)', () => {
  let postgres: PostgresProcess;
  const nodes: HubProcess[] = [];
  let haproxy: HaproxyProcess;
  let secrets: Map<string, string>;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    postgres = await PostgresProcess.start();
    const { url } = await postgres.createDatabase();
    const closedInfluxPort = await freePort();
    const start = async (nodeId: string, sameKeyAs?: HubProcess) =>
      HubProcess.start({
        // One admin key for both, as requests through the balancer may land on either.
        ...(sameKeyAs === undefined ? {} : { HUB_BOOTSTRAP_API_KEY: sameKeyAs.adminKey }),
        HUB_NODE_ID: nodeId,
        HUB_DATABASE_URL: url,
        HUB_MQTT_PROXY_PORT: String(await freePort()),
        // As in docker/compose.cluster.yaml: the PROXY port is the only way in.
        HUB_MQTT_PORT: 'off',
        HUB_MQTT_WS_PORT: 'off',
        INFLUX_URL: `http://127.0.0.1:${closedInfluxPort}`,
        INFLUX_DATABASE: 'cluster_balancer',
        HUB_LOG_FORMAT: 'json',
        // Three new connections per address, then (almost) none: a budget the test can see being spent per address.
        HUB_MQTT_CONNECT_RATE: '0.001',
        HUB_MQTT_CONNECT_BURST: '3',
      });
    nodes.push(await start('node-a'));
    // The devices are in the shared database before the second node starts and loads its registry.
    secrets = await provisionDevices(nodes[0], DEVICES.map((deviceId) => ({ deviceId, domain: 'water' as const })));
    nodes.push(await start('node-b', nodes[0]));
    haproxy = await HaproxyProcess.start(nodes.map(haproxyNode), { httpTimeoutMs: HTTP_TIMEOUT_MS });
    for (const node of nodes) await haproxy.waitForStatus('hub_mqtt', node.env.HUB_NODE_ID, 'UP');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  });

  afterAll(async () => {
    for (const node of nodes) if (node.pid !== undefined) process.kill(node.pid, 'SIGCONT');
    await haproxy?.cleanup();
    await Promise.all(nodes.map((node) => node.cleanup()));
    await postgres?.cleanup();
  });

  /** An MQTT client through HAProxy from `localAddress`, as device `deviceId`; resolves on its CONNACK (or rejects). */
  function deviceThroughBalancer(deviceId: string, localAddress: string, reconnectPeriod = 0): Promise<MqttClient> {
    const client = new MqttClient(() => connectTcp({ host: '127.0.0.1', port: haproxy.mqttPort, localAddress }), {
      clientId: deviceId,
      username: deviceId,
      password: secrets.get(deviceId),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod,
      connectTimeout: 3_000,
    });
    clients.push(client);
    // A reconnecting client reports each failed attempt as an error; the test looks at its connections instead.
    client.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error(`${deviceId} from ${localAddress}: closed before its CONNACK`)));
    });
  }

  const connectedOn = async (): Promise<number[]> =>
    Promise.all(nodes.map(async (node) => (await node.get<{ broker: { connectedClients: number } }>('/api/health')).body.broker.connectedClients));

  const mqttSessionsPerNode = async (): Promise<number[]> => Promise.all(nodes.map(async (node) => (await haproxy.serverRow('hub_mqtt', node.env.HUB_NODE_ID)).total));

  it('keeps both nodes in while /api/health answers 503 (no InfluxDB), and sends HTTP round-robin to both', async () => {
    const live: string[] = [];
    for (let request = 0; request < 4; request += 1) {
      const response = await fetch(`${haproxy.httpUrl}/api/health/live`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as HubLiveness;
      expect(body.status).toBe('live');
      live.push(body.node);
    }
    expect(live.sort()).toEqual(['node-a', 'node-a', 'node-b', 'node-b']);
    expect((await fetch(`${haproxy.httpUrl}/api/health`)).status).toBe(503);
    expect((await haproxy.stats()).filter((row) => row.proxy === 'hub_mqtt' && row.service.startsWith('node-')).map((row) => row.status)).toEqual(['UP', 'UP']);
  });

  it('gives the nodes the device’s own address (PROXY v2): the per-address connection budget is the device’s, not the balancer’s', async () => {
    // Same client id each time: every attempt goes to the same node (and its limiter).
    for (let attempt = 0; attempt < 3; attempt += 1) await (await deviceThroughBalancer('lb-w-1', '127.0.0.2')).endAsync();
    await expect(deviceThroughBalancer('lb-w-1', '127.0.0.2')).rejects.toThrow('lb-w-1 from 127.0.0.2: closed before its CONNACK');
    // Another address through the same balancer still has its whole budget.
    expect((await deviceThroughBalancer('lb-w-1', '127.0.0.3')).connected).toBe(true);
    const throttleLines = nodes.map((node) => node.output.split('\n').filter((line) => line.includes('Too many new MQTT connections from one address')));
    expect(throttleLines.flat().map((line) => (JSON.parse(line) as { address: string }).address)).toEqual(['127.0.0.2']);
  });

  it('sends the same client id to the same node, and different ones to both (least connections)', async () => {
    const before = await mqttSessionsPerNode();
    for (const deviceId of ['lb-w-2', 'lb-w-3', 'lb-w-4', 'lb-w-5']) await (await deviceThroughBalancer(deviceId, '127.0.0.4')).endAsync();
    const spread = (await mqttSessionsPerNode()).map((total, index) => total - before[index]);
    expect(spread).toEqual([2, 2]);

    const holders: number[][] = [];
    for (let round = 0; round < 3; round += 1) {
      const client = await deviceThroughBalancer('lb-w-2', '127.0.0.5');
      holders.push(await waitFor(connectedOn, (counts) => counts[0] + counts[1] === 1, 5_000, 'one node to hold lb-w-2'));
      await client.endAsync();
      await waitFor(connectedOn, (counts) => counts[0] + counts[1] === 0, 5_000, 'lb-w-2 to be gone');
    }
    expect(holders[1]).toEqual(holders[0]);
    expect(holders[2]).toEqual(holders[0]);
  });

  it('takes a frozen node out (its liveness times out) and its devices reconnect to the other node', async () => {
    // One address each: the two that move spend a second connection of their address's budget on the survivor.
    const devices = ['lb-w-2', 'lb-w-3', 'lb-w-4', 'lb-w-5'];
    for (const [index, deviceId] of devices.entries()) await deviceThroughBalancer(deviceId, `127.0.0.${10 + index}`, 200);
    const counts = await waitFor(connectedOn, (seen) => seen[0] + seen[1] === 4, 5_000, 'the four devices on the nodes');
    expect(counts).toEqual([2, 2]);
    const [frozen, survivor] = nodes;
    const closes = clients.map((client) => {
      let count = 0;
      client.on('close', () => (count += 1));
      return () => count;
    });
    process.kill(frozen.pid as number, 'SIGSTOP');
    try {
      await haproxy.waitForStatus('hub_mqtt', frozen.env.HUB_NODE_ID, 'DOWN');
      await haproxy.waitForStatus('hub_http', frozen.env.HUB_NODE_ID, 'DOWN');
      // The frozen node cannot close anything: HAProxy cut its two devices' connections, and they came back on the survivor.
      await waitFor(
        async () => (await survivor.get<{ broker: { connectedClients: number } }>('/api/health')).body.broker.connectedClients,
        (connected) => connected === 4,
        10_000,
        'all four devices on the surviving node',
      );
      expect(closes.map((count) => count()).sort()).toEqual([0, 0, 1, 1]);
      expect(clients.every((client) => client.connected)).toBe(true);
      const live = await (await fetch(`${haproxy.httpUrl}/api/health/live`)).json() as HubLiveness;
      expect(live.node).toBe(survivor.env.HUB_NODE_ID);
    } finally {
      process.kill(frozen.pid as number, 'SIGCONT');
    }
    await haproxy.waitForStatus('hub_mqtt', frozen.env.HUB_NODE_ID, 'UP');
  });

  it('keeps the console’s event stream open past the HTTP timeout; the API routes are held to it', async () => {
    const readers: Array<ReadableStreamDefaultReader<Uint8Array>> = [];
    const open = async (path: string): Promise<SseReader> => {
      const response = await fetch(`${haproxy.httpUrl}${path}`, { headers: { authorization: `Bearer ${nodes[0].adminKey}`, accept: 'text/event-stream' } });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      readers.push(reader);
      const events = new SseReader(reader);
      expect((await events.next(5_000))?.type).toBe('hello');
      return events;
    };
    /** 'open' when nothing came within the wait; 'closed' when the stream ended or broke off (HAProxy cut it). */
    const fate = (events: SseReader, waitMs: number, started: number): Promise<{ fate: string; afterMs: number }> =>
      events.next(waitMs).then(
        (event) => ({ fate: event === undefined ? 'closed' : `event ${event.type}`, afterMs: Date.now() - started }),
        (error: Error) => ({ fate: error.message.startsWith('no event within') ? 'open' : 'closed', afterMs: Date.now() - started }),
      );
    try {
      const events = await open('/api/events');
      // The same stream under a path the events rule does not match: the API backend, with the 2 s timeout.
      const viaApiBackend = await open('/api/events/');
      const started = Date.now();
      // The hub sends nothing for 20 s after the hello (its keep-alive period): only a timeout can end these reads.
      const waitMs = 2 * HTTP_TIMEOUT_MS + 1_000;
      const [api, eventStream] = await Promise.all([fate(viaApiBackend, waitMs, started), fate(events, waitMs, started)]);
      expect(api.fate).toBe('closed');
      expect(api.afterMs).toBeGreaterThanOrEqual(HTTP_TIMEOUT_MS - 500);
      expect(api.afterMs).toBeLessThan(waitMs);
      expect(eventStream).toEqual({ fate: 'open', afterMs: expect.any(Number) });
      expect(eventStream.afterMs).toBeGreaterThanOrEqual(waitMs);
    } finally {
      await Promise.all(readers.map((reader) => reader.cancel().catch(() => undefined)));
    }
  });
});
