import { InvalidInputError } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { readMetricPatch, readNewDomain, readNewMetric } from './catalogue-input';
import { CatalogueEntryNotFoundError, LiveCatalogue } from './live-catalogue';

const T0 = Date.UTC(2026, 11, 5, 8);
const RIVER = { name: 'river_level_m', unit: 'm', description: 'River level', range: [-2, 30], typical: [0.5, 3] };

function issuesOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('no InvalidInputError');
}

describe('LiveCatalogue', () => {
  let test: TestStore;
  let live: LiveCatalogue;

  beforeEach(async () => {
    test = await sqliteTestStore();
    live = await LiveCatalogue.load(test.store);
  });

  afterEach(() => test.dispose());

  it('starts as the built-in catalogue', () => {
    expect(live.current().domains()).toEqual(MetricCatalogue.BUILT_IN.domains());
    expect(live.current().metricNames('water')).toEqual(MetricCatalogue.BUILT_IN.metricNames('water'));
  });

  it('puts an added domain and metric in force in a new snapshot, after the built-ins, and hands it to listeners', async () => {
    const before = live.current();
    const seen: MetricCatalogue[] = [];
    live.onChange((catalogue) => seen.push(catalogue));
    await live.addDomain(readNewDomain({ domain: 'flood', description: 'Flood office' }, live.current()), 'ada', T0);
    const change = await live.addMetric('flood', readNewMetric(RIVER, 'flood', live.current()), 'ada', T0 + 1);
    expect(change).toEqual({ domain: 'flood', metric: 'river_level_m', before: null, after: { unit: 'm', description: 'River level', range: [-2, 30], typical: [0.5, 3] } });
    expect(live.current().domains()).toEqual(['water', 'power', 'gas', 'heat', 'traffic', 'flood']);
    expect(live.current().domain('flood')).toEqual({ description: 'Flood office', builtIn: false, metrics: new Map([['river_level_m', change.after]]) });
    expect(before.hasDomain('flood')).toBe(false);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(live.current());
  });

  it('overrides a built-in metric with an admin row, keeping its place and unit, and reads it back after a restart', async () => {
    await live.updateMetric('power', 'voltage_v', readMetricPatch({ typical: [209, 231], description: 'Phase voltage, 220 V nominal (GB/T 12325)' }, live.requireMetric('power', 'voltage_v')), 'ada', T0);
    const reopened = (await LiveCatalogue.load(test.store)).current();
    expect(reopened.metricSpec('power', 'voltage_v')).toEqual({ unit: 'V', description: 'Phase voltage, 220 V nominal (GB/T 12325)', range: [0, 1000], typical: [209, 231] });
    expect(reopened.metricNames('power')).toEqual(MetricCatalogue.BUILT_IN.metricNames('power'));
  });

  it('retires a metric (kept as retired, out of metricNames) and restores it, keeping the first retirement time', async () => {
    const retire = readMetricPatch({ retired: true }, live.requireMetric('water', 'ph'));
    await live.updateMetric('water', 'ph', retire, 'ada', T0);
    await live.updateMetric('water', 'ph', retire, 'ada', T0 + 5);
    expect(live.current().metricSpec('water', 'ph')?.retiredAt).toBe(T0);
    expect(live.current().metricNames('water')).not.toContain('ph');
    await live.updateMetric('water', 'ph', readMetricPatch({ retired: false }, live.requireMetric('water', 'ph')), 'ada', T0 + 9);
    expect(live.current().metricSpec('water', 'ph')?.retiredAt).toBeUndefined();
    expect(live.current().metricNames('water')).toEqual(MetricCatalogue.BUILT_IN.metricNames('water'));
  });

  it('changes nothing in memory until the transaction it joined commits, and nothing at all when it rolls back', async () => {
    const seen: MetricCatalogue[] = [];
    live.onChange((catalogue) => seen.push(catalogue));
    await expect(
      test.store.tx(async (tx) => {
        await live.addDomain(readNewDomain({ domain: 'flood', description: 'Flood office' }, live.current()), 'ada', T0, tx);
        expect(live.current().hasDomain('flood')).toBe(false);
        throw new Error('the audit entry failed');
      }),
    ).rejects.toThrow('the audit entry failed');
    expect(live.current().hasDomain('flood')).toBe(false);
    expect(seen).toEqual([]);
    expect((await LiveCatalogue.load(test.store)).current().hasDomain('flood')).toBe(false);
  });

  it('checks again inside its transaction what the caller read from the snapshot: a domain or metric added meanwhile is refused', async () => {
    const input = readNewDomain({ domain: 'flood', description: 'Flood office' }, live.current());
    const other = await LiveCatalogue.load(test.store);
    await other.addDomain(input, 'bob', T0);
    await expect(live.addDomain(input, 'ada', T0 + 1)).rejects.toThrow(new InvalidInputError('domain', [{ field: 'domain', problem: 'flood exists already' }]));
    const metric = readNewMetric(RIVER, 'flood', other.current());
    await other.addMetric('flood', metric, 'bob', T0 + 2);
    await expect(live.addMetric('flood', metric, 'ada', T0 + 3)).rejects.toThrow('flood has river_level_m already');
    expect((await LiveCatalogue.load(test.store)).adminRow('flood', 'river_level_m')).toMatchObject({ updatedBy: 'bob', updatedAt: T0 + 2 });
  });

  it('answers not-found for a domain or metric it does not hold, quoting a hostile name short', () => {
    expect(() => live.requireDomain('sewage')).toThrow(new CatalogueEntryNotFoundError('The catalogue has no domain "sewage"'));
    expect(() => live.requireMetric('water', 'x'.repeat(100))).toThrow(CatalogueEntryNotFoundError);
    expect(() => live.requireMetric('water', 'nope')).toThrow('water has no metric "nope"');
  });
});

