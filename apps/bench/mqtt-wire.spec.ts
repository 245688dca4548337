import { generate, parser, Packet } from 'mqtt-packet';
import { messageTemplate, payloadTemplate, planFleet } from './bench-fleet';
import { CONNACK, connectPacket, InboundScanner, PUBACK, publishTemplate, writePublish } from './mqtt-wire';

function parse(bytes: Buffer): Packet[] {
  const packets: Packet[] = [];
  const reader = parser({ protocolVersion: 4 });
  reader.on('packet', (packet: Packet) => packets.push(packet));
  reader.on('error', (error: Error) => {
    throw error;
  });
  reader.parse(bytes);
  return packets;
}

describe('connectPacket', () => {
  it('logs a device in as itself when given its secret, and anonymously (bare broker) without', () => {
    const [login] = parse(connectPacket('bench-water-1', 60, 's3cret')) as Array<Packet & { clientId: string; username?: string; password?: Buffer; keepalive: number }>;
    expect(login).toMatchObject({ cmd: 'connect', clientId: 'bench-water-1', username: 'bench-water-1', keepalive: 60 });
    expect(login.password?.toString()).toBe('s3cret');
    const [anonymous] = parse(connectPacket('bench-water-1', 60)) as Array<Packet & { username?: string }>;
    expect(anonymous.username).toBeUndefined();
  });
});

describe('publish templates', () => {
  it('patch packet id, ts and seq into bytes that parse as the QoS 1 PUBLISH of that reading', () => {
    const [device] = planFleet({ devices: 1, idPrefix: 'bench-', seed: 7 });
    const template = publishTemplate(device.topic, payloadTemplate(device.variants[5]));
    const out = Buffer.alloc(template.bytes.length * 2);
    const end = writePublish(out, 0, template, 7, 1_764_201_600_123, 1_000_042);
    writePublish(out, end, template, 65_535, 1_764_201_600_124, 9_999_999);

    const packets = parse(out);

    expect(packets).toHaveLength(2);
    const [first, second] = packets as Array<Packet & { topic: string; qos: number; messageId: number; payload: Buffer }>;
    expect(first).toMatchObject({ cmd: 'publish', topic: device.topic, qos: 1, messageId: 7 });
    expect(JSON.parse(first.payload.toString())).toEqual({ ts: 1_764_201_600_123, seq: 1_000_042, metrics: device.variants[5] });
    expect(second.messageId).toBe(65_535);
    expect(JSON.parse(second.payload.toString())).toMatchObject({ ts: 1_764_201_600_124, seq: 9_999_999 });
  });
});

describe('batch templates', () => {
  it('patch every reading of a batch with consecutive ts and seq', () => {
    const [device] = planFleet({ devices: 1, idPrefix: 'bench-', seed: 7 });
    const template = publishTemplate(device.topic, messageTemplate([device.variants[0], device.variants[1], device.variants[2]]));
    const out = Buffer.alloc(template.bytes.length);
    writePublish(out, 0, template, 3, 1_764_201_600_000, 1_000_100);

    const [packet] = parse(out) as Array<Packet & { messageId: number; payload: Buffer }>;

    expect(packet.messageId).toBe(3);
    expect(JSON.parse(packet.payload.toString())).toEqual([
      { ts: 1_764_201_600_000, seq: 1_000_100, metrics: device.variants[0] },
      { ts: 1_764_201_600_001, seq: 1_000_101, metrics: device.variants[1] },
      { ts: 1_764_201_600_002, seq: 1_000_102, metrics: device.variants[2] },
    ]);
    expect(messageTemplate([device.variants[0]])).toBe(payloadTemplate(device.variants[0]));
  });
});

describe('InboundScanner', () => {
  it('reports CONNACK and PUBACKs however the stream is cut into chunks', () => {
    const stream = Buffer.concat([
      generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
      generate({ cmd: 'puback', messageId: 300 }),
      generate({ cmd: 'puback', messageId: 1 }),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const seen: Array<[number, number]> = [];
      const scanner = new InboundScanner((type, word) => seen.push([type, word]));
      scanner.push(stream.subarray(0, cut));
      scanner.push(stream.subarray(cut));
      expect(seen).toEqual([
        [CONNACK, 0],
        [PUBACK, 300],
        [PUBACK, 1],
      ]);
    }
  });

  it('reports a refused CONNACK with its return code', () => {
    const seen: Array<[number, number]> = [];
    new InboundScanner((type, word) => seen.push([type, word])).push(generate({ cmd: 'connack', returnCode: 5, sessionPresent: false }));
    expect(seen).toEqual([[CONNACK, 5]]);
  });
});
