import { parseDuration } from '@hub/common';

/**
 * Parsers for environment values. Each throws ConfigError naming the variable, the value and what is allowed,
 * so that a bad setting stops the service at boot with a message an operator can act on.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Invalid environment variable ${variable}=${JSON.stringify(value)}: ${allowed}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a reader says of a variable besides reading it: a one-line description, and where the parser's own words
 * do not fit (a custom check, a default that is not a value), what is allowed and the default as an operator reads it.
 */
export type VariableNotes = string | { readonly description: string; readonly allowed?: string; readonly default?: string };

/** One variable as docs/configuration.md lists it; recorded by the reader that reads it, so the doc cannot drift. */
export interface ConfigVariable {
  readonly name: string;
  /** As an operator would write it (`10s`, `256KiB`), or a phrase in parentheses such as `(none)`. */
  readonly default: string;
  /** The same words a bad value's error message uses. */
  readonly allowed: string;
  readonly description: string;
}

/** Collects every bad variable before failing, so an operator fixes them all in one go. */
export class ConfigReader {
  readonly errors: ConfigError[] = [];
  private readonly recorded = new Map<string, ConfigVariable>();

  constructor(private readonly env: Env) {}

  /** Every variable read so far, in reading order, with its default, what is allowed and its description. */
  get variables(): readonly ConfigVariable[] {
    return [...this.recorded.values()];
  }

  /**
   * Records a variable. A read with notes replaces what an earlier one recorded (the typed read after a plain
   * "is it off?" look is the one that knows the default); a read without notes (a value re-read for an error
   * message) keeps it.
   */
  private note(name: string, fallback: string, allowed: string, notes: VariableNotes | undefined): void {
    if (notes === undefined) {
      if (!this.recorded.has(name)) this.recorded.set(name, { name, default: fallback, allowed, description: '' });
      return;
    }
    const { description, ...given } = typeof notes === 'string' ? { description: notes } : notes;
    this.recorded.set(name, { name, default: given.default ?? fallback, allowed: given.allowed ?? allowed, description });
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** Whether the variable is set; with notes, it is recorded as one whose absence means something. */
  has(name: string, notes?: VariableNotes): boolean {
    if (notes !== undefined) this.note(name, NONE, ANY_TEXT, notes);
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback: string, notes?: VariableNotes): string {
    this.note(name, fallback, ANY_TEXT, notes);
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string, notes?: VariableNotes): string | undefined {
    this.note(name, NONE, ANY_TEXT, notes);
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number, notes?: VariableNotes): number {
    const allowed = `a whole number from ${min} to ${max}`;
    this.note(name, String(fallback), allowed, notes);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return this.fail(name, value, allowed, fallback);
    }
    return Number(value);
  }

  port(name: string, fallback: number, notes?: VariableNotes): number {
    return this.int(name, fallback, 0, 65535, notes);
  }

  /** A port, or "off" to disable the listener (returns null). */
  portOrOff(name: string, fallback: number | null, notes?: VariableNotes): number | null {
    this.note(name, fallback === null ? 'off' : String(fallback), 'a whole number from 0 to 65535, or off', notes);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value.toLowerCase() === 'off') return null;
    return this.port(name, fallback ?? 0);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, notes?: VariableNotes): T {
    const allowedText = `one of ${allowed.join(', ')}`;
    this.note(name, fallback, allowedText, notes);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(name, value, allowedText, fallback);
    }
    return value as T;
  }

  /** A duration such as 250ms, 30s, 5m, 12h or 7d; returns milliseconds. */
  duration(name: string, fallback: string, minMs: number, maxMs: number, notes?: VariableNotes): number {
    const allowed = `a duration like 500ms, 30s, 5m, 12h or 7d, from ${minMs} ms to ${maxMs} ms`;
    this.note(name, fallback, allowed, notes);
    const value = this.raw(name) ?? fallback;
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      return this.fail(name, value, allowed, parseDuration(fallback) ?? 0);
    }
    return ms;
  }

  /** A size such as 65536, 64KiB, 256MiB or 2GiB; returns bytes. */
  bytes(name: string, fallback: number, min: number, max: number, notes?: VariableNotes): number {
    const allowed = bytesAllowed(min, max);
    this.note(name, formatBytes(fallback), allowed, notes);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const bytes = parseBytes(value);
    if (bytes === undefined || bytes < min || bytes > max) {
      return this.fail(name, value, allowed, fallback);
    }
    return bytes;
  }

  /**
   * An http(s) URL without `user:password@`: URLs are written to logs and to the (public) health answer's error
   * messages, so credentials go in their own variables. A refused value is echoed with any user info hidden.
   */
  url(name: string, fallback: string, notes?: VariableNotes): string {
    this.note(name, fallback, 'an http:// or https:// URL, without user:password@', notes);
    const value = this.raw(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    } catch {
      return this.fail(name, withoutUserInfo(value), 'an http:// or https:// URL', fallback);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      return this.fail(name, withoutUserInfo(value), 'a URL without user:password@ (it is logged and shown in health errors); give credentials in their own variables', fallback);
    }
    return value.replace(/\/+$/, '');
  }

  /** An IANA time zone name (Asia/Shanghai); absent: the server's own zone. */
  timeZone(name: string, description: string): string {
    const server = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.note(name, server, 'an IANA time zone name such as Asia/Shanghai or Europe/Berlin', { description, default: "(the server's time zone)" });
    const value = this.raw(name);
    if (value === undefined) return server;
    try {
      // Canonical spelling: asia/shanghai → Asia/Shanghai.
      return new Intl.DateTimeFormat('en-GB', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      return this.fail(name, value, 'an IANA time zone name such as Asia/Shanghai or Europe/Berlin', server);
    }
  }

  private fail<T>(name: string, value: string, allowed: string, fallback: T): T {
    this.errors.push(new ConfigError(name, value, allowed));
    return fallback;
  }
}

const NONE = '(none)';
const ANY_TEXT = 'any text';

/** What ConfigReader.bytes allows, in the words of its error message. */
export function bytesAllowed(min: number, max: number): string {
  return `a size in bytes or with KiB/MiB/GiB, from ${min} to ${max} bytes`;
}

/** 262144 → `256KiB`: a size as an operator would write it. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** `scheme://user:pass@host` → `scheme://…@host`, also for a value that does not parse as a URL. */
function withoutUserInfo(value: string): string {
  return value.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1…@');
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseBytes(value: string): number | undefined {
  const match = /^(\d+)\s*(b|kib|mib|gib)?$/i.exec(value.trim());
  return match ? Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
}