describe('catalogue input', () => {
  const catalogue = MetricCatalogue.BUILT_IN;

  it('lists every problem of a new domain', () => {
    expect(issuesOf(() => readNewDomain({ domain: 'water', description: '', extra: 1 }, catalogue))).toEqual([
      { field: 'extra', problem: 'is not a known field; allowed: domain, description', code: 'unknown-field', params: { allowed: 'domain, description' } },
      { field: 'description', problem: 'must be a non-empty string of at most 200 characters, got ""', code: 'text', params: { maxLength: 200, got: '""' } },
      { field: 'domain', problem: 'water exists already' },
    ]);
    expect(issuesOf(() => readNewDomain({ domain: 'x', description: 'too short a name' }, catalogue))).toEqual([
      { field: 'domain', problem: 'must match lower-case letters, digits and _, starting with a letter (2–32), e.g. flood', code: 'pattern' },
    ]);
  });

  it('lists every problem of a new metric', () => {
    expect(issuesOf(() => readNewMetric({ name: 'pressure_kpa', unit: 'kPa', description: 'x', range: [5, 1], typical: 'low' }, 'water', catalogue))).toEqual([
      { field: 'range', problem: 'must have min below max, got [5, 1]' },
      { field: 'typical', problem: 'must be [min, max], two numbers within ±1000000000000, got "low"' },
      { field: 'name', problem: 'water has pressure_kpa already' },
    ]);
    expect(issuesOf(() => readNewMetric({ name: 'count', unit: 'n', description: 'x\u202e', range: [0.2, 0.8], typical: [0.3, 0.4], integer: true }, 'water', catalogue))).toEqual([
      { field: 'description', problem: 'must be printable text, holds U+202E' },
      { field: 'range', problem: 'holds no whole number, and the metric is a count' },
    ]);
  });

  it('reads a metric with its defaults', () => {
    expect(readNewMetric(RIVER, 'water', catalogue)).toEqual({ metric: 'river_level_m', unit: 'm', description: 'River level', range: [-2, 30], typical: [0.5, 3], integer: false });
  });

  it('refuses a change of unit or count, a change of nothing, and a typical band leaving the new range', () => {
    const ph = catalogue.metricSpec('water', 'ph');
    if (ph === undefined) throw new Error('no ph');
    expect(issuesOf(() => readMetricPatch({ unit: 'mol/L', integer: true }, ph))).toEqual([
      { field: 'unit', problem: 'cannot change: readings already stored were taken with it; add a metric with a new name instead' },
      { field: 'integer', problem: 'cannot change: readings already stored were taken with it; add a metric with a new name instead' },
    ]);
    expect(issuesOf(() => readMetricPatch({ confirm: true }, ph))).toEqual([{ field: '(body)', problem: 'changes nothing: send description, range, typical or retired' }]);
    expect(issuesOf(() => readMetricPatch({ range: [7, 14] }, ph))).toEqual([{ field: 'typical', problem: '[6.8, 8.2] must lie within the range [7, 14]: normal values are plausible ones' }]);
    expect(readMetricPatch({ range: [6, 14], confirm: true }, ph)).toEqual({ range: [6, 14], confirm: true, description: undefined, typical: undefined, retired: undefined });
  });
});
