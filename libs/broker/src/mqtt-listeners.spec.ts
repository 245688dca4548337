import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import WebSocket from 'ws';
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
    listeners = new MqttListeners({
      admit: (socket) => (admitted.push(socket.remoteAddress), admit),
      connection: (stream, remoteAddress) => handed.push({ stream, remoteAddress }),
      tlsFailure: (error) => tlsFailures.push(error.message),
    });
    await listeners.open({
      host: '127.0.0.1',
      port: 0,
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

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
