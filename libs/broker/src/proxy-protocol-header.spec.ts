import { Command, IPv4Address, IPv4ProxyAddress, IPv6Address, IPv6ProxyAddress, TransportProtocol, UnspecProxyAddress, V1BinaryProxyProtocol, V2ProxyProtocol } from 'proxy-protocol-js';
import { INETProtocol, Peer, V1ProxyProtocol } from 'proxy-protocol-js';
import { MAX_PROXY_V2_BODY_BYTES, readProxyV2Header } from './proxy-protocol-header';

const CONNECT = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]);

function ipv4Header(source: [number, number, number, number], port: number): Buffer {
  return Buffer.from(new V2ProxyProtocol(Command.PROXY, TransportProtocol.STREAM, new IPv4ProxyAddress(new IPv4Address(source), port, new IPv4Address([10, 0, 0, 5]), 1884)).build());
}

function ipv6Header(source: number[], port: number): Buffer {
  return Buffer.from(new V2ProxyProtocol(Command.PROXY, TransportProtocol.STREAM, new IPv6ProxyAddress(IPv6Address.createFrom(source), port, IPv6Address.createWithEmptyAddress(), 1884)).build());
}

/** Feeds `bytes` in the given chunk sizes, as a socket would deliver them; answers each step's result kind, and the last result. */
function feed(bytes: Buffer, chunkSizes: number[]) {
  const kinds: string[] = [];
  let received = Buffer.alloc(0);
  let offset = 0;
  let last = readProxyV2Header(received);
  for (const size of chunkSizes) {
    received = Buffer.concat([received, bytes.subarray(offset, offset + size)]);
    offset += size;
    last = readProxyV2Header(received);
    kinds.push(last.kind);
  }
  return { kinds, last };
}

