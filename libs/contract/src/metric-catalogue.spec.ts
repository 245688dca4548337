import { JsonInputReader, type DomainIssue } from '@hub/common';
import { catalogueFromView, describeCatalogue } from './catalogue.view';
import { readDomainField, readDomainList } from './domain-input';
import { BUILT_IN_CATALOGUE, BUILT_IN_DOMAINS, DOMAIN_NAME_PATTERN, METRIC_NAME_PATTERN, MetricCatalogue } from './metric-catalogue';

describe('MetricCatalogue', () => {
  it('holds the built-in domains and metrics in their shipped order, with names the patterns allow', () => {
    const builtIn = MetricCatalogue.BUILT_IN;
    expect(builtIn.domains()).toEqual([...BUILT_IN_DOMAINS]);
    for (const domain of BUILT_IN_DOMAINS) {
      expect(domain).toMatch(DOMAIN_NAME_PATTERN);
      expect(builtIn.metricNames(domain)).toEqual(Object.keys(BUILT_IN_CATALOGUE[domain]));
      for (const metric of builtIn.metricNames(domain)) expect(metric).toMatch(METRIC_NAME_PATTERN);
    }
    expect(builtIn.metricSpec('water', 'constructor')).toBeUndefined();
    expect(builtIn.metricNames('flood')).toEqual([]);
  });

  it('survives the trip to a client and back (GET /api/catalogue → the simulator)', () => {
    const retired = new MetricCatalogue(
      new Map([['flood', { description: 'Flood', builtIn: false, metrics: new Map([['rain_mm', { unit: 'mm', description: 'Rain', range: [0, 500] as const, typical: [0, 5] as const, integer: true, retiredAt: Date.UTC(2026, 0, 1) }]]) }]]),
    );
    for (const catalogue of [MetricCatalogue.BUILT_IN, retired]) {
      const view = describeCatalogue(catalogue);
      expect(describeCatalogue(catalogueFromView(JSON.parse(JSON.stringify(view)) as typeof view))).toEqual(view);
    }
    expect(describeCatalogue(retired).domains[0]).toEqual({
      domain: 'flood',
      description: 'Flood',
      builtIn: false,
      metrics: [{ name: 'rain_mm', unit: 'mm', description: 'Rain', range: [0, 500], typical: [0, 5], integer: true, builtIn: false, retiredAt: '2026-01-01T00:00:00.000Z' }],
    });
  });
});

describe('domain fields of a request', () => {
  const read = (body: unknown): { reader: JsonInputReader; issues: DomainIssue[] } => {
    const issues: DomainIssue[] = [];
    return { reader: JsonInputReader.of(body, '', issues, ['domain', 'domains']) as JsonInputReader, issues };
  };

  it('takes domains the catalogue holds and names the choices otherwise', () => {
    const { reader, issues } = read({ domain: 'flood', domains: ['water', 'steam', 'water'] });
    expect(readDomainField(reader, 'domain', MetricCatalogue.BUILT_IN)).toBeUndefined();
    expect(readDomainList(reader, 'domains', MetricCatalogue.BUILT_IN)).toBeUndefined();
    expect(issues).toEqual([
      { field: 'domain', problem: 'must be one of water, power, gas, heat, traffic, got "flood"', code: 'one-of', params: { allowed: 'water, power, gas, heat, traffic', got: '"flood"' } },
      { field: 'domains[1]', problem: 'must be one of water, power, gas, heat, traffic, got "steam"', code: 'one-of', params: { allowed: 'water, power, gas, heat, traffic', got: '"steam"' } },
    ]);
    const good = read({ domains: ['gas', 'water'] });
    expect(readDomainList(good.reader, 'domains', MetricCatalogue.BUILT_IN)).toEqual(['gas', 'water']);
    expect(readDomainField(good.reader, 'domain', MetricCatalogue.BUILT_IN, true)).toBeUndefined();
    expect(good.issues).toEqual([{ field: 'domain', problem: 'is required: one of water, power, gas, heat, traffic', code: 'required' }]);
  });
});
