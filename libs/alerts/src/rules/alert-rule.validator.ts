import { DEVICE_ID_PATTERN, type MetricCatalogue, MetricSpec, readDomainField } from '@hub/contract';
import { DomainIssue, InvalidInputError, JsonInputReader, AREA_PATH_PATTERN, AREA_PATH_RULE } from '@hub/common';
import {
  AlertCondition,
  AlertRuleSpec,
  CHANGE_DIRECTIONS,
  CONDITION_TYPES,
  RULE_ID_PATTERN,
  SEVERITIES,
  THRESHOLD_OPERATORS,
  ThresholdCondition,
} from './alert-rule';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const RULE_KEYS = ['id', 'name', 'description', 'enabled', 'severity', 'selector', 'evaluateEvery', 'condition', 'activeMonths', 'flapWindow', 'standard', 'revision', 'createdAt', 'updatedAt'];
const SELECTOR_KEYS = ['domain', 'metric', 'towns', 'deviceIds'];
const CONDITION_KEYS: Record<(typeof CONDITION_TYPES)[number], readonly string[]> = {
  threshold: ['type', 'operator', 'value', 'clear', 'low', 'high', 'clearLow', 'clearHigh', 'for', 'clearFor'],
  'rate-of-change': ['type', 'direction', 'amount', 'clear', 'window', 'clearFor'],
  'no-data': ['type', 'silentFor', 'intervalMultiple', 'baseline'],
  stuck: ['type', 'window', 'tolerance', 'minReadings'],
};

export interface AlertRuleInput {
  /** Present when the body names one (create: the wanted id; update: must equal the path's). */
  readonly id?: string;
  /** Present when the body names the revision it was based on (optimistic concurrency). */
  readonly revision?: number;
  readonly spec: AlertRuleSpec;
}

/**
 * Checks a rule document from the API (or the default pack) and turns it into the domain model. Throws
 * InvalidInputError listing every problem with its field, e.g. `condition.clear must be at or below
 * condition.value (20) for operator "above"`. Server-managed fields (createdAt, updatedAt) are accepted and ignored,
 * so a fetched rule can be sent back as it is. The metric must be one the catalogue holds and has not retired —
 * except the one the rule already watches (`watching`), so a rule on a since-retired metric can still be disabled.
 */
