import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { generate } from 'mqtt-packet';
import { freePort } from '../harness/free-port';
import { HaproxyProcess } from '../harness/haproxy-process';
import { waitFor } from '../harness/wait-for';

// The generated configuration on a real HAProxy, in front of stand-in nodes that record the bytes they receive: what
// HAProxy itself does (PROXY v2, the CONNECT gate, stickiness, checks, reload), apart from the hub.
// cluster-balancer.e2e-spec.ts runs the same configuration in front of real hub nodes.

const PROXY_V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

class StandInNode {
  readonly received: Buffer[] = [];
  live = true;
  private constructor(
    readonly name: string,
    readonly mqttProxyPort: number,
    readonly httpPort: number,
    private readonly tcp: TcpServer,
    private readonly http: HttpServer,
    private readonly sockets: Set<Socket>,
  ) {}

  static async start(name: string): Promise<StandInNode> {
    const sockets = new Set<Socket>();
    const tcp = createTcpServer();
    const http = createHttpServer();
    const node = new StandInNode(name, await freePort(), await freePort(), tcp, http, sockets);
    tcp.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      let bytes = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk]);
      });
      socket.once('close', () => node.received.push(bytes));
      socket.on('error', () => undefined);
    });
    http.on('request', (request, response) => {
      response.statusCode = request.url === '/api/health/live' && node.live ? 200 : 503;
      response.end(JSON.stringify({ node: name }));
    });
    await Promise.all([
      new Promise<void>((resolve) => tcp.listen(node.mqttProxyPort, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => http.listen(node.httpPort, '127.0.0.1', resolve)),
    ]);
    return node;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.http.closeAllConnections();
    await Promise.all([new Promise((resolve) => this.tcp.close(resolve)), new Promise((resolve) => this.http.close(resolve))]);
  }
}

function mqttConnect(clientId: string): Buffer {
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId });
}

/** Opens a connection through HAProxy, writes `bytes`; resolves with the socket once it is connected. */
async function send(port: number, bytes: Buffer): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(bytes);
  return socket;
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('HaproxyProcess with the generated configuration (stand-in nodes)', () => {
  let nodes: StandInNode[] = [];
  let haproxy: HaproxyProcess | undefined;

  beforeEach(async () => {
    nodes = [await StandInNode.start('hub-a'), await StandInNode.start('hub-b')];
    haproxy = await HaproxyProcess.start(nodes.map(({ name, mqttProxyPort, httpPort }) => ({ name, host: '127.0.0.1', mqttProxyPort, httpPort })));
    for (const node of nodes) await haproxy.waitForStatus('hub_mqtt', node.name, 'UP');
  });

  afterEach(async () => {
    await haproxy?.cleanup();
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('passes a valid CONNECT to a node behind a PROXY v2 header naming the client’s address, and sticks by client id', async () => {
    const proxy = haproxy as HaproxyProcess;
    const connectPacket = mqttConnect('sticky-client');
    const oneAtATime = async (packets: Buffer[]): Promise<number[]> => {
      const before = nodes.map((node) => node.received.length);
      for (const [round, packet] of packets.entries()) {
        const socket = await send(proxy.mqttPort, packet);
        await waitFor(async () => nodes.reduce((sum, node) => sum + node.openConnections, 0), (open) => open === 1, 5_000, 'the connection to reach a node');
        socket.destroy();
        await waitFor(async () => nodes.reduce((sum, node) => sum + node.received.length, 0), (count) => count === before[0] + before[1] + round + 1, 5_000, 'the node to see it close');
      }
      return nodes.map((node, index) => node.received.length - before[index]);
    };
    // Least connections alone alternates between two idle nodes (round-robin among equals)…
    expect(await oneAtATime(['id-1', 'id-2', 'id-3', 'id-4'].map(mqttConnect))).toEqual([2, 2]);
    // …the same client id stays on one node.
    expect((await oneAtATime([connectPacket, connectPacket, connectPacket, connectPacket])).sort()).toEqual([0, 4]);
    const bytes = nodes.flatMap((node) => node.received).find((received) => received.subarray(28).equals(connectPacket)) as Buffer;
    expect(bytes.subarray(0, 12)).toEqual(PROXY_V2_SIGNATURE);
    // Version 2, command PROXY (0x21); TCP over IPv4 (0x11); 12 address bytes; source 127.0.0.1.
    expect([...bytes.subarray(12, 20)]).toEqual([0x21, 0x11, 0, 12, 127, 0, 0, 1]);
    expect(bytes.subarray(28)).toEqual(connectPacket);
  });

  it('closes a connection whose first bytes are not an MQTT CONNECT before any node sees it', async () => {
    const socket = await send((haproxy as HaproxyProcess).mqttPort, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closed(socket);
    expect(nodes.map((node) => node.received.length)).toEqual([0, 0]);
    expect((await (haproxy as HaproxyProcess).serverRow('hub_mqtt', 'hub-a')).total + (await (haproxy as HaproxyProcess).serverRow('hub_mqtt', 'hub-b')).total).toBe(0);
  });

  it('takes a node whose liveness fails out of MQTT and HTTP, cuts its MQTT connections, and takes it back', async () => {
    const proxy = haproxy as HaproxyProcess;
    const socket = await send(proxy.mqttPort, mqttConnect('device-on-a-node'));
    const holder = await waitFor(async () => nodes.find((node) => node.openConnections === 1), (node) => node !== undefined, 5_000, 'a node to hold the device');
    (holder as StandInNode).live = false;
    await proxy.waitForStatus('hub_mqtt', (holder as StandInNode).name, 'DOWN');
    await proxy.waitForStatus('hub_http', (holder as StandInNode).name, 'DOWN');
    // on-marked-down shutdown-sessions: the device's connection is closed, so it reconnects to a live node.
    await closed(socket);
    const again = await send(proxy.mqttPort, mqttConnect('device-on-a-node'));
    const other = nodes.find((node) => node !== holder) as StandInNode;
    await waitFor(async () => other.openConnections, (open) => open === 1, 5_000, 'the device on the other node');
    again.destroy();
    (holder as StandInNode).live = true;
    await proxy.waitForStatus('hub_mqtt', (holder as StandInNode).name, 'UP');
  });

  it('reloads with another node list', async () => {
    const proxy = haproxy as HaproxyProcess;
    const [first] = nodes;
    await proxy.reload([{ name: first.name, host: '127.0.0.1', mqttProxyPort: first.mqttProxyPort, httpPort: first.httpPort }]);
    const servers = (await proxy.stats()).filter((row) => row.proxy === 'hub_http' && !['FRONTEND', 'BACKEND'].includes(row.service)).map((row) => row.service);
    expect(servers).toEqual([first.name]);
  });
});
