import jsonata from 'jsonata';
import type { DomainIssue } from '@hub/common';
import { DecoderDefinitionError } from '../decoder-definition.error';
import { isTimeZone, TIMESTAMP_FORMATS, TimestampFormat } from '../timestamp-format';
import { unitMismatch } from '../unit-conversion';

/**
 * A declarative mapping, as an admin saves it (JSON): which JSONata expression gives each metric, and how its
 * number becomes the catalogue's unit. `value = raw × scale + offset`, then converted `from` → `to`.
 */
export interface MappingDefinition {
  /** JSONata selecting the record(s) readings come from (an array gives one reading each); default: the payload. */
  readonly records?: string;
  readonly metrics: Readonly<Record<string, MetricMapping>>;
  readonly timestamp?: TimestampMapping;
  /** JSONata giving the reading's sequence number. */
  readonly seq?: string;
}

export interface MetricMapping {
  readonly expr: string;
  readonly scale?: number;
  readonly offset?: number;
  readonly unit?: UnitMapping;
}

/** `from` a fixed unit, or `fromExpr` reading it from the payload ({"P1": 4125, "unit": "0.1kPa"}); `to` the metric's unit. */
export interface UnitMapping {
  readonly from?: string;
  readonly fromExpr?: string;
  readonly to: string;
}

export interface TimestampMapping {
  readonly expr: string;
  readonly format: TimestampFormat;
  /** IANA zone for format 'local', e.g. Asia/Shanghai. */
  readonly zone?: string;
}

export interface MappingLimits {
  /** Wall-clock bound of one JSONata evaluation (jsonata's own guardrail, error D1012). */
  readonly timeLimitMs: number;
}

/**
 * JSONata's bound is wall-clock time checked between evaluation steps, so a busy machine's scheduling gaps count
 * against it; a legitimate mapping takes tens of µs, and runaway expressions are also stopped by the stack and
 * sequence bounds. At least this much, then, so a loaded CI core or a GC pause does not make a good mapping time
 * out (seen once at 50 ms on the 2-core CI machine).
 */
export const MIN_MAPPING_TIME_LIMIT_MS = 250;

export interface CompiledMetric {
  readonly name: string;
  readonly source: string;
  readonly expr: jsonata.Expression;
  readonly scale: number;
  readonly offset: number;
  readonly unit?: { readonly from?: string; readonly fromExpr?: jsonata.Expression; readonly fromSource?: string; readonly to: string };
}

export interface CompiledMappingParts {
  readonly records?: jsonata.Expression;
  readonly recordsSource?: string;
  readonly metrics: readonly CompiledMetric[];
  readonly timestamp?: { readonly expr: jsonata.Expression; readonly source: string; readonly format: TimestampFormat; readonly zone?: string };
  readonly seq?: { readonly expr: jsonata.Expression; readonly source: string };
}

// Metric names as the catalogue spells them (pressure_kpa); the catalogue itself is checked when the profile is wired.
const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_EXPRESSION_LENGTH = 2000;
// Bounds besides time: evaluation depth (a recursive lambda) and sequence length (a huge range such as [1..1e9]).
const JSONATA_STACK = 200;
const JSONATA_SEQUENCE = 10_000;

/**
 * Checks a mapping definition the way it will be used and compiles its expressions once. Every problem is collected
 * and thrown together as a DecoderDefinitionError, each naming its field (`metrics.pressure_kpa.expr`) and, for a bad
 * expression, JSONata's own code, position and message.
 */