export function parseAlertRuleInput(body: unknown, catalogue: MetricCatalogue, watching?: { readonly domain: string; readonly metric: string }): AlertRuleInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, RULE_KEYS);
  if (read === undefined) throw new InvalidInputError('alert rule', issues);

  const id = read.string('id', { maxLength: 64, pattern: RULE_ID_PATTERN, patternText: 'lower-case letters, digits and -, starting with a letter or digit' });
  const revision = read.number('revision', { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  const name = read.requiredString('name', { maxLength: 120 });
  const description = read.has('description') && read.raw('description') === '' ? '' : read.string('description', { maxLength: 2000 });
  const enabled = read.boolean('enabled') ?? true;
  const severity = read.requiredOneOf('severity', SEVERITIES);
  const evaluateEveryMs = read.duration('evaluateEvery', 1000, HOUR) ?? MINUTE;
  const activeMonths = readMonths(read);
  // Null or '' cites none (a form's emptied field); otherwise a non-empty text.
  const standard = read.raw('standard') === null || read.raw('standard') === '' ? null : (read.string('standard', { maxLength: 300 })?.trim() ?? null);
  const flapWindowMs = read.raw('flapWindow') === null ? null : (read.duration('flapWindow', 1000, 7 * DAY) ?? null);
  if (flapWindowMs !== null && flapWindowMs < evaluateEveryMs) read.fail('flapWindow', `must be at least evaluateEvery (${String(read.raw('evaluateEvery') ?? '1m')})`);

  let selector: AlertRuleSpec['selector'] | undefined;
  let spec: MetricSpec | undefined;
  if (!read.has('selector')) read.missing('selector', 'is required: { domain, metric, towns?, deviceIds? }');
  const selectorReader = read.object('selector', SELECTOR_KEYS);
  if (selectorReader) {
    const domain = readDomainField(selectorReader, 'domain', catalogue, true);
    const metric = selectorReader.requiredString('metric', { maxLength: 64 });
    if (domain !== undefined && metric !== undefined) {
      spec = catalogue.metricSpec(domain, metric);
      const kept = watching !== undefined && watching.domain === domain && watching.metric === metric;
      if (spec === undefined) {
        selectorReader.fail('metric', `must be a ${domain} metric: one of ${catalogue.metricNames(domain).join(', ')}`);
      } else if (spec.retiredAt !== undefined && !kept) {
        selectorReader.fail('metric', `${metric} was retired from ${domain} on ${new Date(spec.retiredAt).toISOString()}: one of ${catalogue.metricNames(domain).join(', ')}`);
        spec = undefined;
      }
    }
    const towns = selectorReader.stringList('towns', { maxItems: 100, pattern: AREA_PATH_PATTERN, patternText: AREA_PATH_RULE }) ?? [];
    const deviceIds = selectorReader.stringList('deviceIds', { maxItems: 1000, pattern: DEVICE_ID_PATTERN, patternText: 'a device id matching [A-Za-z0-9_-]{1,64}' }) ?? [];
    if (domain !== undefined && metric !== undefined) selector = { domain, metric, towns, deviceIds };
  }

  let condition: AlertCondition | undefined;
  if (!read.has('condition')) read.fail('condition', `is required: an object with type one of ${CONDITION_TYPES.join(', ')}`);
  const rawCondition = read.raw('condition');
  const type = typeof rawCondition === 'object' && rawCondition !== null ? (rawCondition as Record<string, unknown>).type : undefined;
  if (read.has('condition')) {
    if (typeof type !== 'string' || !(CONDITION_TYPES as readonly string[]).includes(type)) {
      read.fail('condition.type', `is required: one of ${CONDITION_TYPES.join(', ')}`);
    } else {
      const conditionReader = read.object('condition', CONDITION_KEYS[type as keyof typeof CONDITION_KEYS]);
      if (conditionReader) condition = readCondition(conditionReader, type as AlertCondition['type'], spec);
    }
  }

  if (issues.length > 0 || name === undefined || severity === undefined || selector === undefined || condition === undefined) {
    throw new InvalidInputError('alert rule', issues);
  }
  return {
    ...(id === undefined ? {} : { id }),
    ...(revision === undefined ? {} : { revision }),
    spec: { name: name.trim(), description: description ?? '', enabled, severity, selector, evaluateEveryMs, condition, activeMonths, flapWindowMs, standard },
  };
}

function readMonths(read: JsonInputReader): number[] {
  const value = read.raw('activeMonths');
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((month) => Number.isInteger(month) && month >= 1 && month <= 12) || new Set(value).size !== value.length) {
    read.fail('activeMonths', 'must be an array of distinct month numbers 1–12 (empty: all year)');
    return [];
  }
  return [...(value as number[])].sort((a, b) => a - b);
}

