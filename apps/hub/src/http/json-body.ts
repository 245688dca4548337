import type { IncomingMessage, ServerResponse } from 'node:http';
import { scanJson, printable, quoted } from '@hub/common';

/**
 * How the API reads JSON request bodies (express.json options, installed in main.ts) and how a refused body is
 * explained. The bodies are rules, silences, comments and provisioning requests: a megabyte is far more than any.
 */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects in a body; the deepest real body (an alert rule) needs 3. */
export const MAX_JSON_BODY_DEPTH = 32;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A body refused by our own checks; body-parser keeps the instance, so the message reaches the client as it is. */
export class BodyRefusedError extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefusedError';
  }
}

/**
 * Runs on the raw bytes before they are parsed: UTF-8 only (RFC 8259 §8.1: JSON between systems is UTF-8; body-parser
 * would also take UTF-16/32 and decode invalid bytes to U+FFFD silently), and no nesting deeper than any recursive
 * walk of the parsed body (a reviver, JSON.stringify into the audit log) can take.
 */
export function checkJsonBody(_request: IncomingMessage, _response: ServerResponse, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8') throw new BodyRefusedError(415, `Request body charset ${quoted(encoding)} is not supported; send UTF-8 JSON`);
  const scan = scanJson(body, MAX_JSON_BODY_DEPTH);
  if (!scan.ok) throw new BodyRefusedError(400, `Request body nests arrays and objects deeper than ${MAX_JSON_BODY_DEPTH} levels (byte ${scan.offset})`);
  try {
    UTF8.decode(body);
  } catch {
    throw new BodyRefusedError(400, 'Request body is not valid UTF-8');
  }
}

/**
 * JSON.parse makes `"__proto__"` an own property, harmless by itself, but code that copies fields by assignment
 * (`target[key] = value`) would set a prototype with it. No body here has such a field, so it is refused outright.
 */
export function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new BodyRefusedError(400, 'Request body has a "__proto__" key, which is never a field here');
  return value;
}

/**
 * Device ingest posts (`POST /api/ingest/{domain}/{deviceId}`) and network server webhooks (`POST /api/lorawan/things-stack/{message}`)
 * are left unparsed: their handler reads the raw bytes,
 * which the data contract validates exactly as an MQTT payload (a parser would hide a BOM or a repeated key). So is an
 * area boundary upload (`PUT /api/area-boundaries`): a county's GeoJSON outgrows the 1 MiB above, and has its own limit.
 */
const RAW_BODY_PATH = /^\/api\/(?:ingest\/[^/?]+\/[^/?]+|lorawan\/things-stack\/[^/?]+|area-boundaries)\/?(?:\?|$)/;

/** Which requests the JSON body parser reads: application/json ones (body-parser's default), except ingest posts. */
export function parsesAsJson(request: IncomingMessage): boolean {
  if (RAW_BODY_PATH.test(request.url ?? '')) return false;
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

export const JSON_BODY_OPTIONS = { limit: MAX_JSON_BODY_BYTES, verify: checkJsonBody, reviver: refuseProtoKey, type: parsesAsJson } as const;

/**
 * What to tell the client when reading its body failed: `cause` is body-parser's error (or ours). The library's own
 * messages ("request entity too large", "incorrect header check", or "null is not valid JSON" for a valid `null`)
 * do not say what to send instead. Undefined when the error is not about the body.
 */
export function bodyErrorMessage(cause: unknown): string | undefined {
  if (cause instanceof BodyRefusedError) return cause.message;
  if (typeof cause !== 'object' || cause === null) return undefined;
  const error = cause as { type?: unknown; message?: unknown; body?: unknown; limit?: unknown; length?: unknown; charset?: unknown; encoding?: unknown; code?: unknown };
  const message = typeof error.message === 'string' ? printable(error.message.slice(0, 200)) : '';
  switch (error.type) {
    case 'entity.too.large':
      return `Request body${typeof error.length === 'number' ? ` of ${error.length} bytes` : ''} is larger than the limit of ${String(error.limit)} bytes`;
    case 'entity.parse.failed': {
      const text = typeof error.body === 'string' ? error.body.trimStart() : undefined;
      if (text !== undefined && text !== '' && text[0] !== '{' && text[0] !== '[') return `Request body must be a JSON object or array, got ${quoted(text, 20)}`;
      return `Request body is not valid JSON: ${message}`;
    }
    case 'charset.unsupported':
      return `Request body charset ${quoted(String(error.charset))} is not supported; send UTF-8 JSON`;
    case 'encoding.unsupported':
      return `Content-Encoding ${quoted(String(error.encoding))} is not supported; send the body uncompressed, or as gzip, deflate or br`;
    case 'request.size.invalid':
      return 'Request body length does not match its Content-Length';
    case 'request.aborted':
      return 'Request body was cut off before its end';
  }
  // zlib's errors, when a body sent as gzip/deflate/br is not.
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) return `Request body could not be decompressed as its Content-Encoding says: ${message}`;
  return undefined;
}

/** The stable code of a body that could not be read (413's own code, `payload-too-large`, says the rest). */
export function bodyErrorCode(cause: unknown): string | undefined {
  if (bodyErrorMessage(cause) === undefined || (cause as { type?: unknown }).type === 'entity.too.large') return undefined;
  return 'body-unreadable';
}
