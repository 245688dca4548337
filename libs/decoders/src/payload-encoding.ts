/**
 * Hex and base64 payloads, as NB-IoT carrier platforms and DTUs forward them. Node's Buffer.from(text, 'hex') stops
 * silently at the first bad character and 'base64' skips them, so a corrupted frame would decode to fewer bytes
 * instead of being refused; these check first.
 */
export type PayloadEncoding = 'bytes' | 'hex' | 'base64';

export const PAYLOAD_ENCODINGS: readonly PayloadEncoding[] = ['bytes', 'hex', 'base64'];

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// Standard or URL-safe alphabet, padding optional but only at the end.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export type BytesOrProblem = { readonly bytes: Uint8Array } | { readonly problem: string };

export function decodeHex(text: string): BytesOrProblem {
  // Platforms differ in case, a 0x prefix and spaces between bytes; none of that is ambiguous.
  const compact = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!HEX.test(compact)) {
    const bad = compact.search(/[^0-9a-fA-F]/);
    return { problem: bad >= 0 ? `not hex: character ${JSON.stringify(compact[bad])} at ${bad}` : `odd number of hex digits (${compact.length})` };
  }
  return { bytes: Buffer.from(compact, 'hex') };
}

export function decodeBase64(text: string): BytesOrProblem {
  const compact = text.trim();
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    return { problem: `not base64: ${JSON.stringify(compact.slice(0, 32))}` };
  }
  return { bytes: Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64') };
}

/** The payload's bytes as the profile says they arrive: raw, or hex/base64 text (taken from `text`, else the bytes as ASCII). */
export function payloadBytes(bytes: Uint8Array, text: string | undefined, encoding: PayloadEncoding): BytesOrProblem {
  if (encoding === 'bytes') return { bytes };
  const source = text ?? Buffer.from(bytes).toString('latin1');
  return encoding === 'hex' ? decodeHex(source) : decodeBase64(source);
}
