import { MqttPacketSizeMeter, PacketTooLargeError } from './mqtt-packet-size.meter';

/** A PUBLISH packet (QoS 0) with a payload of `size` bytes, encoded by hand per [MQTT-3.3]. */
function publish(topic: string, size: number): Buffer {
  const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), Buffer.from(topic), Buffer.alloc(size, 0x61)]);
  const length: number[] = [];
  let remaining = body.length;
  do {
    let byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) byte |= 0x80;
    length.push(byte);
  } while (remaining > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), body]);
}

/** Feeds the chunks; returns how many were accepted before the first error, and that error. */
function feed(limit: number, chunks: Buffer[]): { accepted: number; error: PacketTooLargeError | null } {
  const meter = new MqttPacketSizeMeter(limit);
  for (let index = 0; index < chunks.length; index++) {
    const error = meter.inspect(chunks[index]);
    if (error) return { accepted: index, error };
  }
  return { accepted: chunks.length, error: null };
}

describe('MqttPacketSizeMeter', () => {
  it('follows packets within the limit, whatever the chunking', () => {
    const stream = Buffer.concat([publish('sensors/water/w-1/telemetry', 10), publish('t', 300), Buffer.from([0xc0, 0x00]), publish('x', 20_000)]);
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < stream.length; offset += size) chunks.push(stream.subarray(offset, offset + size));
      expect(feed(32 * 1024, chunks)).toEqual({ accepted: chunks.length, error: null });
    }
  });

  it('reports a packet as soon as its header announces too much, before its body arrives', () => {
    const large = publish('b', 100_000);
    const { accepted, error } = feed(64 * 1024, [publish('a', 5), large.subarray(0, 4)]);
    expect(accepted).toBe(1);
    expect(error).toBeInstanceOf(PacketTooLargeError);
    expect(error?.message).toBe(`MQTT packet of ${100_000 + 3} bytes exceeds the 65536-byte limit; connection closed`);
  });

  it('accepts a packet of exactly the limit and refuses one byte more', () => {
    const exact = publish('t', 1000 - 3);
    expect(feed(1000, [exact]).error).toBeNull();
    expect(feed(999, [exact]).error).toBeInstanceOf(PacketTooLargeError);
  });

  it('refuses a remaining length longer than four bytes (malformed)', () => {
    expect(feed(1 << 30, [Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]).error).toBeInstanceOf(PacketTooLargeError);
  });
});