/** Unknown metric: range checks are skipped (the metric itself is already reported). */
function readCondition(read: JsonInputReader, type: AlertCondition['type'], spec: MetricSpec | undefined): AlertCondition | undefined {
  const range = spec?.range ?? [-Number.MAX_VALUE, Number.MAX_VALUE];
  const inRange = { min: range[0], max: range[1], what: spec ? `within the metric's range [${range[0]}, ${range[1]}] ${spec.unit}` : undefined };
  const width = range[1] - range[0];
  switch (type) {
    case 'threshold':
      return readThreshold(read, inRange);
    case 'rate-of-change': {
      const direction = read.requiredOneOf('direction', CHANGE_DIRECTIONS);
      const amount = read.requiredNumber('amount', { min: Number.MIN_VALUE, max: width, what: `above 0 and at most the range width (${width})` });
      const clearAmount = read.number('clear', { min: 0, max: width }) ?? amount;
      const windowMs = read.has('window') ? read.duration('window', 1000, DAY) : read.missing('window', 'is required: a duration like 5m');
      const clearForMs = read.duration('clearFor', 0, DAY) ?? 0;
      if (amount !== undefined && clearAmount !== undefined && clearAmount > amount) read.fail('clear', `must be at most ${read.field('amount')} (${amount})`);
      if (direction === undefined || amount === undefined || clearAmount === undefined || windowMs === undefined) return undefined;
      return { type, direction, amount, clearAmount, windowMs, clearForMs };
    }
    case 'no-data': {
      const silentForMs = read.raw('silentFor') === null ? null : (read.duration('silentFor', 1000, 30 * DAY) ?? null);
      const intervalMultiple = read.raw('intervalMultiple') === null ? null : (read.number('intervalMultiple', { min: 1.5, max: 1000 }) ?? null);
      const baselineMs = read.duration('baseline', MINUTE, 7 * DAY) ?? HOUR;
      if ((read.raw('silentFor') ?? null) === null && (read.raw('intervalMultiple') ?? null) === null) {
        read.fail('silentFor', 'or intervalMultiple is required: silent longer than a duration, or than k × the usual interval');
      }
      if (silentForMs === null && intervalMultiple === null) return undefined;
      return { type, silentForMs, intervalMultiple, baselineMs };
    }
    case 'stuck': {
      const windowMs = read.has('window') ? read.duration('window', 1000, 7 * DAY) : read.missing('window', 'is required: a duration like 30m');
      const tolerance = read.number('tolerance', { min: 0, max: width }) ?? 0;
      const minReadings = read.number('minReadings', { min: 2, max: 100_000, integer: true }) ?? 3;
      if (windowMs === undefined) return undefined;
      return { type, windowMs, tolerance, minReadings };
    }
  }
}

function readThreshold(read: JsonInputReader, inRange: { min: number; max: number; what?: string }): ThresholdCondition | undefined {
  const operator = read.requiredOneOf('operator', THRESHOLD_OPERATORS);
  const forMs = read.duration('for', 0, DAY) ?? 0;
  const clearForMs = read.duration('clearFor', 0, DAY) ?? 0;
  if (operator === undefined) return undefined;
  const forbid = (keys: string[]): void => {
    for (const key of keys) if (read.has(key)) read.fail(key, `does not apply to operator "${operator}"`);
  };
  if (operator === 'outside') {
    forbid(['value', 'clear']);
    const low = read.requiredNumber('low', inRange);
    const high = read.requiredNumber('high', inRange);
    const clearLow = read.number('clearLow', inRange) ?? low;
    const clearHigh = read.number('clearHigh', inRange) ?? high;
    if (low === undefined || high === undefined || clearLow === undefined || clearHigh === undefined) return undefined;
    if (low >= high) return read.fail('low', `must be below ${read.field('high')} (${high})`);
    if (clearLow < low) return read.fail('clearLow', `must be at or above ${read.field('low')} (${low}): the band must narrow to clear`);
    if (clearHigh > high) return read.fail('clearHigh', `must be at or below ${read.field('high')} (${high}): the band must narrow to clear`);
    if (clearLow >= clearHigh) return read.fail('clearLow', `must be below ${read.field('clearHigh')} (${clearHigh})`);
    return { type: 'threshold', operator, high: { trigger: high, clear: clearHigh }, low: { trigger: low, clear: clearLow }, forMs, clearForMs };
  }
  forbid(['low', 'high', 'clearLow', 'clearHigh']);
  const value = read.requiredNumber('value', inRange);
  const clear = read.number('clear', inRange) ?? value;
  if (value === undefined || clear === undefined) return undefined;
  if (operator === 'above' && clear > value) return read.fail('clear', `must be at or below ${read.field('value')} (${value}) for operator "above"`);
  if (operator === 'below' && clear < value) return read.fail('clear', `must be at or above ${read.field('value')} (${value}) for operator "below"`);
  const level = { trigger: value, clear };
  return { type: 'threshold', operator, high: operator === 'above' ? level : null, low: operator === 'below' ? level : null, forMs, clearForMs };
}
