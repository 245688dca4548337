import { generate } from 'mqtt-packet';
import { connect, Socket } from 'node:net';
import type { Random } from '@hub/common';
import { between, pick } from './fuzz-readings';

/**
 * Garbage and malformed MQTT on raw TCP connections, each on its own: what a port scanner, a broken firmware or an
 * attacker sends. `mustClose`: MQTT 3.1.1 requires the server to close the connection [MQTT-4.8.0-1] (or the hub
 * does on purpose: oversize packets, $-topics); the others may be answered or ignored, only the service must live.
 */
export interface RawScenario {
  readonly name: string;
  readonly clientId: string;
  readonly chunks: readonly Buffer[];
  readonly mustClose: boolean;
}

export interface RawOutcome {
  readonly scenario: RawScenario;
  readonly closedByServer: boolean;
  readonly received: number;
}

const connectPacket = (clientId: string): Buffer => generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 30 });

/** A CONNECT with its bytes changed where mqtt-packet would refuse to encode the change (short client ids only). */
function patchedConnect(clientId: string, patch: (packet: Buffer) => void): Buffer {
  const packet = Buffer.from(connectPacket(clientId));
  patch(packet);
  return packet;
}
// Offsets in a CONNECT with a one-byte remaining length [MQTT-3.1.2]: protocol name at 4–7, protocol level at 8.
const PROTOCOL_NAME_AT = 4;
const PROTOCOL_LEVEL_AT = 8;

const publishPacket = (topic: string, payload: string, qos: 0 | 1 = 1): Buffer =>
  generate({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, messageId: 1, dup: false, retain: false });

/** A PUBLISH with the topic given as raw bytes (mqtt-packet would refuse to encode a broken one). */
function publishWithTopicBytes(topic: Buffer, payload: string): Buffer {
  const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, Buffer.from([0, 1]), Buffer.from(payload)]);
  return Buffer.concat([Buffer.from([0x32, body.length]), body]);
}

export function rawScenarios(random: Random, count: number, maxPacketBytes: number): RawScenario[] {
  const reading = '{"metrics":{"ph":7}}';
  const makers: Array<(clientId: string) => Omit<RawScenario, 'clientId'>> = [
    () => ({ name: 'random bytes, no CONNECT', chunks: [randomBytes(random, 1, 2000)], mustClose: false }),
    (id) => ({ name: 'protocol name MQTX', chunks: [patchedConnect(id, (packet) => packet.write('MQTX', PROTOCOL_NAME_AT))], mustClose: true }),
    (id) => ({ name: 'protocol level 9', chunks: [patchedConnect(id, (packet) => (packet[PROTOCOL_LEVEL_AT] = 9))], mustClose: true }),
    () => ({ name: 'PUBLISH before CONNECT', chunks: [publishPacket('sensors/water/raw-1/telemetry', reading)], mustClose: true }),
    () => ({ name: 'PINGREQ before CONNECT', chunks: [generate({ cmd: 'pingreq' })], mustClose: true }),
    () => ({ name: 'remaining length of five bytes', chunks: [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01])], mustClose: true }),
    () => ({ name: 'oversize packet before CONNECT', chunks: [Buffer.concat([Buffer.from([0x30]), remainingLength(maxPacketBytes + 1), Buffer.alloc(100)])], mustClose: true }),
    (id) => ({
      name: 'oversize PUBLISH',
      chunks: [connectPacket(id), Buffer.concat([Buffer.from([0x32]), remainingLength(maxPacketBytes + between(random, 1, 10_000)), Buffer.alloc(1000)])],
      mustClose: true,
    }),
    (id) => ({ name: 'PUBLISH to a wildcard topic', chunks: [connectPacket(id), publishPacket('sensors/water/raw/#', reading)], mustClose: true }),
    (id) => ({ name: 'PUBLISH to $SYS', chunks: [connectPacket(id), publishPacket('$SYS/broker/clients', reading)], mustClose: true }),
    (id) => ({ name: 'PUBLISH with an empty topic', chunks: [connectPacket(id), publishWithTopicBytes(Buffer.alloc(0), reading)], mustClose: true }),
    (id) => ({ name: 'PUBLISH with QoS 3', chunks: [connectPacket(id), Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])], mustClose: true }),
    (id) => ({ name: 'a second CONNECT', chunks: [connectPacket(id), connectPacket(id)], mustClose: true }),
    (id) => ({ name: 'reserved packet type 0', chunks: [connectPacket(id), Buffer.from([0x00, 0x00])], mustClose: true }),
    (id) => ({ name: 'reserved packet type 15', chunks: [connectPacket(id), Buffer.from([0xf0, 0x00])], mustClose: true }),
    (id) => ({ name: 'garbage after CONNECT', chunks: [connectPacket(id), randomBytes(random, 1, 2000)], mustClose: false }),
    (id) => ({ name: 'topic of invalid UTF-8', chunks: [connectPacket(id), publishWithTopicBytes(Buffer.from([0x73, 0xff, 0xfe, 0x2f, 0x74]), reading)], mustClose: false }),
    (id) => ({ name: 'topic with NUL', chunks: [connectPacket(id), publishWithTopicBytes(Buffer.from('sensors/water/a\u0000b/telemetry'), reading)], mustClose: false }),
    (id) => ({ name: 'SUBSCRIBE to a broken filter', chunks: [connectPacket(id), generate({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a/#/b', qos: 1 }] })], mustClose: false }),
    (id) => ({ name: 'half a CONNECT', chunks: [connectPacket(id).subarray(0, 7)], mustClose: false }),
    (id) => ({ name: 'CONNECT with a 10 kB client id', chunks: [connectPacket(`${id}-${'x'.repeat(10_000)}`)], mustClose: false }),
  ];
  return Array.from({ length: count }, (_, index) => {
    const clientId = `raw-${index}`;
    return { clientId, ...pick(random, makers)(clientId) };
  });
}

/** Sends the scenario's chunks and watches for up to `waitMs` whether the server closes the connection. */
export async function runRawScenario(port: number, scenario: RawScenario, waitMs = 2000): Promise<RawOutcome> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let received = 0;
  let closedByServer = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('end', () => (closedByServer = true));
  socket.once('close', () => (closedByServer = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const chunk of scenario.chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  const outcome = { scenario, closedByServer, received };
  socket.destroy();
  await closed;
  return outcome;
}

function randomBytes(random: Random, min: number, max: number): Buffer {
  return Buffer.from(Array.from({ length: between(random, min, max) }, () => between(random, 0, 255)));
}

/** [MQTT-2.2.3] variable-length encoding of a remaining length. */
function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}