export function compileMappingDefinition(definition: unknown, limits: MappingLimits, prefix = ''): CompiledMappingParts {
  const issues: DomainIssue[] = [];
  const at = (field: string) => `${prefix}${field}`;
  const compile = (field: string, source: unknown): jsonata.Expression | undefined => {
    if (typeof source !== 'string' || source.trim() === '') {
      issues.push({ field: at(field), problem: 'must be a JSONata expression (a non-empty string)' });
      return undefined;
    }
    if (source.length > MAX_EXPRESSION_LENGTH) {
      issues.push({ field: at(field), problem: `is ${source.length} characters; at most ${MAX_EXPRESSION_LENGTH}` });
      return undefined;
    }
    try {
      return jsonata(source, { timeout: Math.max(limits.timeLimitMs, MIN_MAPPING_TIME_LIMIT_MS), stack: JSONATA_STACK, sequence: JSONATA_SEQUENCE });
    } catch (error) {
      issues.push({ field: at(field), problem: describeJsonataError(error) });
      return undefined;
    }
  };

  if (!isPlainObject(definition)) {
    throw new DecoderDefinitionError([{ field: at('') || 'definition', problem: 'must be an object' }]);
  }
  unknownFields(definition, ['kind', 'records', 'metrics', 'timestamp', 'seq'], at, issues);

  const records = definition.records === undefined ? undefined : compile('records', definition.records);
  const metrics: CompiledMetric[] = [];
  if (!isPlainObject(definition.metrics) || Object.keys(definition.metrics).length === 0) {
    issues.push({ field: at('metrics'), problem: 'must map at least one metric name to { expr, scale?, offset?, unit? }' });
  } else {
    for (const [name, mapping] of Object.entries(definition.metrics)) {
      const field = `metrics.${name}`;
      if (!METRIC_NAME.test(name)) issues.push({ field: at(field), problem: 'a metric name is lower-case letters, digits and _ (e.g. pressure_kpa)' });
      if (!isPlainObject(mapping)) {
        issues.push({ field: at(field), problem: 'must be { expr, scale?, offset?, unit? }' });
        continue;
      }
      unknownFields(mapping, ['expr', 'scale', 'offset', 'unit'], (f) => at(`${field}.${f}`), issues);
      const expr = compile(`${field}.expr`, mapping.expr);
      const scale = finiteNumber(mapping.scale, 1, at(`${field}.scale`), issues);
      const offset = finiteNumber(mapping.offset, 0, at(`${field}.offset`), issues);
      const unit = compileUnit(mapping.unit, `${field}.unit`, at, issues, compile);
      if (expr !== undefined) metrics.push({ name, source: String(mapping.expr), expr, scale, offset, unit });
    }
  }

  let timestamp: CompiledMappingParts['timestamp'];
  if (definition.timestamp !== undefined) {
    const spec = definition.timestamp;
    if (!isPlainObject(spec)) {
      issues.push({ field: at('timestamp'), problem: 'must be { expr, format, zone? }' });
    } else {
      unknownFields(spec, ['expr', 'format', 'zone'], (f) => at(`timestamp.${f}`), issues);
      const expr = compile('timestamp.expr', spec.expr);
      const format = spec.format as TimestampFormat;
      if (!TIMESTAMP_FORMATS.includes(format)) {
        issues.push({ field: at('timestamp.format'), problem: `must be one of ${TIMESTAMP_FORMATS.join(', ')}` });
      }
      const zone = spec.zone;
      if (format === 'local' && (typeof zone !== 'string' || !isTimeZone(zone))) {
        issues.push({ field: at('timestamp.zone'), problem: `format local needs an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(zone)}` });
      } else if (format !== 'local' && zone !== undefined) {
        issues.push({ field: at('timestamp.zone'), problem: 'only format local takes a zone (the others carry their own)' });
      }
      if (expr !== undefined) timestamp = { expr, source: String(spec.expr), format, zone: typeof zone === 'string' ? zone : undefined };
    }
  }
  const seqExpr = definition.seq === undefined ? undefined : compile('seq', definition.seq);

  if (issues.length > 0) throw new DecoderDefinitionError(issues);
  return {
    records,
    recordsSource: typeof definition.records === 'string' ? definition.records : undefined,
    metrics,
    timestamp,
    seq: seqExpr === undefined ? undefined : { expr: seqExpr, source: String(definition.seq) },
  };
}

function compileUnit(
  unit: unknown,
  field: string,
  at: (field: string) => string,
  issues: DomainIssue[],
  compile: (field: string, source: unknown) => jsonata.Expression | undefined,
): CompiledMetric['unit'] {
  if (unit === undefined) return undefined;
  if (!isPlainObject(unit)) {
    issues.push({ field: at(field), problem: 'must be { from | fromExpr, to }' });
    return undefined;
  }
  unknownFields(unit, ['from', 'fromExpr', 'to'], (f) => at(`${field}.${f}`), issues);
  if ((unit.from === undefined) === (unit.fromExpr === undefined)) {
    issues.push({ field: at(field), problem: 'give exactly one of from (a unit) and fromExpr (JSONata reading the unit from the payload)' });
    return undefined;
  }
  const to = typeof unit.to === 'string' ? unit.to : '';
  if (unit.from !== undefined) {
    const problem = unitMismatch(String(unit.from), to);
    if (problem !== undefined) issues.push({ field: at(field), problem });
    return { from: String(unit.from), to };
  }
  const problem = unitMismatch(to, to);
  if (problem !== undefined) issues.push({ field: at(`${field}.to`), problem });
  const fromExpr = compile(`${field}.fromExpr`, unit.fromExpr);
  return { fromExpr, fromSource: String(unit.fromExpr), to };
}

/** JSONata's errors are plain objects { code, position, token, message }, not Error instances. */
export function describeJsonataError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, position, message } = error as { code?: unknown; position?: unknown; message?: unknown };
    const where = typeof position === 'number' ? ` at position ${position}` : '';
    return `JSONata ${String(code ?? 'error')}${where}: ${String(message ?? error)}`;
  }
  return `JSONata error: ${String(error)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(object: Record<string, unknown>, allowed: readonly string[], at: (field: string) => string, issues: DomainIssue[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) issues.push({ field: at(key), problem: `unknown field; allowed: ${allowed.join(', ')}` });
  }
}

function finiteNumber(value: unknown, fallback: number, field: string, issues: DomainIssue[]): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ field, problem: `must be a finite number, got ${JSON.stringify(value)}` });
    return fallback;
  }
  return value;
}
