import { MetricCatalogue } from '@hub/contract';
import { InvalidInputError } from '@hub/common';
import { AlertRule } from './alert-rule';
import { toAlertRuleDocument } from './alert-rule.document';
import { parseAlertRuleInput } from './alert-rule.validator';
import { DEFAULT_ALERT_RULES } from './default-alert-rules';

const METHANE = {
  name: 'Methane high',
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel' },
  evaluateEvery: '30s',
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' },
};

/** The issues an invalid body is refused with, as "field: problem". */
function issuesOf(body: unknown): string[] {
  try {
    parseAlertRuleInput(body, MetricCatalogue.BUILT_IN);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map((issue) => `${issue.field}: ${issue.problem}`);
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('parseAlertRuleInput', () => {
  it('turns a threshold document into the domain model with defaults filled in', () => {
    expect(parseAlertRuleInput(METHANE, MetricCatalogue.BUILT_IN)).toEqual({
      spec: {
        name: 'Methane high',
        description: '',
        enabled: true,
        severity: 'critical',
        selector: { domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: [] },
        evaluateEveryMs: 30_000,
        condition: { type: 'threshold', operator: 'above', high: { trigger: 20, clear: 10 }, low: null, forMs: 0, clearForMs: 60_000 },
        activeMonths: [],
        flapWindowMs: null,
        standard: null,
      },
    });
  });

  it('keeps the standard a rule cites, trimmed; empty or null cites none', () => {
    const cited = parseAlertRuleInput({ ...METHANE, standard: ' GB/T 50493-2019 §5.5.2 ' }, MetricCatalogue.BUILT_IN);
    expect(cited.spec.standard).toBe('GB/T 50493-2019 §5.5.2');
    expect(parseAlertRuleInput({ ...METHANE, standard: null }, MetricCatalogue.BUILT_IN).spec.standard).toBeNull();
    expect(parseAlertRuleInput({ ...METHANE, standard: '' }, MetricCatalogue.BUILT_IN).spec.standard).toBeNull();
    expect(() => parseAlertRuleInput({ ...METHANE, standard: 'x'.repeat(301) }, MetricCatalogue.BUILT_IN)).toThrow('standard');
  });

  it('reads below and outside thresholds, clear levels defaulting to the trigger', () => {
    const below = parseAlertRuleInput({ ...METHANE, selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'threshold', operator: 'below', value: 200 } }, MetricCatalogue.BUILT_IN);
    expect(below.spec.condition).toEqual({ type: 'threshold', operator: 'below', high: null, low: { trigger: 200, clear: 200 }, forMs: 0, clearForMs: 0 });
    const band = parseAlertRuleInput({
      ...METHANE,
      selector: { domain: 'power', metric: 'voltage_v' },
      condition: { type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 210, for: 300_000 },
    }, MetricCatalogue.BUILT_IN);
    expect(band.spec.condition).toEqual({
      type: 'threshold',
      operator: 'outside',
      high: { trigger: 253, clear: 253 },
      low: { trigger: 207, clear: 210 },
      forMs: 300_000,
      clearForMs: 0,
    });
  });

  it('reads rate-of-change, no-data and stuck conditions', () => {
    const water = { ...METHANE, selector: { domain: 'water', metric: 'pressure_kpa' } };
    expect(parseAlertRuleInput({ ...water, condition: { type: 'rate-of-change', direction: 'drop', amount: 50, window: '5m' } }, MetricCatalogue.BUILT_IN).spec.condition).toEqual({
      type: 'rate-of-change',
      direction: 'drop',
      amount: 50,
      clearAmount: 50,
      windowMs: 300_000,
      clearForMs: 0,
    });
    expect(parseAlertRuleInput({ ...water, condition: { type: 'no-data', intervalMultiple: 3 } }, MetricCatalogue.BUILT_IN).spec.condition).toEqual({
      type: 'no-data',
      silentForMs: null,
      intervalMultiple: 3,
      baselineMs: 3_600_000,
    });
    expect(parseAlertRuleInput({ ...water, condition: { type: 'stuck', window: '30m', tolerance: 0.5 } }, MetricCatalogue.BUILT_IN).spec.condition).toEqual({
      type: 'stuck',
      windowMs: 1_800_000,
      tolerance: 0.5,
      minReadings: 3,
    });
  });

  it('keeps the id and revision the body names, and sorts active months', () => {
    const input = parseAlertRuleInput({ ...METHANE, id: 'gas-1', revision: 4, activeMonths: [12, 1, 2], createdAt: 'ignored' }, MetricCatalogue.BUILT_IN);
    expect(input.id).toBe('gas-1');
    expect(input.revision).toBe(4);
    expect(input.spec.activeMonths).toEqual([1, 2, 12]);
  });

  it('names every bad field with what is allowed, in one answer', () => {
    expect(
      issuesOf({
        name: '',
        severity: 'loud',
        selector: { domain: 'gas', metric: 'voltage_v', deviceIds: ['ok-1', 'bad id'] },
        evaluateEvery: '100ms',
        condition: { type: 'threshold', operator: 'above', value: 20, clear: 30, treshold: 5 },
      }),
    ).toEqual([
      'name: must be a non-empty string of at most 120 characters, got ""',
      'severity: must be one of info, warning, critical, got "loud"',
      'evaluateEvery: must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 1s to 1h, got "100ms"',
      'selector.metric: must be a gas metric: one of pressure_kpa, flow_m3h, methane_pct_lel, temperature_c',
      'selector.deviceIds[1]: must be a device id matching [A-Za-z0-9_-]{1,64}, got "bad id"',
      'condition.treshold: is not a known field; allowed: type, operator, value, clear, low, high, clearLow, clearHigh, for, clearFor',
      'condition.clear: must be at or below condition.value (20) for operator "above"',
    ]);
  });

  it('refuses levels that could never fire or never clear', () => {
    expect(issuesOf({ ...METHANE, condition: { ...METHANE.condition, value: 150 } })).toEqual([
      "condition.value: must be a number within the metric's range [0, 100] %LEL, got 150",
    ]);
    expect(issuesOf({ ...METHANE, condition: { ...METHANE.condition, clear: 25 } })).toEqual([
      'condition.clear: must be at or below condition.value (20) for operator "above"',
    ]);
    const band = { ...METHANE, selector: { domain: 'power', metric: 'voltage_v' } };
    expect(issuesOf({ ...band, condition: { type: 'threshold', operator: 'outside', low: 253, high: 207 } })).toEqual(['condition.low: must be below condition.high (207)']);
    expect(issuesOf({ ...band, condition: { type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 200 } })).toEqual([
      'condition.clearLow: must be at or above condition.low (207): the band must narrow to clear',
    ]);
    expect(issuesOf({ ...band, condition: { type: 'threshold', operator: 'outside', value: 230, low: 207, high: 253 } })).toEqual([
      'condition.value: does not apply to operator "outside"',
    ]);
  });

  it('requires what each condition type needs', () => {
    expect(issuesOf({ ...METHANE, condition: { operator: 'above' } })).toEqual(['condition.type: is required: one of threshold, rate-of-change, no-data, stuck']);
    expect(issuesOf({ ...METHANE, condition: { type: 'no-data' } })).toEqual([
      'condition.silentFor: or intervalMultiple is required: silent longer than a duration, or than k × the usual interval',
    ]);
    expect(issuesOf({ ...METHANE, condition: { type: 'rate-of-change', direction: 'drop', amount: 10, clear: 20 } })).toEqual([
      'condition.window: is required: a duration like 5m',
      'condition.clear: must be at most condition.amount (10)',
    ]);
    expect(issuesOf({ name: 'x', severity: 'info' })).toEqual([
      'selector: is required: { domain, metric, towns?, deviceIds? }',
      'condition: is required: an object with type one of threshold, rate-of-change, no-data, stuck',
    ]);
    expect(issuesOf([1, 2])).toEqual(['(body): must be a JSON object, got an array']);
    expect(issuesOf({ ...METHANE, activeMonths: [0, 13] })).toEqual(['activeMonths: must be an array of distinct month numbers 1–12 (empty: all year)']);
    expect(issuesOf({ ...METHANE, flapWindow: '10s' })).toEqual(['flapWindow: must be at least evaluateEvery (30s)']);
  });

  it('reads back exactly what it wrote: GET → PUT round trip', () => {
    const documents = [
      METHANE,
      { ...METHANE, selector: { domain: 'power', metric: 'voltage_v', towns: ['Northfield'], deviceIds: ['p-1'] }, condition: { type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 210, clearHigh: 250, for: '5m', clearFor: '90s' }, flapWindow: '15m' },
      { ...METHANE, selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'rate-of-change', direction: 'either', amount: 50, clear: 20, window: '5m', clearFor: '1500ms' } },
      { ...METHANE, condition: { type: 'no-data', silentFor: '2m', intervalMultiple: 3.5, baseline: '2h' }, activeMonths: [1, 2] },
      { ...METHANE, condition: { type: 'stuck', window: '30m', tolerance: 0, minReadings: 5 } },
    ];
    for (const document of documents) {
      const { spec } = parseAlertRuleInput(document, MetricCatalogue.BUILT_IN);
      const rule: AlertRule = { ...spec, id: 'r', revision: 2, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_001_000 };
      expect(parseAlertRuleInput(toAlertRuleDocument(rule), MetricCatalogue.BUILT_IN)).toEqual({ id: 'r', revision: 2, spec });
    }
  });
});

