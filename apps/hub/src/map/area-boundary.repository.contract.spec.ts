import type { AreaBoundaryFeature } from '@hub/api-types';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AreaBoundaryRepository } from './area-boundary.repository';

const square = (area: string, west: number, south: number): AreaBoundaryFeature => ({
  type: 'Feature',
  properties: { area },
  geometry: { type: 'Polygon', coordinates: [[[west, south], [west + 0.015625, south], [west + 0.015625, south + 0.1], [west, south + 0.1], [west, south]]] },
});

describe.each(TEST_STORES)('AreaBoundaryRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: AreaBoundaryRepository;

  beforeEach(async () => {
    test = await open();
    repository = new AreaBoundaryRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('has nothing before the first upload', async () => {
    expect(await repository.load()).toEqual({ features: [], updatedAt: null, updatedBy: null });
  });

  it('keeps the geometries exactly, by area path in byte order (upper case first), with who uploaded them and when', async () => {
    const features = [square('城关镇/东村', 113.25, 34.5), square('Ashford/north_end', -0.875, 51.125), square('Ashford', -0.9, 51.1), square('ashford', 1, 2), square('', 0, 0)];
    await repository.replace(features, 5000, 'ada');
    expect(await repository.load()).toEqual({ features: [features[4], features[2], features[1], features[3], features[0]], updatedAt: 5000, updatedBy: 'ada' });
  });

  it('replaces every row with the next upload, however many areas it holds', async () => {
    await repository.replace([square('Ashford', 0, 0), square('Brook', 1, 1)], 5000, 'ada');
    const many = Array.from({ length: 1203 }, (_, index) => square(`Town${String(index).padStart(4, '0')}`, index / 1000, 0));
    await repository.replace(many, 6000, 'bob');
    const loaded = await repository.load();
    expect(loaded.features).toEqual(many);
    expect([loaded.updatedAt, loaded.updatedBy]).toEqual([6000, 'bob']);
    await repository.replace([], 7000, 'bob');
    expect(await repository.load()).toEqual({ features: [], updatedAt: null, updatedBy: null });
  });

  it('leaves the previous file whole when the transaction of an upload rolls back', async () => {
    await repository.replace([square('Ashford', 0, 0)], 5000, 'ada');
    await expect(
      test.store.tx(async (tx) => {
        await repository.replace([square('Brook', 1, 1)], 6000, 'bob', tx.exec);
        throw new Error('audit failed');
      }),
    ).rejects.toThrow('audit failed');
    expect(await repository.load()).toEqual({ features: [square('Ashford', 0, 0)], updatedAt: 5000, updatedBy: 'ada' });
  });
});
