import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import WebSocket from 'ws';
import { Command, IPv4Address, IPv4ProxyAddress, TransportProtocol, UnspecProxyAddress, V2ProxyProtocol } from 'proxy-protocol-js';
import { makeSelfSignedCertificate, TestCertificate } from '@hub/test-harness';
import { MqttListeners } from './mqtt-listeners';

/** The transports on real sockets (no aedes: a connection here is just handed over). */
describe('MqttListeners', () => {
  let dir: string;
  let certificate: TestCertificate;
  let listeners: MqttListeners;
  let admitted: Array<string | undefined>;
  let admit: boolean;
  let handed: Array<{ stream: Duplex; remoteAddress: string | undefined }>;
  let tlsFailures: string[];
  let proxyClosed: Array<{ outcome: string; peerAddress: string | undefined; detail: string | null }>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqtt-listeners-'));
    certificate = makeSelfSignedCertificate(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    admitted = [];
    admit = true;
    handed = [];
    tlsFailures = [];
    proxyClosed = [];
    listeners = new MqttListeners(
      {
        admit: (remoteAddress) => (admitted.push(remoteAddress), admit),
        connection: (stream, remoteAddress) => handed.push({ stream, remoteAddress }),
        tlsFailure: (error) => tlsFailures.push(error.message),
        proxyHeaderClosed: (outcome, peerAddress, detail) => proxyClosed.push({ outcome, peerAddress, detail }),
      },
      PROXY_HEADER_TIMEOUT_FOR_TESTS_MS,
    );
    await listeners.open({
      host: '127.0.0.1',
      port: 0,
      proxyPort: 0,
      tlsPort: 0,
      wsPort: 0,
      tls: { certificate: readFileSync(certificate.certFile), privateKey: readFileSync(certificate.keyFile) },
    });
  });

  afterEach(() => listeners.close());

  const closedWithoutData = (socket: Socket): Promise<boolean> =>
    new Promise((resolve) => {
      let data = false;
      socket.on('data', () => (data = true));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(!data));
    });

  it('hands over TCP, TLS and wss connections with their address, each admitted at accept', async () => {
    const tcp = connectTcp(listeners.tcpPort as number, '127.0.0.1');
    const tls = connectTls({ port: listeners.tlsPort as number, host: '127.0.0.1', ca: certificate.trusted, servername: 'localhost' });
    const ws = new WebSocket(`wss://127.0.0.1:${listeners.wsPort}`, 'mqtt', { ca: certificate.trusted });
    await new Promise((resolve) => ws.once('open', resolve));
    await waitUntil(() => handed.length === 3);
    expect(handed.map((connection) => connection.remoteAddress)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(admitted).toHaveLength(3);
    expect(listeners.listening).toBe(true);
    for (const socket of [tcp, tls]) socket.destroy();
    ws.terminate();
  });

  it('closes what admit refuses before any TLS or HTTP happens', async () => {
    admit = false;
    const results = await Promise.all([
      closedWithoutData(connectTcp(listeners.tcpPort as number, '127.0.0.1')),
      closedWithoutData(connectTcp(listeners.tlsPort as number, '127.0.0.1')),
      closedWithoutData(connectTcp(listeners.wsPort as number, '127.0.0.1')),
    ]);
    expect(results).toEqual([true, true, true]);
    expect(handed).toEqual([]);
    expect(tlsFailures).toEqual([]);
  });

  it('reports plaintext spoken to the TLS port as a failed handshake', async () => {
    const socket = connectTcp(listeners.tlsPort as number, '127.0.0.1');
    socket.on('connect', () => socket.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x1e, 0x00, 0x00])));
    expect(await closedWithoutData(socket)).toBe(true);
    await waitUntil(() => tlsFailures.length === 1);
    expect(tlsFailures[0]).toMatch(/wrong version number/);
  });

  it('closes at once, also connections still in their TLS handshake', async () => {
    const stalled = connectTcp(listeners.tlsPort as number, '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    await waitUntil(() => admitted.length === 1);
    const started = Date.now();
    const stalledClosed = closedWithoutData(stalled);
    await listeners.close();
    expect(await stalledClosed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

const PROXY_HEADER_TIMEOUT_FOR_TESTS_MS = 300;
const CONNECT = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x1e, 0x00, 0x00]);

function proxyHeader(source: [number, number, number, number], port: number): Buffer {
  return Buffer.from(new V2ProxyProtocol(Command.PROXY, TransportProtocol.STREAM, new IPv4ProxyAddress(new IPv4Address(source), port, new IPv4Address([127, 0, 0, 1]), 1884)).build());
}

/** Everything a handed-over stream yields within `ms`, read as aedes reads (on 'readable', with read()). */
function readFor(stream: Duplex, ms: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('readable', () => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) chunks.push(chunk);
    });
    setTimeout(() => resolve(Buffer.concat(chunks)), ms);
  });
}