describe('readProxyV2Header', () => {
  it('reads an IPv4 source and hands the bytes after the header on as MQTT', () => {
    expect(readProxyV2Header(Buffer.concat([ipv4Header([192, 0, 2, 7], 50_123), CONNECT]))).toEqual({ kind: 'proxied', remoteAddress: '192.0.2.7', remotePort: 50_123, rest: CONNECT });
  });

  it('reads an IPv6 source, written as Node writes addresses', () => {
    const documentation = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42];
    expect(readProxyV2Header(ipv6Header(documentation, 1))).toMatchObject({ kind: 'proxied', remoteAddress: '2001:db8::42', remotePort: 1 });
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 9];
    expect(readProxyV2Header(ipv6Header(mapped, 2))).toMatchObject({ remoteAddress: '::ffff:198.51.100.9' });
    const noZeroRun = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6];
    expect(readProxyV2Header(ipv6Header(noZeroRun, 3))).toMatchObject({ remoteAddress: '2001:db8:1:2:3:4:5:6' });
    expect(readProxyV2Header(ipv6Header(new Array<number>(15).fill(0).concat(1), 4))).toMatchObject({ remoteAddress: '::1' });
  });

  it('waits for a header split across chunks, byte by byte, and decides once the last byte is in', () => {
    const bytes = Buffer.concat([ipv4Header([203, 0, 113, 1], 4242), CONNECT]);
    const { kinds, last } = feed(bytes, [...new Array<number>(27).fill(1), 1, CONNECT.length]);
    expect(kinds.slice(0, 27)).toEqual(new Array<string>(27).fill('incomplete'));
    expect(kinds[27]).toBe('proxied');
    expect(last).toEqual({ kind: 'proxied', remoteAddress: '203.0.113.1', remotePort: 4242, rest: CONNECT });
  });

  it('skips TLVs after the address: the MQTT stream starts after the announced length', () => {
    const header = ipv4Header([192, 0, 2, 8], 9);
    // PP2_TYPE_NOOP (0x04) of 3 bytes: type, length 0x0003, value.
    const tlv = Buffer.from([0x04, 0x00, 0x03, 0xaa, 0xbb, 0xcc]);
    header.writeUInt16BE(12 + tlv.length, 14);
    expect(readProxyV2Header(Buffer.concat([header, tlv, CONNECT]))).toEqual({ kind: 'proxied', remoteAddress: '192.0.2.8', remotePort: 9, rest: CONNECT });
  });

  it('accepts LOCAL (a health check from the balancer) once its whole header is in', () => {
    const local = Buffer.from(new V2ProxyProtocol(Command.LOCAL, TransportProtocol.UNSPEC, new UnspecProxyAddress()).build());
    expect(local).toHaveLength(16);
    expect(feed(local, [15, 1]).kinds).toEqual(['incomplete', 'local']);
    // HAProxy's LOCAL may still carry an address block: ignored, as the protocol says.
    const withAddress = ipv4Header([10, 0, 0, 1], 1);
    withAddress[12] = 0x20;
    expect(readProxyV2Header(withAddress)).toEqual({ kind: 'local' });
  });

  it('refuses a connection that starts with MQTT (no header) at its first byte', () => {
    expect(readProxyV2Header(CONNECT.subarray(0, 1))).toEqual({
      kind: 'refused',
      reason: 'missing',
      detail: 'the connection began with an MQTT CONNECT, not a PROXY v2 header: this port is for a balancer with send-proxy-v2',
    });
  });

  it('refuses garbage as missing, and a signature broken part way', () => {
    expect(readProxyV2Header(Buffer.from('GET / HTTP/1.1\r\n'))).toMatchObject({ reason: 'missing', detail: expect.stringContaining('byte 0x47') });
    const broken = ipv4Header([1, 2, 3, 4], 5);
    broken[7] = 0x00;
    expect(readProxyV2Header(broken.subarray(0, 8))).toMatchObject({ kind: 'refused', reason: 'missing' });
  });

  it('refuses v1 (text) headers, deciding once "PROXY " is in', () => {
    const v1 = Buffer.from(new V1BinaryProxyProtocol(INETProtocol.TCP4, new Peer('192.0.2.1', 1000), new Peer('10.0.0.5', 1884), CONNECT).build());
    expect(v1.subarray(0, 6).toString('latin1')).toBe('PROXY ');
    expect(feed(v1, [5, 1]).kinds).toEqual(['incomplete', 'refused']);
    expect(readProxyV2Header(Buffer.from(new V1ProxyProtocol(INETProtocol.TCP4, new Peer('192.0.2.1', 1000), new Peer('10.0.0.5', 1884)).build()))).toMatchObject({ reason: 'v1' });
    expect(readProxyV2Header(Buffer.from('PROXI'))).toMatchObject({ reason: 'missing' });
  });

  it('refuses a header announcing more than it may hold, before those bytes arrive', () => {
    const header = ipv4Header([192, 0, 2, 9], 1);
    header.writeUInt16BE(MAX_PROXY_V2_BODY_BYTES + 1, 14);
    expect(readProxyV2Header(header.subarray(0, 16))).toEqual({
      kind: 'refused',
      reason: 'oversized',
      detail: `header announces ${MAX_PROXY_V2_BODY_BYTES + 1} bytes after its first 16; at most ${MAX_PROXY_V2_BODY_BYTES} are taken`,
    });
    header.writeUInt16BE(MAX_PROXY_V2_BODY_BYTES, 14);
    expect(readProxyV2Header(header)).toEqual({ kind: 'incomplete' });
  });

  it.each([
    ['version 1 in the v2 signature', (header: Buffer): unknown => (header[12] = 0x11), 'malformed'],
    ['an unknown command', (header: Buffer): unknown => (header[12] = 0x2f), 'malformed'],
    ['too few address bytes for IPv4', (header: Buffer): unknown => header.writeUInt16BE(8, 14), 'malformed'],
    ['UDP', (header: Buffer): unknown => (header[13] = 0x12), 'unsupported-address'],
    ['AF_UNSPEC with PROXY', (header: Buffer): unknown => (header[13] = 0x01), 'unsupported-address'],
    ['AF_UNIX', (header: Buffer): unknown => (header[13] = 0x31), 'unsupported-address'],
  ] as const)('refuses %s', (_what, spoil, reason) => {
    const header = ipv4Header([192, 0, 2, 10], 1);
    spoil(header);
    expect(readProxyV2Header(header)).toMatchObject({ kind: 'refused', reason });
  });

  it('answers incomplete for nothing received yet', () => {
    expect(readProxyV2Header(Buffer.alloc(0))).toEqual({ kind: 'incomplete' });
  });
});
