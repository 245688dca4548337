import { gzipSync } from 'node:zlib';
import type { Random } from '@hub/common';
import { between, pick, shuffled as shuffle } from './fuzz-readings';

/**
 * Random and mutated HTTP requests against every route the service's own OpenAPI document lists (so routes added
 * later are fuzzed too): hostile path ids, query strings with unknown, repeated and absurd parameters, and bodies
 * that are valid examples broken in every way a JSON text can be, sent with right and wrong content types.
 */
export interface FuzzRoute {
  readonly method: string;
  /** OpenAPI path, e.g. `/api/alerts/{id}/history`. */
  readonly path: string;
  readonly query: ReadonlyArray<{ readonly name: string; readonly values?: readonly string[] }>;
}

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema?: { enum?: unknown[] } }> }>>;
}

/** Routes from /api/docs-json; the live event stream never ends, so it is left out. */
export function routesOf(document: OpenApiDocument): FuzzRoute[] {
  return Object.entries(document.paths)
    .filter(([path]) => !path.startsWith('/api/events'))
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        query: (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, values: parameter.schema?.enum?.map(String) })),
      })),
    );
}

const HOSTILE_VALUES = [
  '', ' ', '0', '-1', '1', '1.5', '1000', '1001', '1e400', '9'.repeat(30), 'NaN', 'Infinity', '-0', 'true', 'false', 'null', 'undefined',
  'open', 'firing', 'critical', 'water', 'VALUE_OUT_OF_RANGE', '10s', '1ms', '0s', '999999d', '2025-01-01T00:00:00Z', '2025-13-45T99:99:99Z',
  '2025-01-01T00:00:00', '8640000000000001', '-62167219200000', '1677-01-01T00:00:00Z', '%00', '%ff', '%E2%80%AE', '%0a', '%2e%2e%2f', '__proto__',
  'constructor', '[]', '{}', 'a,b=c d', "' OR 1=1 --", '"; DROP TABLE alerts; --', '/../../etc/passwd', 'x'.repeat(5000), 'Køge', '東京', '🚰',
];

/** Values a parameter of that name plausibly takes, so that requests get past the first check to the deeper ones. */
const PLAUSIBLE_VALUES: Record<string, readonly string[]> = {
  limit: ['1', '10', '1000'],
  before: ['1', '50', '9007199254740991'],
  from: ['2025-01-01T00:00:00Z', String(Date.now() - 3_600_000), '1677-09-22T00:00:00Z'],
  to: ['2030-01-01T00:00:00Z', String(Date.now()), '2262-04-11T00:00:00Z'],
  every: ['1s', '1m', '1h', '1d'],
  device: ['fz-water-0', 'fz-gas-1', 'api-in-1'],
  town: ['Køge', 'North Yard', 'a,b=c d'],
  rule: ['gas-methane-alarm', 'no-such-rule'],
};
const PLAUSIBLE_IDS = ['1', '2', '3', 'gas-methane-alarm', 'water-pressure-low', 'fz-water-0', 'fz-traffic-1', '424242'];

const HOSTILE_IDS = [
  '1', '2', '0', '-1', '424242', '9'.repeat(20), 'abc', 'gas-methane-alarm', 'fz-water-0', 'fz-power-1', 'no-such-thing', '%00', '%ff', '%2e%2e',
  '..', 'a%2Fb', 'a%20b', 'x'.repeat(3000), '__proto__', 'constructor', 'K%C3%B8ge', '%F0%9F%9A%B0', 'NaN', '1e3', '0x10',
];

/** Bodies the routes accept as they are (or nearly), to be broken by mutation. */
function seedBodies(now: number): unknown[] {
  return [
    { name: 'Fuzz rule', severity: 'info', enabled: false, selector: { domain: 'water', metric: 'ph' }, condition: { type: 'threshold', operator: 'above', value: 9 } },
    { name: 'Fuzz stuck', severity: 'warning', enabled: false, selector: { domain: 'power', metric: 'voltage_v', deviceIds: ['fz-power-0'] }, condition: { type: 'stuck', window: '30m' } },
    { deviceId: 'fz-water-0', duration: '1h', reason: 'fuzz', createdBy: 'fuzz' },
    { town: 'Køge', endsAt: new Date(now + 3_600_000).toISOString(), reason: 'fuzz', createdBy: 'fuzz' },
    { by: 'fuzz', note: 'seen' },
    { by: 'fuzz', text: 'a comment' },
    { enabled: true },
    { endsAt: new Date(now + 7_200_000).toISOString() },
  ];
}

/** A JSON value of random shape: what a client with a bug might send. */
function randomValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.5) return pick(random, [0, -1, 1.5, 1e308, -0, '', 'x', 'Køge', null, true, false, '2025-01-01T00:00:00Z', '5m', 'water']);
  if (roll < 0.75) return Array.from({ length: between(random, 0, 4) }, () => randomValue(random, depth + 1));
  const keys = ['name', 'severity', 'selector', 'condition', 'by', 'note', 'text', 'deviceId', 'town', 'endsAt', 'duration', 'reason', 'enabled', 'id', 'revision', 'x'];
  return Object.fromEntries(Array.from({ length: between(random, 0, 5) }, () => [pick(random, keys), randomValue(random, depth + 1)]));
}

