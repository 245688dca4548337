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

/** Collects every bad variable before failing, so an operator fixes them all in one go. */
export class ConfigReader {
  readonly errors: ConfigError[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return this.fail(name, value, `a whole number from ${min} to ${max}`, fallback);
    }
    return Number(value);
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, 0, 65535);
  }

  /** A port, or "off" to disable the listener (returns null). */
  portOrOff(name: string, fallback: number | null): number | null {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value.toLowerCase() === 'off') return null;
    return this.port(name, fallback ?? 0);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(name, value, `one of ${allowed.join(', ')}`, fallback);
    }
    return value as T;
  }

  /** A duration such as 250ms, 30s, 5m, 12h or 7d; returns milliseconds. */
  duration(name: string, fallback: string, minMs: number, maxMs: number): number {
    const value = this.raw(name) ?? fallback;
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      return this.fail(name, value, `a duration like 500ms, 30s, 5m, 12h or 7d, from ${minMs} ms to ${maxMs} ms`, parseDuration(fallback) ?? 0);
    }
    return ms;
  }

  /** A size such as 65536, 64KiB, 256MiB or 2GiB; returns bytes. */
  bytes(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const bytes = parseBytes(value);
    if (bytes === undefined || bytes < min || bytes > max) {
      return this.fail(name, value, `a size in bytes or with KiB/MiB/GiB, from ${min} to ${max} bytes`, fallback);
    }
    return bytes;
  }

  /**
   * An http(s) URL without `user:password@`: URLs are written to logs and to the (public) health answer's error
   * messages, so credentials go in their own variables. A refused value is echoed with any user info hidden.
   */
  url(name: string, fallback: string): string {
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

  private fail<T>(name: string, value: string, allowed: string, fallback: T): T {
    this.errors.push(new ConfigError(name, value, allowed));
    return fallback;
  }
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
