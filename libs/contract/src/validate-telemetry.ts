import { countJsonMembers, findDuplicateKey, scanJson, printable, quoted } from '@hub/common';
import { Domain, MetricCatalogue } from './metric-catalogue';
import { RejectReason } from './reject-reason';
import { DeviceAddress } from './telemetry-topic';

export interface ValidationLimits {
  readonly maxPayloadBytes: number;
  readonly maxBatchReadings: number;
  /** A reading whose ts is older than receivedAt - maxAgeMs is refused. */
  readonly maxAgeMs: number;
  /** A reading whose ts is later than receivedAt + maxFutureMs is refused. */
  readonly maxFutureMs: number;
}

export interface Reading {
  readonly domain: Domain;
  readonly deviceId: string;
  /** Event time in epoch ms: the device's own ts when it sent one, else the receive time. */
  readonly ts: number;
  readonly tsFromDevice: boolean;
  readonly seq?: number;
  /** Metric name → value; names and values already checked against the catalogue. */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface Rejection {
  readonly reason: RejectReason;
  readonly detail: string;
  /** Position in a batch payload; absent for a single reading or a whole-message failure. */
  readonly index?: number;
  /** The refused entry re-serialised (for batches), so a dead letter shows just the bad entry. */
  readonly entry?: string;
}

export interface ValidationResult {
  readonly readings: Reading[];
  readonly rejections: Rejection[];
}

/** Deepest nesting of arrays and objects a payload may have; a reading needs 3 (batch → reading → metrics). */
export const MAX_JSON_DEPTH = 32;
/** Epoch ms of the last instant a JavaScript Date can hold (+275760-09-13); beyond it a time cannot even be printed. */
const MAX_DATE_MS = 8.64e15;

const ALLOWED_FIELDS = new Set(['ts', 'seq', 'metrics']);
// ISO-8601 date-time with an explicit zone; a zoneless time would be read in the server's zone, which is a guess.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks one MQTT payload against the contract. A batch is validated entry by entry: good entries are returned,
 * each bad one gets its own rejection. A reading is stored whole or refused whole.
 * Pure and synchronous: no I/O, so it can be unit-tested and benchmarked on its own.
 */
export function validateTelemetry(
  address: DeviceAddress,
  payload: Uint8Array,
  receivedAt: number,
  limits: ValidationLimits,
  catalogue: MetricCatalogue,
): ValidationResult {
  if (payload.length > limits.maxPayloadBytes) {
    return refuse('PAYLOAD_TOO_LARGE', `payload is ${payload.length} bytes, limit ${limits.maxPayloadBytes}`);
  }
  // The decoder would drop a BOM silently; RFC 8259 §8.1 forbids sending one, and a device that does is misconfigured.
  if (payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf) {
    return refuse('MALFORMED_JSON', 'payload starts with a UTF-8 byte order mark (EF BB BF); JSON sent over a network must not (RFC 8259 §8.1)');
  }
  // Before parsing: JSON.parse itself is iterative, but a deep document would blow the stack of anything that walks it.
  const scan = scanJson(payload, MAX_JSON_DEPTH);
  if (!scan.ok) {
    return refuse('NESTING_TOO_DEEP', `arrays and objects nest deeper than ${MAX_JSON_DEPTH} levels (byte ${scan.offset}); a reading needs 3`);
  }
  let text: string;
  try {
    text = UTF8.decode(payload);
  } catch {
    // Said plainly: the decoder's message names no byte, and its TypeError is not `instanceof Error` in a vm context (jest).
    return refuse('MALFORMED_JSON', 'payload is not valid UTF-8');
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the payload, NUL bytes and all.
    return refuse('MALFORMED_JSON', error instanceof Error ? printable(error.message.slice(0, 200)) : 'not JSON');
  }
  if (countJsonMembers(document) !== scan.members) {
    const duplicate = findDuplicateKey(text);
    const where = duplicate === undefined ? 'an object repeats a key' : `key ${quoted(duplicate.key)} appears more than once in ${duplicate.path}`;
    return refuse('DUPLICATE_KEY', `${where}; JSON parsers disagree on which value counts`);
  }

  if (!Array.isArray(document)) {
    const outcome = checkReading(address, document, receivedAt, limits, catalogue);
    return 'reason' in outcome ? { readings: [], rejections: [outcome] } : { readings: [outcome], rejections: [] };
  }
  if (document.length === 0) {
    return refuse('BATCH_EMPTY', 'payload is an empty array');
  }
  if (document.length > limits.maxBatchReadings) {
    return refuse('BATCH_TOO_LARGE', `batch holds ${document.length} readings, limit ${limits.maxBatchReadings}`);
  }
  const readings: Reading[] = [];
  const rejections: Rejection[] = [];
  for (let index = 0; index < document.length; index++) {
    const outcome = checkReading(address, document[index], receivedAt, limits, catalogue);
    if ('reason' in outcome) {
      // Safe to re-serialise (JSON.stringify recurses): the scan bounded the depth before parsing.
      rejections.push({ ...outcome, index, entry: JSON.stringify(document[index]) });
    } else {
      readings.push(outcome);
    }
  }
  return { readings, rejections };
}

function refuse(reason: RejectReason, detail: string): ValidationResult {
  return { readings: [], rejections: [{ reason, detail }] };
}

function checkReading(
  address: DeviceAddress,
  entry: unknown,
  receivedAt: number,
  limits: ValidationLimits,
  catalogue: MetricCatalogue,
): Reading | Rejection {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { reason: 'READING_NOT_OBJECT', detail: `a reading must be an object, got ${describe(entry)}` };
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!ALLOWED_FIELDS.has(key)) {
      return { reason: 'FIELD_UNKNOWN', detail: `unknown field ${quoted(key)}; allowed: ts, seq, metrics` };
    }
  }

  let ts = receivedAt;
  const tsFromDevice = record.ts !== undefined;
  if (tsFromDevice) {
    const parsed = parseTimestamp(record.ts);
    if (parsed === undefined) {
      return { reason: 'TS_INVALID', detail: `ts ${describe(record.ts)} is neither epoch ms nor ISO-8601 with a zone` };
    }
    if (parsed > receivedAt + limits.maxFutureMs) {
      const hint = unitHint(record.ts, parsed / 1000, receivedAt, limits, 'microseconds');
      return { reason: 'TS_IN_FUTURE', detail: `ts ${new Date(parsed).toISOString()} is ${parsed - receivedAt} ms ahead of the receive time${hint}` };
    }
    if (parsed < receivedAt - limits.maxAgeMs) {
      const hint = unitHint(record.ts, parsed * 1000, receivedAt, limits, 'seconds');
      return { reason: 'TS_TOO_OLD', detail: `ts ${new Date(parsed).toISOString()} is older than the ${limits.maxAgeMs} ms window${hint}` };
    }
    ts = parsed;
  }

  let seq: number | undefined;
  if (record.seq !== undefined) {
    // -0 passes `< 0`; a counter that prints it comes from a broken serialiser.
    if (typeof record.seq !== 'number' || !Number.isSafeInteger(record.seq) || record.seq < 0 || Object.is(record.seq, -0)) {
      return { reason: 'SEQ_INVALID', detail: `seq ${describe(record.seq)} is not a non-negative integer` };
    }
    seq = record.seq;
  }

  const metrics = record.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    return { reason: 'METRICS_MISSING', detail: `"metrics" must be an object of metric → number, got ${describe(metrics)}` };
  }
  const names = Object.keys(metrics);
  if (names.length === 0) {
    return { reason: 'METRICS_MISSING', detail: '"metrics" is empty' };
  }
  const values = metrics as Record<string, unknown>;
  for (const name of names) {
    const spec = catalogue.metricSpec(address.domain, name);
    if (spec === undefined) {
      return { reason: 'METRIC_UNKNOWN', detail: `${quoted(name)} is not a ${address.domain} metric` };
    }
    if (spec.retiredAt !== undefined) {
      return { reason: 'METRIC_UNKNOWN', detail: `${quoted(name)} was retired from ${address.domain} on ${new Date(spec.retiredAt).toISOString()}` };
    }
    const value = values[name];
    if (typeof value !== 'number') {
      return { reason: 'VALUE_NOT_NUMBER', detail: `${name} is ${describe(value)}, not a number` };
    }
    // JSON has no NaN literal; a huge exponent such as 1e400 parses to Infinity.
    if (!Number.isFinite(value)) {
      return { reason: 'VALUE_NOT_FINITE', detail: `${name} overflows to ${value}` };
    }
    if (spec.integer && !Number.isInteger(value)) {
      return { reason: 'VALUE_NOT_INTEGER', detail: `${name} must be a whole number, got ${value}` };
    }
    if (value < spec.range[0] || value > spec.range[1]) {
      return {
        reason: 'VALUE_OUT_OF_RANGE',
        detail: `${name} ${value} ${spec.unit} is outside [${spec.range[0]}, ${spec.range[1]}]`,
      };
    }
  }
  return { domain: address.domain, deviceId: address.deviceId, ts, tsFromDevice, seq, metrics: values as Record<string, number> };
}

/**
 * Epoch milliseconds (a whole number from 0 to 8.64e15, the range of a Date) or an ISO-8601 date-time with a zone;
 * anything else is undefined. -0 is 0.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 && value <= MAX_DATE_MS ? value + 0 : undefined;
  }
  if (typeof value === 'string' && value.length <= 40 && ISO_DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    // V8 rolls a day past the month's end over (2024-02-30 → 2024-03-01) instead of refusing it.
    const [year, month, day] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return Number.isNaN(ms) || day > daysInMonth ? undefined : ms;
  }
  return undefined;
}

/** A numeric ts that lands in the window once rescaled is a unit mistake; saying so saves a field engineer the arithmetic. */
function unitHint(ts: unknown, rescaled: number, receivedAt: number, limits: ValidationLimits, unit: string): string {
  const fits = typeof ts === 'number' && rescaled >= receivedAt - limits.maxAgeMs && rescaled <= receivedAt + limits.maxFutureMs;
  return fits ? `; epoch ${unit}? ts is in milliseconds` : '';
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quoted(value, 32)}`;
  if (typeof value === 'object') return 'an object';
  if (Object.is(value, -0)) return 'number -0';
  return `${typeof value} ${String(value)}`;
}
