import { describe, type DomainIssue, firstUnprintable, InvalidInputError, JsonInputReader } from '@hub/common';
import { DOMAIN_NAME_PATTERN, METRIC_NAME_PATTERN, type MetricCatalogue, type MetricSpec } from '@hub/contract';

/** Enough for a county's departments with room to spare; each domain is an InfluxDB measurement and a topic segment. */
export const MAX_DOMAINS = 32;
/** Each metric is an InfluxDB field of its domain's measurement: a bounded number keeps the series schema sane. */
export const MAX_METRICS_PER_DOMAIN = 64;
const MAX_DESCRIPTION = 200;
const MAX_UNIT = 16;
/** Beyond this a range is a typo, not a physical quantity (and a float64 stays exact for whole numbers up to 2^53). */
const MAX_MAGNITUDE = 1e12;

export interface NewDomainInput {
  readonly domain: string;
  readonly description: string;
}

export interface NewMetricInput {
  readonly metric: string;
  readonly unit: string;
  readonly description: string;
  readonly range: readonly [number, number];
  readonly typical: readonly [number, number];
  readonly integer: boolean;
}

/** A change to a metric: only what may change without changing what stored readings mean. */
export interface MetricPatch {
  readonly description?: string;
  readonly range?: readonly [number, number];
  readonly typical?: readonly [number, number];
  readonly retired?: boolean;
  /** The admin has read that stored readings lie outside the new range and applies it anyway. */
  readonly confirm: boolean;
}

/** POST /api/catalogue/domains: `{ domain, description }`. */
export function readNewDomain(body: unknown, catalogue: MetricCatalogue): NewDomainInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['domain', 'description']);
  if (read === undefined) throw new InvalidInputError('domain', issues);
  const domain = read.requiredString('domain', { maxLength: 32, pattern: DOMAIN_NAME_PATTERN, patternText: 'lower-case letters, digits and _, starting with a letter (2–32), e.g. flood' });
  const description = readText(read, 'description', MAX_DESCRIPTION, true);
  if (domain !== undefined && catalogue.hasDomain(domain)) read.fail('domain', `${domain} exists already`);
  if (domain !== undefined && !catalogue.hasDomain(domain) && catalogue.domains().length >= MAX_DOMAINS) read.fail('domain', `the catalogue holds ${MAX_DOMAINS} domains, the most it may`);
  if (issues.length > 0 || domain === undefined || description === undefined) throw new InvalidInputError('domain', issues);
  return { domain, description };
}

/** POST /api/catalogue/domains/{domain}/metrics: a metric the domain does not have yet (retired ones count as had). */
export function readNewMetric(body: unknown, domain: string, catalogue: MetricCatalogue): NewMetricInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['name', 'unit', 'description', 'range', 'typical', 'integer']);
  if (read === undefined) throw new InvalidInputError('metric', issues);
  const metric = read.requiredString('name', { maxLength: 64, pattern: METRIC_NAME_PATTERN, patternText: 'lower-case letters, digits and _, starting with a letter (1–64), e.g. river_level_m' });
  const unit = readText(read, 'unit', MAX_UNIT, true);
  const description = readText(read, 'description', MAX_DESCRIPTION, true);
  const range = readInterval(read, 'range', true);
  const typical = readInterval(read, 'typical', true);
  const integer = read.boolean('integer') ?? false;
  if (range !== undefined && typical !== undefined) checkTypicalWithin(read, range, typical);
  if (range !== undefined && integer && Math.ceil(range[0]) > Math.floor(range[1])) read.fail('range', 'holds no whole number, and the metric is a count');
  if (metric !== undefined) {
    const existing = catalogue.metricSpec(domain, metric);
    if (existing !== undefined) {
      read.fail('name', existing.retiredAt === undefined ? `${domain} has ${metric} already` : `${domain} had ${metric}, retired: restore it (PATCH with "retired": false) rather than define it again`);
    } else if ((catalogue.domain(domain)?.metrics.size ?? 0) >= MAX_METRICS_PER_DOMAIN) {
      read.fail('name', `${domain} holds ${MAX_METRICS_PER_DOMAIN} metrics (retired ones included), the most a domain may`);
    }
  }
  if (issues.length > 0 || metric === undefined || unit === undefined || description === undefined || range === undefined || typical === undefined) {
    throw new InvalidInputError('metric', issues);
  }
  return { metric, unit, description, range, typical, integer };
}

/**
 * PATCH /api/catalogue/domains/{domain}/metrics/{metric}. The unit and whether it is a count cannot change: readings
 * already stored were measured in that unit, and a name must keep its meaning; a new quantity is a new metric.
 */
export function readMetricPatch(body: unknown, current: MetricSpec): MetricPatch {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['description', 'range', 'typical', 'retired', 'confirm', 'unit', 'integer']);
  if (read === undefined) throw new InvalidInputError('metric change', issues);
  for (const key of ['unit', 'integer'] as const) {
    if (read.has(key)) read.fail(key, 'cannot change: readings already stored were taken with it; add a metric with a new name instead');
  }
  const description = readText(read, 'description', MAX_DESCRIPTION, false);
  const range = readInterval(read, 'range', false);
  const typical = readInterval(read, 'typical', false);
  const retired = read.boolean('retired');
  const confirm = read.boolean('confirm') ?? false;
  const newRange = range ?? current.range;
  if (range !== undefined || typical !== undefined) checkTypicalWithin(read, newRange, typical ?? current.typical);
  if (range !== undefined && current.integer === true && Math.ceil(range[0]) > Math.floor(range[1])) read.fail('range', 'holds no whole number, and the metric is a count');
  if (issues.length === 0 && description === undefined && range === undefined && typical === undefined && retired === undefined) {
    read.fail('(body)', 'changes nothing: send description, range, typical or retired');
  }
  if (issues.length > 0) throw new InvalidInputError('metric change', issues);
  return { description, range, typical, retired, confirm };
}

function readText(read: JsonInputReader, key: string, maxLength: number, required: boolean): string | undefined {
  const text = required ? read.requiredString(key, { maxLength }) : read.string(key, { maxLength });
  if (text === undefined) return undefined;
  const bad = firstUnprintable(text);
  if (bad !== null) return read.fail(key, `must be printable text, holds U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
  return text.trim();
}

/** `[min, max]`: two finite numbers, min below max. */
function readInterval(read: JsonInputReader, key: string, required: boolean): readonly [number, number] | undefined {
  if (!read.has(key)) return required ? read.missing(key, 'is required: [min, max]') : undefined;
  const value = read.raw(key);
  if (!Array.isArray(value) || value.length !== 2 || !value.every((bound) => typeof bound === 'number' && Number.isFinite(bound) && Math.abs(bound) <= MAX_MAGNITUDE)) {
    return read.fail(key, `must be [min, max], two numbers within ±${MAX_MAGNITUDE}, got ${describe(value)}`);
  }
  const [min, max] = value as [number, number];
  if (!(min < max)) return read.fail(key, `must have min below max, got [${min}, ${max}]`);
  return [min + 0, max + 0];
}

function checkTypicalWithin(read: JsonInputReader, range: readonly [number, number], typical: readonly [number, number]): void {
  if (typical[0] < range[0] || typical[1] > range[1]) {
    read.fail('typical', `[${typical[0]}, ${typical[1]}] must lie within the range [${range[0]}, ${range[1]}]: normal values are plausible ones`);
  }
}
