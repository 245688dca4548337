import { Command, IPv4ProxyAddress, IPv6ProxyAddress, TransportProtocol, V2ProxyProtocol } from 'proxy-protocol-js';
import type { ProxyHeaderRefusal } from '@hub/perimeter';

export type ProxyHeaderResult =
  /** Not enough bytes yet to decide: read more. */
  | { readonly kind: 'incomplete' }
  /** A PROXY command: the client's address and port as the balancer saw them; `rest` is the start of the MQTT stream. */
  | { readonly kind: 'proxied'; readonly remoteAddress: string; readonly remotePort: number; readonly rest: Buffer }
  /** A LOCAL command: the balancer speaking for itself (a health check); nothing to serve. */
  | { readonly kind: 'local' }
  | { readonly kind: 'refused'; readonly reason: ProxyHeaderRefusal; readonly detail: string };

/** "\r\n\r\n\0\r\nQUIT\n" (PROXY protocol 2.2). */
const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** Signature, version/command, family/transport, length. */
const FIXED_BYTES = 16;
/**
 * Address block and TLVs: 36 bytes for IPv6, 216 for UNIX, plus what `proxy-v2-options` adds (unique id, TLS details,
 * authority: a few hundred bytes). Anything longer is not a balancer we configured: refused rather than buffered.
 */
export const MAX_PROXY_V2_BODY_BYTES = 1_024;
const VERSION_2 = 0x20;
const FAMILY_INET = 0x10;
const FAMILY_INET6 = 0x20;

/**
 * Reads the PROXY protocol v2 header that must open every connection on the hub's PROXY port (HAProxy's
 * `send-proxy-v2`), from the bytes received so far. Decides as early as the bytes allow: a first byte that cannot
 * begin a v2 header refuses at once, without waiting for more. Pure, so that chunking is easy to test.
 */
export function readProxyV2Header(received: Buffer): ProxyHeaderResult {
  const prefix = Math.min(received.length, SIGNATURE.length);
  if (!received.subarray(0, prefix).equals(SIGNATURE.subarray(0, prefix))) return notV2(received);
  if (received.length < FIXED_BYTES) return { kind: 'incomplete' };
  const versionCommand = received[12];
  if ((versionCommand & 0xf0) !== VERSION_2) return refused('malformed', `version ${versionCommand >> 4} in a v2 signature; only 2 exists`);
  const command = versionCommand & 0x0f;
  if (command !== Command.LOCAL && command !== Command.PROXY) return refused('malformed', `command ${command}: neither LOCAL (0) nor PROXY (1)`);
  const bodyLength = received.readUInt16BE(14);
  if (bodyLength > MAX_PROXY_V2_BODY_BYTES) return refused('oversized', `header announces ${bodyLength} bytes after its first 16; at most ${MAX_PROXY_V2_BODY_BYTES} are taken`);
  const end = FIXED_BYTES + bodyLength;
  if (received.length < end) return { kind: 'incomplete' };
  // The PROXY protocol: with LOCAL "the receiver must accept the connection and ignore any address information".
  if (command === Command.LOCAL) return { kind: 'local' };
  const familyTransport = received[13];
  if ((familyTransport & 0x0f) !== TransportProtocol.STREAM) return refused('unsupported-address', `transport ${familyTransport & 0x0f} is not a stream (TCP)`);
  const family = familyTransport & 0xf0;
  // Only an IP address serves per-address limits; UNSPEC or UNIX would put every such client under one key.
  if (family !== FAMILY_INET && family !== FAMILY_INET6) return refused('unsupported-address', `address family 0x${family.toString(16)} is not IPv4 or IPv6`);
  const needed = family === FAMILY_INET ? 12 : 36;
  if (bodyLength < needed) return refused('malformed', `${bodyLength} address bytes for ${family === FAMILY_INET ? 'IPv4' : 'IPv6'}, which needs ${needed}`);
  let parsed: V2ProxyProtocol;
  try {
    // The library reads past the announced length (TLVs, then the payload): it gets the header alone.
    parsed = V2ProxyProtocol.parse(received.subarray(0, end));
  } catch (error) {
    return refused('malformed', (error as { message?: string }).message ?? String(error));
  }
  const rest = received.subarray(end);
  const address = parsed.proxyAddress;
  if (address instanceof IPv4ProxyAddress) return { kind: 'proxied', remoteAddress: address.sourceAddress.address.join('.'), remotePort: address.sourcePort, rest };
  if (address instanceof IPv6ProxyAddress) return { kind: 'proxied', remoteAddress: ipv6Text(address.sourceAddress.address), remotePort: address.sourcePort, rest };
  return refused('unsupported-address', 'address family is not IPv4 or IPv6');
}

function notV2(received: Buffer): ProxyHeaderResult {
  const prefix = Math.min(received.length, V1_PREFIX.length);
  if (received.subarray(0, prefix).equals(V1_PREFIX.subarray(0, prefix))) {
    return prefix < V1_PREFIX.length ? { kind: 'incomplete' } : refused('v1', 'a PROXY protocol v1 (text) header; this port takes v2 only (HAProxy: send-proxy-v2, not send-proxy)');
  }
  const first = received[0];
  // 0x10 is an MQTT CONNECT: a device (or a balancer without send-proxy-v2) connecting straight to the PROXY port.
  const what = first === 0x10 ? 'an MQTT CONNECT' : `byte 0x${first.toString(16).padStart(2, '0')}`;
  return refused('missing', `the connection began with ${what}, not a PROXY v2 header: this port is for a balancer with send-proxy-v2`);
}

function refused(reason: ProxyHeaderRefusal, detail: string): ProxyHeaderResult {
  return { kind: 'refused', reason, detail };
}

/** An IPv6 address as Node writes one (`net.Socket#remoteAddress`): shortest form, IPv4-mapped as ::ffff:a.b.c.d. */
function ipv6Text(bytes: readonly number[]): string {
  const groups = Array.from({ length: 8 }, (_, index) => (bytes[2 * index] << 8) | bytes[2 * index + 1]);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
