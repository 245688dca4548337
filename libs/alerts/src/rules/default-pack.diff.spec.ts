import { MetricCatalogue } from '@hub/contract';
import type { AlertRule, ThresholdCondition } from './alert-rule';
import { parseAlertRuleInput } from './alert-rule.validator';
import { diffDefaultPacks, type PackRule } from './default-pack.diff';

const rule = (id: string, document: Record<string, unknown>): PackRule => ({
  id,
  spec: parseAlertRuleInput({ id, severity: 'warning', selector: { domain: 'power', metric: 'voltage_v' }, ...document }, MetricCatalogue.BUILT_IN).spec,
});
const stored = (pack: PackRule, revision = 1): AlertRule => ({ ...pack.spec, id: pack.id, revision, createdAt: 1, updatedAt: 1 });

const LOW_EU = rule('volts-low', { name: 'Low', condition: { type: 'threshold', operator: 'below', value: 207, clear: 210 } });
const LOW_CN = rule('volts-low', { name: 'Low', condition: { type: 'threshold', operator: 'below', value: 198, clear: 200 }, standard: 'GB/T 12325-2008 §4.3' });
const BAND_EU = rule('volts-band', { name: 'Band', condition: { type: 'threshold', operator: 'outside', low: 207, high: 253 } });
const HIGH_CN = rule('volts-high', { name: 'High', condition: { type: 'threshold', operator: 'above', value: 235.4, clear: 233 } });
const SILENT = rule('silent', { name: 'Silent', condition: { type: 'no-data', silentFor: '2m' } });

const EU = [LOW_EU, BAND_EU, SILENT];
const CN = [LOW_CN, HIGH_CN, SILENT];
const nobody = (): string | null => null;

describe('diffDefaultPacks', () => {
  it('changes, removes and adds the rules nobody touched, naming each changed field from → to', () => {
    const current = new Map(EU.map((pack) => [pack.id, stored(pack)]));
    expect(diffDefaultPacks(current, EU, CN, nobody)).toEqual([
      { ruleId: 'silent', change: 'unchanged' },
      { ruleId: 'volts-band', change: 'removed' },
      { ruleId: 'volts-high', change: 'added', rule: expect.objectContaining({ id: 'volts-high', condition: expect.objectContaining({ value: 235.4 }) }) },
      {
        ruleId: 'volts-low',
        change: 'changed',
        fields: {
          condition: { from: expect.objectContaining({ value: 207, clear: 210 }), to: expect.objectContaining({ value: 198, clear: 200 }) },
          standard: { from: null, to: 'GB/T 12325-2008 §4.3' },
        },
      },
    ]);
  });

  it('keeps a rule an operator edited (a threshold, or only disabling it), and says who', () => {
    const edited: AlertRule = { ...stored(LOW_EU, 2), condition: { ...(LOW_EU.spec.condition as ThresholdCondition), forMs: 60_000 } };
    const disabled = { ...stored(BAND_EU, 2), enabled: false };
    const current = new Map<string, AlertRule>([
      ['volts-low', edited],
      ['volts-band', disabled],
      ['silent', stored(SILENT)],
    ]);
    const editors: Record<string, string> = { 'volts-low': 'dana.ortiz', 'volts-band': 'key:scada' };
    const changes = diffDefaultPacks(current, EU, CN, (id) => editors[id] ?? null);
    expect(changes.filter((change) => change.change === 'kept')).toEqual([
      { ruleId: 'volts-band', change: 'kept', kept: { because: 'edited', by: 'key:scada', note: 'kept, edited by key:scada' } },
      { ruleId: 'volts-low', change: 'kept', kept: { because: 'edited', by: 'dana.ortiz', note: 'kept, edited by dana.ortiz' } },
    ]);
  });

  it('does not bring back a rule an operator deleted, nor overwrite an operator’s own rule under a new pack id', () => {
    const own = rule('volts-high', { name: 'Our own high voltage', condition: { type: 'threshold', operator: 'above', value: 240 } });
    const current = new Map<string, AlertRule>([
      ['volts-band', stored(BAND_EU)],
      ['silent', stored(SILENT)],
      ['volts-high', stored(own)],
    ]);
    const changes = diffDefaultPacks(current, EU, CN, (id) => (id === 'volts-low' ? 'lee' : null));
    expect(diffDefaultPacks(current, EU, CN, nobody).find((change) => change.ruleId === 'volts-low')?.kept?.note).toBe('kept deleted');
    expect(changes.find((change) => change.ruleId === 'volts-low')).toEqual({ ruleId: 'volts-low', change: 'kept', kept: { because: 'deleted', by: 'lee', note: 'kept deleted, deleted by lee' } });
    expect(changes.find((change) => change.ruleId === 'volts-high')).toEqual({
      ruleId: 'volts-high',
      change: 'kept',
      kept: { because: 'not-from-pack', by: null, note: "kept, an operator's rule with this id" },
    });
  });

  it('counts a rule edited back to the pack’s values as the pack’s, and one already as the new pack has it as unchanged', () => {
    const current = new Map<string, AlertRule>([
      ['volts-low', stored(LOW_EU, 3)],
      ['volts-band', stored(BAND_EU)],
      ['silent', stored(SILENT)],
      ['volts-high', stored(HIGH_CN)],
    ]);
    const changes = diffDefaultPacks(current, EU, CN, nobody);
    expect(changes.find((change) => change.ruleId === 'volts-low')?.change).toBe('changed');
    expect(changes.find((change) => change.ruleId === 'volts-high')?.change).toBe('unchanged');
  });

  it('finds nothing to do between a pack and itself', () => {
    const current = new Map(EU.map((pack) => [pack.id, stored(pack)]));
    expect(diffDefaultPacks(current, EU, EU, nobody).map((change) => change.change)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
