import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { CatalogueRepository, type StoredMetric } from './catalogue.repository';

const metric = (domain: string, name: string, extra: Partial<StoredMetric> = {}): StoredMetric => ({
  domain,
  metric: name,
  unit: 'm',
  description: `${name} of ${domain}`,
  range: [-2.5, 30.25],
  typical: [0.5, 3],
  integer: false,
  retiredAt: null,
  updatedAt: 1000,
  updatedBy: 'ada',
  ...extra,
});

describe.each(TEST_STORES)('CatalogueRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: CatalogueRepository;

  beforeEach(async () => {
    test = await open();
    repository = new CatalogueRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('lists domains in the order they were added, whatever their names', async () => {
    for (const domain of ['zeta', 'Flood', 'alpha', '_x']) await repository.addDomain({ domain, description: `${domain} office`, createdAt: 7, createdBy: 'ada' });
    expect(await repository.domains()).toEqual([
      { domain: 'zeta', description: 'zeta office', createdAt: 7, createdBy: 'ada' },
      { domain: 'Flood', description: 'Flood office', createdAt: 7, createdBy: 'ada' },
      { domain: 'alpha', description: 'alpha office', createdAt: 7, createdBy: 'ada' },
      { domain: '_x', description: '_x office', createdAt: 7, createdBy: 'ada' },
    ]);
  });

  it('refuses a domain twice', async () => {
    await repository.addDomain({ domain: 'flood', description: 'Flood office', createdAt: 7, createdBy: 'ada' });
    // better-sqlite3's errors come from another realm than jest's Error: matched by message on both dialects.
    await expect(repository.addDomain({ domain: 'flood', description: 'again', createdAt: 8, createdBy: 'bob' })).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE constraint failed|duplicate key value/));
    expect((await repository.domains()).map((row) => row.description)).toEqual(['Flood office']);
  });

  it('stores a metric with its fractional bounds, count flag (the column named integer) and retirement, and changes it in place', async () => {
    await repository.saveMetric(metric('flood', 'river_level_m'));
    await repository.saveMetric(metric('water', 'ph', { integer: true, range: [0, 14], typical: [6.8, 8.2] }));
    await repository.saveMetric(metric('flood', 'rain_mm'));
    expect(await repository.metrics()).toEqual([metric('flood', 'river_level_m'), metric('water', 'ph', { integer: true, range: [0, 14], typical: [6.8, 8.2] }), metric('flood', 'rain_mm')]);
    // Changed: keeps its place (the catalogue's order is the order metrics were added), every field replaced but the names.
    const changed = metric('flood', 'river_level_m', { unit: 'cm', description: 'River level', range: [0.1, 0.30000000000000004], typical: [0.1, 0.2], integer: true, retiredAt: 5000, updatedAt: 6000, updatedBy: 'bob' });
    await repository.saveMetric(changed);
    expect(await repository.metrics()).toEqual([changed, metric('water', 'ph', { integer: true, range: [0, 14], typical: [6.8, 8.2] }), metric('flood', 'rain_mm')]);
    await repository.saveMetric({ ...changed, retiredAt: null });
    expect((await repository.metrics())[0].retiredAt).toBeNull();
  });

  it('writes inside a transaction: gone when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await repository.addDomain({ domain: 'flood', description: 'Flood office', createdAt: 7, createdBy: 'ada' }, tx.exec);
        await repository.saveMetric(metric('flood', 'river_level_m'), tx.exec);
        expect(await repository.metrics(tx.exec)).toHaveLength(1);
        throw new Error('audit failed');
      }),
    ).rejects.toThrow('audit failed');
    expect(await repository.domains()).toEqual([]);
    expect(await repository.metrics()).toEqual([]);
  });
});
