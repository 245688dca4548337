import { formatDuration, parseDuration } from './duration';
import { DomainError, type DomainIssue, type IssueCode, type IssueParams } from './domain-error';

/** A request body (or part of one) that does not describe a valid object; every problem is listed with its field. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';

  constructor(
    what: string,
    override readonly issues: readonly DomainIssue[],
  ) {
    super(`Invalid ${what}: ${issues.map((issue) => `${issue.field} ${issue.problem}`).join('; ')}`, { code: 'invalid-input', params: { count: issues.length } });
    this.name = 'InvalidInputError';
  }
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the fields of one JSON object, collecting every problem (path, what is wrong, what is allowed) instead of
 * stopping at the first, so an operator fixes a rule in one round trip. Unknown fields are problems too: a typo such
 * as `treshold` must not silently become a rule without one.
 */
export class JsonInputReader {
  private constructor(
    private readonly fields: JsonObject,
    private readonly path: string,
    readonly issues: DomainIssue[],
  ) {}

  /** A reader for `value`, or undefined (with an issue recorded) when it is not an object. */
  static of(value: unknown, path: string, issues: DomainIssue[], allowedKeys: readonly string[]): JsonInputReader | undefined {
    if (!isJsonObject(value)) {
      issues.push({ field: path || '(body)', problem: `must be a JSON object, got ${describe(value)}`, code: 'not-object', params: { got: describe(value) } });
      return undefined;
    }
    const reader = new JsonInputReader(value, path, issues);
    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) reader.fail(key, `is not a known field; allowed: ${allowedKeys.join(', ')}`, 'unknown-field', { allowed: allowedKeys.join(', ') });
    }
    return reader;
  }

  has(key: string): boolean {
    return this.fields[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.fields[key];
  }

  field(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** Records a problem of `key`: a generic one with its code and values, else one particular to the field. */
  fail(key: string, problem: string, code?: IssueCode, params?: IssueParams): undefined {
    this.issues.push({ field: this.field(key), problem, ...(code ? { code } : {}), ...(params ? { params } : {}) });
    return undefined;
  }

  /** Records that `key` is missing (or unusable as given, e.g. an empty password). */
  missing(key: string, problem = 'is required'): undefined {
    return this.fail(key, problem, 'required');
  }

  string(key: string, options: { maxLength: number; pattern?: RegExp; patternText?: string }): string | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '' || value.length > options.maxLength) {
      return this.fail(key, `must be a non-empty string of at most ${options.maxLength} characters, got ${describe(value)}`, 'text', { maxLength: options.maxLength, got: describe(value) });
    }
    if (options.pattern && !options.pattern.test(value)) return this.fail(key, `must match ${options.patternText ?? String(options.pattern)}`, 'pattern');
    return value;
  }

  requiredString(key: string, options: { maxLength: number; pattern?: RegExp; patternText?: string }): string | undefined {
    if (!this.has(key)) return this.missing(key);
    return this.string(key, options);
  }

  number(key: string, options: { min?: number; max?: number; integer?: boolean; what?: string } = {}): number | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE, integer = false } = options;
    const kind = integer ? 'a whole number' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      const bounds = options.what ?? `from ${min} to ${max}`;
      const params: Record<string, string | number> = { integer: integer ? 1 : 0, got: describe(value) };
      if (min !== -Number.MAX_VALUE) params.min = min;
      if (max !== Number.MAX_VALUE) params.max = max;
      return this.fail(key, `must be ${kind} ${bounds}, got ${describe(value)}`, 'number', params);
    }
    return value;
  }

  requiredNumber(key: string, options: { min?: number; max?: number; integer?: boolean; what?: string } = {}): number | undefined {
    if (!this.has(key)) return this.missing(key);
    return this.number(key, options);
  }

  boolean(key: string): boolean | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.fail(key, `must be true or false, got ${describe(value)}`, 'boolean', { got: describe(value) });
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.fail(key, `must be one of ${allowed.join(', ')}, got ${describe(value)}`, 'one-of', { allowed: allowed.join(', '), got: describe(value) });
    }
    return value as T;
  }

  requiredOneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    if (!this.has(key)) return this.missing(key, `is required: one of ${allowed.join(', ')}`);
    return this.oneOf(key, allowed);
  }

  /** A duration as a string (500ms, 30s, 5m, 2h, 1d) or a number of milliseconds. */
  duration(key: string, minMs: number, maxMs: number): number | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    const ms = typeof value === 'number' ? (Number.isSafeInteger(value) ? value : undefined) : typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined || ms < minMs || ms > maxMs) {
      const [min, max] = [formatDuration(minMs), formatDuration(maxMs)];
      return this.fail(key, `must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from ${min} to ${max}, got ${describe(value)}`, 'duration', { min, max, got: describe(value) });
    }
    return ms;
  }

  /** An array of distinct strings, each matching `pattern`. */
  stringList(key: string, options: { maxItems: number; pattern: RegExp; patternText: string }): string[] | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length > options.maxItems) {
      return this.fail(key, `must be an array of at most ${options.maxItems} strings, got ${describe(value)}`, 'list', { maxItems: options.maxItems, got: describe(value) });
    }
    const bad = value.findIndex((item) => typeof item !== 'string' || !options.pattern.test(item));
    if (bad >= 0) return this.fail(`${key}[${bad}]`, `must be ${options.patternText}, got ${describe(value[bad])}`, 'list-item', { got: describe(value[bad]) });
    if (new Set(value).size !== value.length) return this.fail(key, 'must not repeat an entry', 'repeated');
    return value as string[];
  }

  /** A nested object, or undefined when absent or invalid. */
  object(key: string, allowedKeys: readonly string[]): JsonInputReader | undefined {
    if (!this.has(key)) return undefined;
    return JsonInputReader.of(this.fields[key], this.field(key), this.issues, allowedKeys);
  }
}


export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
