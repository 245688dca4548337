import type { AlertRuleDocument } from '@hub/api-types';
import { emptyRuleForm, ruleDocumentOf, ruleFormOf } from './rule-form';

const METHANE: AlertRuleDocument = {
  id: 'gas-methane-alarm',
  name: 'Methane at or above 20 %LEL',
  description: 'Isolate and ventilate.',
  enabled: true,
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: ['g-1', 'g-2'] },
  evaluateEvery: '30s',
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' },
  activeMonths: [11, 12],
  flapWindow: null,
  standard: 'GB/T 50493-2019 §5.5.2: first-level combustible-gas alarm set point at most 25 %LEL',
  revision: 3,
  createdAt: '2026-11-27T00:00:00.000Z',
  updatedAt: '2026-11-27T00:00:00.000Z',
};

describe('rule form', () => {
  it('turns a fetched rule into the form and back into the same document (what PUT accepts)', () => {
    const { createdAt: _created, updatedAt: _updated, ...expected } = METHANE;
    expect(ruleDocumentOf(ruleFormOf(METHANE), false)).toEqual(expected);
  });

  it('round-trips a band, a rate of change, a silence and a stuck condition', () => {
    const conditions: AlertRuleDocument['condition'][] = [
      { type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 210, clearHigh: 250, for: '5m', clearFor: '2m' },
      { type: 'rate-of-change', direction: 'drop', amount: 100, clear: 50, window: '10m', clearFor: '1m' },
      { type: 'no-data', silentFor: '2m', intervalMultiple: 3, baseline: '1h' },
      { type: 'no-data', silentFor: null, intervalMultiple: 3, baseline: '1h' },
      { type: 'stuck', window: '30m', tolerance: 0.5, minReadings: 5 },
    ];
    for (const condition of conditions) {
      expect(ruleDocumentOf(ruleFormOf({ ...METHANE, condition }), false).condition).toEqual(condition);
    }
  });

  it('sends what the operator typed, so the hub can name a missing or malformed field', () => {
    const form = { ...emptyRuleForm(), name: 'Pressure drop', value: '', clear: '12abc', deviceIds: ' g-1 , ,g-2 ' };
    const document = ruleDocumentOf(form, true);
    expect(document).not.toHaveProperty('id');
    expect(document.condition).toEqual({ type: 'threshold', operator: 'above', clear: '12abc', for: '0s', clearFor: '0s' });
    expect(document.selector).toEqual({ domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: ['g-1', 'g-2'] });
    expect(document.flapWindow).toBeNull();
    expect(document.standard).toBeNull();
  });

  it('keeps the standard a rule cites through an edit, and sends an emptied one as none', () => {
    expect(ruleDocumentOf(ruleFormOf(METHANE), false).standard).toBe(METHANE.standard);
    expect(ruleDocumentOf({ ...ruleFormOf(METHANE), standard: '  ' }, false).standard).toBeNull();
  });
});
