import { isIPv6 } from 'node:net';

/**
 * What per-address limits are counted against. IPv4 (also written IPv4-mapped, `::ffff:192.0.2.7`) is the address
 * itself; IPv6 is its /64, because one subscriber usually gets a whole /64 and could otherwise pick a fresh address
 * for every connection. A connection without an address (already closed) is `unknown`.
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined || remoteAddress === '') return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  if (mapped) return mapped[1];
  if (!isIPv6(remoteAddress)) return remoteAddress;
  return `${expandIPv6(remoteAddress).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded (a zone id such as `%eth0` dropped). */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms not caught above, 64:ff9b::1.2.3.4) is two groups.
  const groups = (parts: string[]) => parts.flatMap((part) => (part.includes('.') ? ipv4Groups(part) : [part]));
  const l = groups(left);
  const r = groups(right);
  const zeros = tail === undefined ? [] : new Array<string>(8 - l.length - r.length).fill('0');
  return [...l, ...zeros, ...r].map((group) => group.replace(/^0+(?=.)/, ''));
}

function ipv4Groups(dotted: string): string[] {
  const [a, b, c, d] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
