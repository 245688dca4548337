import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { DeviceProfile } from './device-profile';
import { DeviceProfileRepository } from './device-profile.repository';

const profile = (id: string, extra: Partial<DeviceProfile> = {}): DeviceProfile => ({
  id,
  name: `Profile ${id}`,
  description: 'ACME 4G RTU, pressure in 0.1 kPa',
  domain: 'water',
  decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1 / 10' } }, timestamp: { expr: 'T', format: 'local', zone: 'Asia/Shanghai' } },
  networkServerObject: false,
  samples: [{ name: '正常', payload: '{"P1": 4125}', encoding: 'text' }],
  version: 1,
  createdAt: 1000,
  createdBy: 'ada',
  updatedAt: 1000,
  updatedBy: 'ada',
  ...extra,
});

describe.each(TEST_STORES)('DeviceProfileRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: DeviceProfileRepository;

  beforeEach(async () => {
    test = await open();
    repository = new DeviceProfileRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores whole profiles (decoder and samples as JSON) and lists them by id, upper case before lower as bytes order them', async () => {
    const script = profile('lora-b', { decoder: { kind: 'script', source: 'function decodeUplink(input) { return { data: {} }; }' }, networkServerObject: false, samples: [] });
    const object = profile('Acme_rtu', { networkServerObject: true });
    for (const each of [profile('acme-rtu'), script, object]) await repository.save(each);
    expect(await repository.loadAll()).toEqual([object, profile('acme-rtu'), script]);
    expect(await repository.find('acme-rtu')).toEqual(profile('acme-rtu'));
    expect(await repository.find('ACME-RTU')).toBeUndefined();
  });

  it('changes a profile in place, keeping who created it and when', async () => {
    await repository.save(profile('acme-rtu'));
    const changed = profile('acme-rtu', { name: 'Renamed', domain: 'power', version: 2, createdAt: 9999, createdBy: 'mallory', updatedAt: 2000, updatedBy: 'bob', samples: [] });
    await repository.save(changed);
    expect(await repository.loadAll()).toEqual([{ ...changed, createdAt: 1000, createdBy: 'ada' }]);
  });

  it('deletes a profile, answering whether there was one', async () => {
    await repository.save(profile('acme-rtu'));
    expect(await repository.delete('acme-rtu')).toBe(true);
    expect(await repository.delete('acme-rtu')).toBe(false);
    expect(await repository.loadAll()).toEqual([]);
  });

  it('writes inside a transaction: gone when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await repository.save(profile('acme-rtu'), tx.exec);
        expect(await repository.find('acme-rtu', tx.exec)).toEqual(profile('acme-rtu'));
        throw new Error('audit failed');
      }),
    ).rejects.toThrow('audit failed');
    expect(await repository.loadAll()).toEqual([]);
  });
});