/** One JSON text, broken in one of the ways fuzz-messages.ts breaks MQTT payloads (or left whole). */
function mutate(random: Random, text: string): Buffer {
  const bytes = Buffer.from(text);
  const at = between(random, 0, Math.max(0, bytes.length - 1));
  switch (between(random, 0, 11)) {
    case 0:
      return bytes.subarray(0, at);
    case 1:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([between(random, 0, 255)]), bytes.subarray(at + 1)]);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(random, ['{', '}', '[', ']', '"', ',', ':', '\\'])), bytes.subarray(at)]);
    case 3:
      return Buffer.from(text.replace(/(-?\d+(\.\d+)?)/, pick(random, ['1e400', `1${'0'.repeat(400)}`, '-0', '9007199254740993', '"7"', 'null', '[]', '{}'])));
    case 4:
      return Buffer.from(text.replace(/"[^"]*"(?=\s*[,}])/, pick(random, ['1', 'true', 'null', '[]', '{}', '"x"', `"${'x'.repeat(10_000)}"`])));
    case 5: {
      const levels = between(random, 20, 50_000);
      return Buffer.from(`${'['.repeat(levels)}${text}${']'.repeat(levels)}`);
    }
    case 6:
      return Buffer.from(text.replace(/^\{/, pick(random, ['{"__proto__":{"enabled":true},', '{"constructor":{"prototype":{"x":1}},', '{"\\u005f_proto__":1,', '{"name":"dup","name":"dup2",'])));
    case 7:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 8:
      return Buffer.from(JSON.stringify(randomValue(random)));
    default:
      return bytes;
  }
}

export class HttpFuzzer {
  constructor(
    private readonly random: Random,
    private readonly routes: readonly FuzzRoute[],
    private readonly adminHeaders: Record<string, string>,
    private readonly maxBodyBytes: number,
  ) {}

  next(): FuzzRequest {
    const random = this.random;
    const route = pick(random, this.routes);
    const method = random() < 0.05 ? pick(random, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) : route.method;
    const path = route.path.replace(/\{[^}]+\}/g, () => pick(random, random() < 0.5 ? PLAUSIBLE_IDS : HOSTILE_IDS));
    const headers: Record<string, string> = random() < 0.03 ? {} : { ...this.adminHeaders };
    // fetch cannot send a body with GET; a DELETE sometimes carries one.
    const body = method === 'GET' ? undefined : method === 'DELETE' ? (random() < 0.1 ? this.body(headers) : undefined) : random() < 0.9 ? this.body(headers) : undefined;
    return { method, path: `${path}${this.query(route)}`, headers, body };
  }

  /**
   * Mostly plausible values with at most one hostile one, so that a request gets past the first check: a handler
   * that validates parameters in turn would otherwise never be reached with, say, a repeated third parameter.
   */
  private query(route: FuzzRoute): string {
    const random = this.random;
    const chosen = route.query.filter(() => random() < 0.6);
    const mode = random();
    const hostileIndex = mode < 0.4 ? -1 : mode < 0.8 ? between(random, 0, chosen.length - 1) : Infinity;
    const parts: string[] = [];
    chosen.forEach(({ name, values }, index) => {
      const hostile = hostileIndex === Infinity || index === hostileIndex;
      const value = hostile ? pick(random, HOSTILE_VALUES) : pick(random, values ?? PLAUSIBLE_VALUES[name] ?? ['1', 'x']);
      parts.push(`${name}=${hostile && random() < 0.5 ? value : encodeURIComponent(value)}`);
    });
    // A repeated parameter reaches a handler as an array; an unknown one must not be ignored.
    if (parts.length > 0 && random() < 0.1) parts.push(pick(random, parts));
    if (random() < 0.1) parts.push(`${pick(random, ['limt', 'x', '__proto__', 'constructor', 'device[]', 'from[gt]', 'a'.repeat(300), '%00'])}=1`);
    return parts.length === 0 ? '' : `?${shuffle(random, parts).join('&')}`;
  }

  private body(headers: Record<string, string>): Buffer {
    const random = this.random;
    let body: Buffer =
      random() < 0.02 ? Buffer.from(`{"name":"${'x'.repeat(this.maxBodyBytes)}"}`) : mutate(random, JSON.stringify(pick(random, seedBodies(Date.now()))));
    const type = random();
    if (type < 0.8) headers['content-type'] = 'application/json';
    else if (type < 0.85) headers['content-type'] = pick(random, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv']);
    else if (type < 0.9) headers['content-type'] = pick(random, ['application/json; charset=latin1', 'application/json; charset=utf-16le', 'application/json; charset=utf-32']);
    else if (type < 0.95) {
      headers['content-type'] = 'application/json';
      headers['content-encoding'] = pick(random, ['gzip', 'deflate', 'br', 'compress', 'gzip, gzip']);
      if (random() < 0.5) body = gzipSync(body);
    }
    return body;
  }
}