describe('MqttListeners: the PROXY port', () => {
  let listeners: MqttListeners;
  let admitted: Array<string | undefined>;
  let admit: boolean;
  let handed: Array<{ stream: Duplex; remoteAddress: string | undefined }>;
  let proxyClosed: Array<{ outcome: string; peerAddress: string | undefined; detail: string | null }>;

  beforeEach(async () => {
    admitted = [];
    admit = true;
    handed = [];
    proxyClosed = [];
    listeners = new MqttListeners(
      {
        admit: (remoteAddress) => (admitted.push(remoteAddress), admit),
        connection: (stream, remoteAddress) => handed.push({ stream, remoteAddress }),
        tlsFailure: () => undefined,
        proxyHeaderClosed: (outcome, peerAddress, detail) => proxyClosed.push({ outcome, peerAddress, detail }),
      },
      PROXY_HEADER_TIMEOUT_FOR_TESTS_MS,
    );
    await listeners.open({ host: '127.0.0.1', port: null, proxyPort: 0, wsPort: null, tlsPort: null, tls: null });
  });

  afterEach(() => listeners.close());

  async function open(): Promise<Socket> {
    const socket = connectTcp(listeners.proxyPort as number, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  }

  const closed = (socket: Socket): Promise<void> => (socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve())));

  it('admits and hands over under the header’s address, with the bytes after the header intact', async () => {
    expect(listeners.listening).toBe(true);
    const socket = await open();
    socket.write(Buffer.concat([proxyHeader([192, 0, 2, 7], 40_000), CONNECT]));
    await waitUntil(() => handed.length === 1);
    expect(admitted).toEqual(['192.0.2.7']);
    expect(handed[0].remoteAddress).toBe('192.0.2.7');
    const reading = readFor(handed[0].stream, 100);
    socket.write(CONNECT);
    expect(await reading).toEqual(Buffer.concat([CONNECT, CONNECT]));
    socket.destroy();
  });

  it('waits for a header written in pieces', async () => {
    const socket = await open();
    const bytes = Buffer.concat([proxyHeader([198, 51, 100, 1], 1), CONNECT]);
    for (const [start, end] of [[0, 3], [3, 15], [15, 27], [27, bytes.length]]) {
      socket.write(bytes.subarray(start, end));
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (end < 28) expect(handed).toHaveLength(0);
    }
    await waitUntil(() => handed.length === 1);
    expect(await readFor(handed[0].stream, 50)).toEqual(CONNECT);
    expect(handed[0].remoteAddress).toBe('198.51.100.1');
    socket.destroy();
  });

  it.each([
    ['MQTT without a header', CONNECT, 'missing'],
    ['a v1 header', Buffer.from('PROXY TCP4 192.0.2.1 10.0.0.5 1000 1884\r\n'), 'v1'],
    ['an oversized header', Buffer.concat([proxyHeader([1, 2, 3, 4], 5).subarray(0, 14), Buffer.from([0xff, 0xff])]), 'oversized'],
    ['garbage', Buffer.from('\x16\x03\x01 TLS hello'), 'missing'],
  ])('closes a connection opening with %s, counted by reason, admitting nothing', async (_what, bytes, outcome) => {
    const socket = await open();
    socket.write(bytes);
    await closed(socket);
    expect(proxyClosed).toEqual([{ outcome, peerAddress: '127.0.0.1', detail: expect.any(String) }]);
    expect(admitted).toEqual([]);
    expect(handed).toEqual([]);
  });

  it('accepts a LOCAL header (the balancer’s check) and closes it', async () => {
    const socket = await open();
    socket.write(Buffer.from(new V2ProxyProtocol(Command.LOCAL, TransportProtocol.UNSPEC, new UnspecProxyAddress()).build()));
    await closed(socket);
    expect(proxyClosed).toEqual([{ outcome: 'local', peerAddress: '127.0.0.1', detail: null }]);
    expect(handed).toEqual([]);
  });

  it('closes a connection that has not sent a whole header within the wait (slowloris)', async () => {
    const socket = await open();
    const started = Date.now();
    socket.write(proxyHeader([192, 0, 2, 9], 1).subarray(0, 20));
    await closed(socket);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROXY_HEADER_TIMEOUT_FOR_TESTS_MS - 20);
    expect(proxyClosed).toEqual([{ outcome: 'timeout', peerAddress: '127.0.0.1', detail: `no complete PROXY v2 header within ${PROXY_HEADER_TIMEOUT_FOR_TESTS_MS} ms (20 bytes received)` }]);
  });

  it('closes what admit refuses for the header’s address', async () => {
    admit = false;
    const socket = await open();
    socket.write(Buffer.concat([proxyHeader([203, 0, 113, 5], 1), CONNECT]));
    await closed(socket);
    expect(admitted).toEqual(['203.0.113.5']);
    expect(handed).toEqual([]);
    expect(proxyClosed).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
