import type { AlertRuleDocument, ConditionDocument } from '@hub/api-types';

/**
 * The rule editor's state: every field as the text the operator typed (numbers included, so a half-typed "-" or an
 * empty box is kept as is), turned into the API document on save. The hub validates; its objections come back per
 * field (`condition.clear`, `selector.metric`) and are shown there.
 */
export interface RuleForm {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  severity: string;
  domain: string;
  metric: string;
  deviceIds: string;
  towns: string;
  evaluateEvery: string;
  type: ConditionDocument['type'];
  operator: 'above' | 'below' | 'outside';
  value: string;
  clear: string;
  low: string;
  high: string;
  clearLow: string;
  clearHigh: string;
  for: string;
  clearFor: string;
  direction: 'drop' | 'rise' | 'either';
  amount: string;
  window: string;
  silentFor: string;
  intervalMultiple: string;
  baseline: string;
  tolerance: string;
  minReadings: string;
  activeMonths: number[];
  flapWindow: string;
  /** The standard and clause the rule cites; empty: none. Kept through an edit so a PUT does not drop it. */
  standard: string;
  revision: number | undefined;
}

export function emptyRuleForm(): RuleForm {
  return {
    id: '',
    name: '',
    description: '',
    enabled: true,
    severity: 'warning',
    domain: 'gas',
    metric: 'methane_pct_lel',
    deviceIds: '',
    towns: '',
    evaluateEvery: '1m',
    type: 'threshold',
    operator: 'above',
    value: '',
    clear: '',
    low: '',
    high: '',
    clearLow: '',
    clearHigh: '',
    for: '0s',
    clearFor: '0s',
    direction: 'either',
    amount: '',
    window: '10m',
    silentFor: '',
    intervalMultiple: '',
    baseline: '1h',
    tolerance: '0',
    minReadings: '3',
    activeMonths: [],
    flapWindow: '',
    standard: '',
    revision: undefined,
  };
}

const text = (value: number | null | undefined): string => (value === null || value === undefined ? '' : String(value));

export function ruleFormOf(rule: AlertRuleDocument): RuleForm {
  const form: RuleForm = {
    ...emptyRuleForm(),
    id: rule.id,
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    severity: rule.severity,
    domain: rule.selector.domain,
    metric: rule.selector.metric,
    deviceIds: rule.selector.deviceIds.join(', '),
    towns: rule.selector.towns.join(', '),
    evaluateEvery: rule.evaluateEvery,
    type: rule.condition.type,
    activeMonths: [...rule.activeMonths],
    flapWindow: rule.flapWindow ?? '',
    standard: rule.standard ?? '',
    revision: rule.revision,
  };
  const condition = rule.condition;
  switch (condition.type) {
    case 'threshold':
      form.operator = condition.operator;
      form.for = condition.for;
      form.clearFor = condition.clearFor;
      if (condition.operator === 'outside') {
        Object.assign(form, { low: text(condition.low), high: text(condition.high), clearLow: text(condition.clearLow), clearHigh: text(condition.clearHigh) });
      } else {
        Object.assign(form, { value: text(condition.value), clear: text(condition.clear) });
      }
      break;
    case 'rate-of-change':
      Object.assign(form, { direction: condition.direction, amount: text(condition.amount), clear: text(condition.clear), window: condition.window, clearFor: condition.clearFor });
      break;
    case 'no-data':
      Object.assign(form, { silentFor: condition.silentFor ?? '', intervalMultiple: text(condition.intervalMultiple), baseline: condition.baseline });
      break;
    case 'stuck':
      Object.assign(form, { window: condition.window, tolerance: text(condition.tolerance), minReadings: text(condition.minReadings) });
      break;
  }
  return form;
}

/** A number as typed: a number when it is one, the raw text otherwise (so the hub names the field), absent when empty. */
function numberOf(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== ''));
}

/** The API document for POST (new) or PUT (with the revision it was based on). */
export function ruleDocumentOf(form: RuleForm, isNew: boolean): Record<string, unknown> {
  let condition: Record<string, unknown>;
  switch (form.type) {
    case 'threshold':
      condition =
        form.operator === 'outside'
          ? { low: numberOf(form.low), high: numberOf(form.high), clearLow: numberOf(form.clearLow), clearHigh: numberOf(form.clearHigh) }
          : { value: numberOf(form.value), clear: numberOf(form.clear) };
      condition = { operator: form.operator, ...condition, for: form.for.trim(), clearFor: form.clearFor.trim() };
      break;
    case 'rate-of-change':
      condition = { direction: form.direction, amount: numberOf(form.amount), clear: numberOf(form.clear), window: form.window.trim(), clearFor: form.clearFor.trim() };
      break;
    case 'no-data':
      condition = { silentFor: form.silentFor.trim() || null, intervalMultiple: numberOf(form.intervalMultiple) ?? null, baseline: form.baseline.trim() };
      break;
    case 'stuck':
      condition = { window: form.window.trim(), tolerance: numberOf(form.tolerance), minReadings: numberOf(form.minReadings) };
      break;
  }
  return compact({
    ...(isNew ? { id: form.id.trim() || undefined } : { id: form.id, revision: form.revision }),
    name: form.name,
    description: form.description,
    enabled: form.enabled,
    severity: form.severity,
    selector: { domain: form.domain, metric: form.metric, towns: listOf(form.towns), deviceIds: listOf(form.deviceIds) },
    evaluateEvery: form.evaluateEvery.trim(),
    condition: { type: form.type, ...compact(condition), ...(form.type === 'no-data' ? { silentFor: condition.silentFor, intervalMultiple: condition.intervalMultiple } : {}) },
    activeMonths: form.activeMonths,
    flapWindow: form.flapWindow.trim() === '' ? null : form.flapWindow.trim(),
    standard: form.standard.trim() === '' ? null : form.standard.trim(),
  });
}