describe('the default rule pack', () => {
  it('is valid, with unique ids, and covers all five domains', () => {
    const parsed = DEFAULT_ALERT_RULES.map((document) => parseAlertRuleInput(document, MetricCatalogue.BUILT_IN));
    const ids = parsed.map((input) => input.id);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(DEFAULT_ALERT_RULES.length);
    expect(new Set(parsed.map((input) => input.spec.selector.domain))).toEqual(new Set(['water', 'power', 'gas', 'heat', 'traffic']));
  });

  it('holds the thresholds a utility engineer expects', () => {
    const byId = new Map(DEFAULT_ALERT_RULES.map((document) => [document.id, parseAlertRuleInput(document, MetricCatalogue.BUILT_IN).spec]));
    expect(byId.get('gas-methane-alarm')).toMatchObject({ severity: 'critical', condition: { high: { trigger: 20 }, forMs: 0 } });
    expect(byId.get('power-voltage-out-of-band')?.condition).toMatchObject({ low: { trigger: 207 }, high: { trigger: 253 } });
    expect(byId.get('traffic-congested')?.condition).toMatchObject({ high: { trigger: 85 } });
    expect(byId.get('water-pressure-drop')?.condition).toMatchObject({ type: 'rate-of-change', direction: 'drop', amount: 50, windowMs: 300_000 });
    expect(byId.get('heat-supply-cold')?.activeMonths).toEqual([1, 2, 3, 4, 10, 11, 12]);
  });
});
