import { builtInCatalogueFor, MetricCatalogue, BUILT_IN_DOMAINS, BUILT_IN_DOMAIN_DESCRIPTIONS } from '@hub/contract';
import type { AlertRuleSpec } from './alert-rule';
import { parseAlertRuleInput } from './alert-rule.validator';
import { DEFAULT_RULE_PACKS } from './default-rule-packs';

const CN_CATALOGUE = new MetricCatalogue(
  new Map(BUILT_IN_DOMAINS.map((domain) => [domain, { description: BUILT_IN_DOMAIN_DESCRIPTIONS[domain], builtIn: true, metrics: new Map(Object.entries(builtInCatalogueFor('cn')[domain])) }])),
);

function parsed(profile: 'cn' | 'eu'): Map<string, AlertRuleSpec> {
  const catalogue = profile === 'cn' ? CN_CATALOGUE : MetricCatalogue.BUILT_IN;
  return new Map(DEFAULT_RULE_PACKS[profile].map((document) => [String(document.id), parseAlertRuleInput(document, catalogue).spec]));
}

describe('the cn default rule pack', () => {
  const cn = parsed('cn');

  it('is valid against the cn catalogue, with unique ids, covering all five domains', () => {
    expect(cn.size).toBe(DEFAULT_RULE_PACKS.cn.length);
    expect(new Set([...cn.values()].map((spec) => spec.selector.domain))).toEqual(new Set(['water', 'power', 'gas', 'heat', 'traffic']));
  });

  it('cites a standard and its clause for every rule with a limit from one; health checks and uncited norms cite none', () => {
    const uncited = [...cn].filter(([, spec]) => spec.standard === null).map(([id]) => id);
    expect(uncited.sort()).toEqual([
      'gas-detector-silent',
      'heat-pressure-low',
      'heat-sensor-silent',
      'heat-supply-stuck',
      'power-meter-silent',
      'power-voltage-stuck',
      'traffic-congested',
      'traffic-detector-silent',
      'water-pressure-drop',
      'water-pressure-stuck',
      'water-sensor-silent',
    ]);
    for (const [id, spec] of cn) {
      if (spec.standard === null) continue;
      // A national standard (GB, GB/T) or an industry one (CJJ), each with its year; the local heat norm says it is one.
      expect([id, spec.standard]).toEqual([id, expect.stringMatching(/^(GB(\/T)? \d+(\.\d+)?-\d{4}|CJJ \d+-\d{4}|Local norm)/)]);
    }
  });

  it('holds the researched limits', () => {
    expect(cn.get('power-voltage-low')).toMatchObject({
      severity: 'warning',
      condition: { operator: 'below', low: { trigger: 198, clear: 200 }, forMs: 300_000 },
      standard: expect.stringContaining('GB/T 12325-2008 §4.3'),
    });
    expect(cn.get('power-voltage-high')).toMatchObject({ condition: { operator: 'above', high: { trigger: 235.4, clear: 233 } }, standard: expect.stringContaining('GB/T 12325-2008 §4.3') });
    expect(cn.get('power-frequency-deviation')).toMatchObject({
      enabled: false,
      condition: { operator: 'outside', low: { trigger: 49.8 }, high: { trigger: 50.2 } },
      standard: expect.stringContaining('GB/T 15945-2008 §3.1'),
    });
    expect(cn.get('gas-methane-warning')).toMatchObject({ severity: 'warning', condition: { high: { trigger: 20 } }, standard: expect.stringContaining('GB 15322.1-2019') });
    expect(cn.get('gas-methane-alarm')).toMatchObject({ severity: 'critical', condition: { high: { trigger: 25 }, forMs: 0 }, standard: expect.stringContaining('GB/T 50493-2019 §5.5.2') });
    expect(cn.get('water-chlorine-low')).toMatchObject({ condition: { low: { trigger: 0.05 } }, standard: expect.stringContaining('GB 5749-2022') });
    expect(cn.get('water-chlorine-high')).toMatchObject({ condition: { high: { trigger: 2 } }, standard: expect.stringContaining('GB 5749-2022') });
    expect(cn.get('water-turbidity-high')).toMatchObject({ condition: { high: { trigger: 1 } }, standard: expect.stringContaining('GB 5749-2022') });
    expect(cn.get('water-ph-out-of-range')).toMatchObject({ condition: { low: { trigger: 6.5 }, high: { trigger: 8.5 } }, standard: expect.stringContaining('GB 5749-2022') });
    expect(cn.get('heat-supply-cold')).toMatchObject({ activeMonths: [1, 2, 3, 11, 12], standard: expect.stringMatching(/^Local norm/) });
  });

  it('keeps the eu pack’s ids wherever a rule watches the same thing, so a change reads as field changes', () => {
    const eu = parsed('eu');
    const shared = [...cn.keys()].filter((id) => eu.has(id));
    expect(shared).toHaveLength(20 - 1);
    expect([...cn.keys()].filter((id) => !eu.has(id)).sort()).toEqual(['power-frequency-deviation', 'power-voltage-high', 'power-voltage-low', 'water-chlorine-high', 'water-ph-out-of-range']);
    expect([...eu.keys()].filter((id) => !cn.has(id))).toEqual(['power-voltage-out-of-band']);
  });
});

describe('the eu default rule pack', () => {
  it('is as before: 230 V ± 10 %, no citation field (its sources are in the descriptions and docs/alerts.md)', () => {
    const eu = parsed('eu');
    expect(eu.get('power-voltage-out-of-band')?.condition).toMatchObject({ low: { trigger: 207, clear: 210 }, high: { trigger: 253, clear: 250 } });
    expect([...eu.values()].every((spec) => spec.standard === null)).toBe(true);
  });
});
