import { inspect } from 'node:util';

/**
 * One log entry as the hub writes it, whatever the format: when, how bad, which class, what happened, and the
 * structured fields the caller gave (`logger.warn({ msg, deviceId, error })`). Text and JSON show the same fields.
 */
export interface LogEntry {
  readonly time: Date;
  /** Nest's level names: log, warn, error, debug, verbose, fatal. */
  readonly level: string;
  readonly context: string | undefined;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * What a caller logged, split into the message and its fields: a string is the message; a plain object gives `msg`
 * (or `message`) and the rest are fields; an Error gives its message and an `error` field. Fields left undefined
 * (an optional value the caller did not have) are dropped, as JSON.stringify would.
 */
export function splitMessage(message: unknown, params: Record<string, unknown> | undefined): { msg: string; fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = {};
  let msg: string;
  if (typeof message === 'string') {
    msg = message;
  } else if (message instanceof Error) {
    msg = message.message;
    fields.error = message;
  } else if (isPlainObject(message)) {
    const { msg: text, message: alternative, ...rest } = message;
    msg = typeof text === 'string' ? text : typeof alternative === 'string' ? alternative : '';
    Object.assign(fields, rest);
  } else {
    msg = inspect(message, { compact: true, breakLength: Infinity });
  }
  Object.assign(fields, params);
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return { msg, fields };
}

/**
 * `12:01:02 WARN [MqttPerimeter] MQTT login refused address=127.0.0.1 clientId=w-1 code=bad-credentials`: local
 * time, level, context, message, then the fields as key=value on the same line (strings with spaces, quotes or `=`
 * quoted as JSON strings, objects as JSON). An Error field shows as `error="Name: message"` on the line, and its
 * stack frames follow on the next lines, indented, so the entry's first line stays greppable.
 */
export function formatTextLine(entry: LogEntry, paint: (levelLabel: string) => string = (label) => label): string {
  const head = [entry.time.toTimeString().slice(0, 8), paint(entry.level.toUpperCase())];
  if (entry.context) head.push(`[${entry.context}]`);
  const parts = entry.msg === '' ? head : [...head, entry.msg];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(entry.fields)) {
    parts.push(`${key}=${formatValue(value)}`);
    if (value instanceof Error) stacks.push(...stackFrames(value));
  }
  return [parts.join(' '), ...stacks].join('\n');
}

/** The same entry as one JSON object's fields: `{ time, level, context, msg, …fields }` (Errors serialized by the caller). */
export function jsonFields(entry: LogEntry, serializeError: (error: Error) => unknown): Record<string, unknown> {
  const record: Record<string, unknown> = { time: entry.time.toISOString(), level: entry.level };
  if (entry.context) record.context = entry.context;
  record.msg = entry.msg;
  for (const [key, value] of Object.entries(entry.fields)) {
    // The entry's own keys win: a field named "level" must not change how bad the entry looks.
    if (key in record) continue;
    record[key] = value instanceof Error ? serializeError(value) : value;
  }
  return record;
}

export function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Circular or a throwing toJSON: inspect still shows it, on one line.
  }
  return inspect(value, { compact: true, breakLength: Infinity, depth: 3 });
}

/** The stack's "at …" lines (its first line is the `Name: message` already on the entry's line), and its cause's. */
function stackFrames(error: Error, depth = 0): string[] {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).map((line) => `    ${line.trim()}`);
  if (error.cause instanceof Error && depth < 3) {
    frames.push(`  caused by ${error.cause.name}: ${error.cause.message}`, ...stackFrames(error.cause, depth + 1));
  }
  return frames;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
