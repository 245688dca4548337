import { SILENT_LOGGER } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { DeviceRegistryService, RegistryDeviceRepository } from '@hub/devices';
import { ADMIN, HeldStore } from '@hub/devices/testing';
import { type DeviceProfile, DeviceProfileRepository, ProfileConflictError } from '@hub/profiles';
import { AuditLogRepository } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { removeUnusedProfile } from './profile-removal';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
// The asynchronous methods need no SQLite handle: they run on whatever executor they are given.
const audit = new AuditLogRepository(null);

const PROFILE: DeviceProfile = {
  id: 'wm-11',
  name: 'Water meter WM-11',
  description: '',
  domain: 'water',
  decoder: { kind: 'mapping', metrics: { flow_m3h: { expr: 'flow' } } },
  networkServerObject: false,
  samples: [],
  version: 1,
  createdAt: T0,
  createdBy: 'ada',
  updatedAt: T0,
  updatedBy: 'ada',
};

describe.each(TEST_STORES)('Deleting a device profile on %s', (_dialect, open) => {
  let test: TestStore;
  let registry: DeviceRegistryService;
  let profiles: DeviceProfileRepository;

  beforeEach(async () => {
    test = await open();
    registry = new DeviceRegistryService({ store: test.store, repository: new RegistryDeviceRepository(test.store), audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER, now: () => T0 });
    await registry.load();
    registry.useProfiles({ domainOf: (id) => (id === PROFILE.id ? PROFILE.domain : undefined) });
    profiles = new DeviceProfileRepository(test.store);
    await profiles.save(PROFILE);
    await registry.provision(ADMIN, { deviceId: 'd1', domain: 'water', town: 'Ashford' });
  });
  afterEach(() => test.dispose());

  it('is refused when a device was given the profile after memory said none used it: the users are counted in the database', async () => {
    const held = new HeldStore(test.store);
    let removed: Promise<void> = Promise.resolve();
    await held.hold(() => void (removed = removeUnusedProfile({ store: held.store, repository: profiles, registry, audit }, PROFILE.id, 'ada', T0, () => ({}))));
    await registry.update(ADMIN, 'd1', { profileId: PROFILE.id });
    held.release();
    await expect(removed).rejects.toThrow(new ProfileConflictError('Cannot delete device profile wm-11: 1 devices use it (d1); give them another profile first (PATCH their profileId)'));
    expect(await profiles.find(PROFILE.id)).toEqual(PROFILE);
    expect(registry.find('d1')?.profileId).toBe(PROFILE.id);
    expect((await audit.list({ action: 'device-profile.delete', limit: 10 }, test.store.db)).length).toBe(0);
  });

  it('deletes a profile no device uses, audited in the same transaction', async () => {
    await removeUnusedProfile({ store: test.store, repository: profiles, registry, audit }, PROFILE.id, 'ada', T0 + 5, (profile) => ({ version: profile.version }));
    expect(await profiles.find(PROFILE.id)).toBeUndefined();
    expect((await audit.list({ action: 'device-profile.delete', limit: 10 }, test.store.db)).map((entry) => [entry.at, entry.actor, entry.targetId, entry.detail])).toEqual([[T0 + 5, 'ada', 'wm-11', { version: 1 }]]);
  });

  it('is refused while memory already knows a user, naming it', async () => {
    await registry.update(ADMIN, 'd1', { profileId: PROFILE.id });
    await expect(removeUnusedProfile({ store: test.store, repository: profiles, registry, audit }, PROFILE.id, 'ada', T0, () => ({}))).rejects.toThrow(
      new ProfileConflictError('Cannot delete device profile wm-11: 1 devices use it (d1); give them another profile first (PATCH their profileId)'),
    );
    expect(await profiles.find(PROFILE.id)).toEqual(PROFILE);
  });
});
