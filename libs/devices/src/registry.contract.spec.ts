import { MetricCatalogue } from '@hub/contract';
import { SILENT_LOGGER } from '@hub/common';
import { AuditLogRepository, type Store } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AreaConflictError } from './areas/area.errors';
import { AreaRepository } from './areas/area.repository';
import { AreasService } from './areas/areas.service';
import { DeviceConflictError, InvalidDeviceError } from './device-registry.errors';
import { DeviceRegistryService, PLACEMENT_LOCK } from './device-registry.service';
import type { NewDevice, RegistryDevice } from './registry-device';
import { RegistryDeviceRepository } from './registry-device.repository';
import { DeviceStateRepository } from './presence/device-state.repository';
import { HeldStore, within } from './testing/held-store';
import { ADMIN } from './testing/registry-fixture';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
// The asynchronous methods need no SQLite handle: they run on whatever executor they are given.
const audit = new AuditLogRepository(null);

function aDevice(deviceId: string, changes: Partial<RegistryDevice> = {}): RegistryDevice {
  return {
    deviceId,
    domain: 'water',
    town: 'Ashford',
    village: null,
    site: 'Mill Lane',
    latitude: 52.123456789,
    longitude: -0.987654321,
    expectedIntervalS: 60,
    description: 'pump house',
    enabled: true,
    status: 'active',
    secretHash: 'ab'.repeat(32),
    secretIssuedAt: T0,
    firstSeenAddress: null,
    connectAttempts: 0,
    createdAt: T0,
    createdBy: 'ada',
    updatedAt: T0,
    kind: 'device',
    gatewayId: null,
    gatewayDomains: [],
    profileId: null,
    devEui: null,
    ...changes,
  };
}

function newDevice(deviceId: string, changes: Partial<NewDevice> = {}): NewDevice {
  const { status: _s, secretHash: _h, secretIssuedAt: _i, firstSeenAddress: _f, connectAttempts: _c, createdAt: _a, createdBy: _b, updatedAt: _u, ...fields } = aDevice(deviceId);
  return { ...fields, domain: 'water', ...changes };
}

/** The registry and the areas wired as the hub wires them, on one store, loaded (the registry's transactions through `registryStore`). */
async function openRegistry(store: Store, now = () => T0, registryStore: Store = store): Promise<{ registry: DeviceRegistryService; areas: AreasService }> {
  const registry = new DeviceRegistryService({ store: registryStore, repository: new RegistryDeviceRepository(store), audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER, now });
  const areas = new AreasService({ store, repository: new AreaRepository(store), audit, logger: SILENT_LOGGER, now });
  await registry.load();
  await areas.load();
  areas.useDevices(registry);
  registry.useAreas(areas);
  return { registry, areas };
}

describe.each(TEST_STORES)('RegistryDeviceRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: RegistryDeviceRepository;

  beforeEach(async () => {
    test = await open();
    repository = new RegistryDeviceRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores whole rows and gives them back by id, replacing a row on save', async () => {
    const gateway = aDevice('dtu-1', { kind: 'gateway', gatewayDomains: ['water', 'heat'], latitude: null, longitude: null, expectedIntervalS: null, site: null });
    const child = aDevice('m-1', { gatewayId: 'dtu-1', village: 'Millbrook', profileId: 'wm-11', devEui: '70b3d5e75e00a017', enabled: false });
    await repository.saveMany([child, gateway]);
    expect(await repository.loadAll()).toEqual([gateway, child]);
    const changed = { ...child, site: 'Oak Row', connectAttempts: 3, updatedAt: T0 + 5 };
    await repository.save(changed);
    expect(await repository.loadAll()).toEqual([gateway, changed]);
    expect(await repository.delete('m-1')).toBe(true);
    expect(await repository.delete('m-1')).toBe(false);
    expect((await repository.loadAll()).map((device) => device.deviceId)).toEqual(['dtu-1']);
  });

  it('keeps a DevEUI to one device: a new row taking an id or a DevEUI already used is left out, and said so', async () => {
    await repository.saveMany([aDevice('lora-1', { devEui: '70b3d5e75e00a017' })]);
    const inserted = await repository.insertNew([aDevice('lora-2', { devEui: '70b3d5e75e00a017' }), aDevice('lora-1'), aDevice('lora-3', { devEui: '70b3d5e75e00a018' })]);
    expect([...inserted]).toEqual(['lora-3']);
    expect((await repository.loadAll()).map((device) => [device.deviceId, device.devEui])).toEqual([
      ['lora-1', '70b3d5e75e00a017'],
      ['lora-3', '70b3d5e75e00a018'],
    ]);
  });

  it('writes a broker-side row only over an older one, and never brings back a deleted one', async () => {
    await repository.saveMany([
      aDevice('q-1', { status: 'quarantined', updatedAt: T0 + 10 }),
      aDevice('q-2', { status: 'quarantined', updatedAt: T0 }),
      aDevice('q-3', { status: 'quarantined', updatedAt: T0 }),
      aDevice('q-4', { status: 'active', updatedAt: T0 }),
    ]);
    const written = await repository.updateUnlessNewer([
      aDevice('q-1', { status: 'quarantined', connectAttempts: 5, updatedAt: T0 + 9 }),
      aDevice('q-2', { status: 'quarantined', connectAttempts: 2, updatedAt: T0 + 1 }),
      // Two CONNECTs in one millisecond: the second counts too.
      aDevice('q-3', { status: 'quarantined', connectAttempts: 7, updatedAt: T0 }),
      // Approved in the same millisecond as the CONNECT the broker counted: the approval stays.
      aDevice('q-4', { status: 'quarantined', connectAttempts: 9, updatedAt: T0 }),
      aDevice('q-gone', { status: 'quarantined', updatedAt: T0 + 1 }),
    ]);
    expect(written).toBe(2);
    expect((await repository.loadAll()).map((device) => [device.deviceId, device.status, device.connectAttempts])).toEqual([
      ['q-1', 'quarantined', 0],
      ['q-2', 'quarantined', 2],
      ['q-3', 'quarantined', 7],
      ['q-4', 'active', 0],
    ]);
  });
});

describe.each(TEST_STORES)('DeviceRegistryService on %s', (_dialect, open) => {
  let test: TestStore;

  beforeEach(async () => {
    test = await open();
  });
  afterEach(() => test.dispose());

  it('imports many devices in one transaction: every row and audit entry, in batches; all there after a restart', async () => {
    const { registry } = await openRegistry(test.store);
    const devices = Array.from({ length: 1_234 }, (_, index) => newDevice(`w-${String(index).padStart(5, '0')}`, { town: index % 2 === 0 ? 'Ashford' : 'Brook', devEui: index % 3 === 0 ? `70b3d5e75e${index.toString(16).padStart(6, '0')}` : null }));
    const created = await registry.createAll(ADMIN, devices, 'import');
    expect(created).toHaveLength(1_234);
    expect(registry.size).toBe(1_234);
    const provisions = await audit.list({ action: 'device.provision', limit: 5_000 }, test.store.db);
    expect(provisions).toHaveLength(1_234);
    // Entries in the order the devices were given (ids ascending).
    expect(provisions.at(-1)?.targetId).toBe('w-00000');
    expect(provisions[0].targetId).toBe('w-01233');
    expect((await audit.list({ action: 'area.create', limit: 10 }, test.store.db)).map((entry) => entry.targetId).sort()).toEqual(['Ashford', 'Brook']);
    const { registry: restarted } = await openRegistry(test.store);
    expect(restarted.size).toBe(1_234);
    expect(restarted.find('w-00003')).toEqual(created[3].device);
  });

  it('rolls a whole import back when one of its devices was taken meanwhile, memory untouched', async () => {
    const { registry } = await openRegistry(test.store);
    // Another process (or a row the broker wrote behind) took w-2 after the import was checked.
    await new RegistryDeviceRepository(test.store).save(aDevice('w-2'));
    await expect(registry.createAll(ADMIN, [newDevice('w-1'), newDevice('w-2'), newDevice('w-3')], 'import')).rejects.toThrow(DeviceConflictError);
    expect(registry.find('w-1')).toBeUndefined();
    expect((await new RegistryDeviceRepository(test.store).loadAll()).map((device) => device.deviceId)).toEqual(['w-2']);
    expect(await audit.list({ limit: 10 }, test.store.db)).toEqual([]);
  });

  it('moves the devices of a renamed area with it, each audited, in the rename’s transaction', async () => {
    const { registry, areas } = await openRegistry(test.store);
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Millbrook', parent: 'Ashford' });
    await registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford', village: 'Millbrook' });
    await registry.provision(ADMIN, { deviceId: 'w-2', domain: 'water', town: 'Ashford' });
    await registry.provision(ADMIN, { deviceId: 'w-3', domain: 'water', town: 'ashford' });
    await areas.rename(ADMIN, 'Ashford', { name: 'Ashford Town' });
    expect([registry.areaOf('w-1'), registry.areaOf('w-2'), registry.areaOf('w-3')]).toEqual(['Ashford Town/Millbrook', 'Ashford Town', 'ashford']);
    const { registry: restarted, areas: reloaded } = await openRegistry(test.store);
    expect([restarted.areaOf('w-1'), restarted.areaOf('w-2'), restarted.areaOf('w-3')]).toEqual(['Ashford Town/Millbrook', 'Ashford Town', 'ashford']);
    expect(reloaded.list({ towns: [], domains: [] }).map((area) => [area.path, area.devices])).toEqual([
      ['ashford', 1],
      ['Ashford Town', 2],
      ['Ashford Town/Millbrook', 1],
    ]);
    expect((await audit.list({ action: 'device.update', limit: 10 }, test.store.db)).map((entry) => [entry.targetId, entry.detail])).toEqual([
      ['w-2', { changes: { town: 'Ashford Town' }, via: 'area.rename' }],
      ['w-1', { changes: { town: 'Ashford Town' }, via: 'area.rename' }],
    ]);
  });

  it('writes the broker’s rows behind: memory at once, the row once flushed, an operator’s later change not overwritten', async () => {
    let now = T0;
    const { registry } = await openRegistry(test.store, () => now);
    registry.storeFromBroker(aDevice('q-1', { status: 'quarantined', secretHash: null, secretIssuedAt: null, domain: null, town: null, site: null, connectAttempts: 1 }));
    registry.storeFromBroker({ ...(registry.find('q-1') as RegistryDevice), connectAttempts: 2 });
    expect(registry.find('q-1')?.connectAttempts).toBe(2);
    await registry.flushBrokerWrites();
    expect((await new RegistryDeviceRepository(test.store).loadAll()).map((device) => [device.deviceId, device.status, device.connectAttempts])).toEqual([['q-1', 'quarantined', 2]]);
    now += 1000;
    await registry.approve(ADMIN, 'q-1', { domain: 'water', town: 'Ashford' }, true);
    // A CONNECT counted from the quarantined copy the broker still held: older than the approval, so not written over it.
    expect(await new RegistryDeviceRepository(test.store).updateUnlessNewer([aDevice('q-1', { status: 'quarantined', connectAttempts: 3, updatedAt: T0 + 1 })])).toBe(0);
    const { registry: restarted } = await openRegistry(test.store);
    expect(restarted.find('q-1')).toMatchObject({ status: 'active', town: 'Ashford', connectAttempts: 2 });
  });
});

describe.each(TEST_STORES)('Devices, areas and profiles changed at the same time on %s', (_dialect, open) => {
  let test: TestStore;
  let held: HeldStore;
  let registry: DeviceRegistryService;
  let areas: AreasService;

  beforeEach(async () => {
    test = await open();
    held = new HeldStore(test.store);
    ({ registry, areas } = await openRegistry(test.store, () => T0, held.store));
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Oldbrook', parent: 'Ashford' });
  });
  afterEach(() => test.dispose());

  const stored = async (deviceId: string): Promise<RegistryDevice | undefined> => (await new RegistryDeviceRepository(test.store).loadAll()).find((device) => device.deviceId === deviceId);

  it('a device edited while its village is renamed ends up in the renamed village, with the edit', async () => {
    await registry.provision(ADMIN, { deviceId: 'd1', domain: 'water', town: 'Ashford', village: 'Oldbrook', site: 'Mill Lane' });
    let updated: Promise<RegistryDevice> = Promise.resolve(aDevice('none'));
    await held.hold(() => void (updated = registry.update(ADMIN, 'd1', { site: 'Oak Row' })));
    const renamed = areas.rename(ADMIN, 'Ashford/Oldbrook', { name: 'Newbrook' });
    await within(renamed, 300);
    held.release();
    // The edit was queued first, so it commits first; the rename then moves the edited device.
    await expect(updated).resolves.toMatchObject({ town: 'Ashford', village: 'Oldbrook', site: 'Oak Row' });
    await expect(renamed).resolves.toMatchObject({ path: 'Ashford/Newbrook' });
    expect(await stored('d1')).toMatchObject({ town: 'Ashford', village: 'Newbrook', site: 'Oak Row' });
    expect(registry.areaOf('d1')).toBe('Ashford/Newbrook');
    expect(registry.find('d1')?.site).toBe('Oak Row');
  });

  it('a village is not deleted while a device is being placed in it: the delete is refused, naming the device', async () => {
    await registry.provision(ADMIN, { deviceId: 'd1', domain: 'water', town: 'Ashford' });
    let updated: Promise<RegistryDevice> = Promise.resolve(aDevice('none'));
    await held.hold(() => void (updated = registry.update(ADMIN, 'd1', { village: 'Oldbrook' })));
    const removed = areas.remove(ADMIN, 'Ashford/Oldbrook');
    await within(removed, 300);
    held.release();
    await expect(updated).resolves.toMatchObject({ town: 'Ashford', village: 'Oldbrook' });
    await expect(removed).rejects.toThrow(new AreaConflictError('Area Ashford/Oldbrook cannot be deleted while device d1 still names it', 'area-in-use', { area: 'Ashford/Oldbrook', count: 1 }));
    expect(await new AreaRepository(test.store).find('Ashford/Oldbrook')).toMatchObject({ parent: 'Ashford' });
    expect(areas.hasVillage('Ashford', 'Oldbrook')).toBe(true);
    expect(await stored('d1')).toMatchObject({ village: 'Oldbrook' });
  });

  it('a device is not placed in a village deleted after memory was checked (another hub deleted it): refused, the row unchanged', async () => {
    await registry.provision(ADMIN, { deviceId: 'd1', domain: 'water', town: 'Ashford' });
    let updated: Promise<RegistryDevice> = Promise.resolve(aDevice('none'));
    await held.hold(() => void (updated = registry.update(ADMIN, 'd1', { village: 'Oldbrook' })));
    await new AreaRepository(test.store).delete('Ashford/Oldbrook');
    held.release();
    await expect(updated).rejects.toThrow(InvalidDeviceError);
    await expect(updated).rejects.toMatchObject({ issues: [{ field: 'village', problem: '"Oldbrook" is not a registered village of "Ashford" (GET /api/areas lists them; an admin adds one with POST /api/areas)' }] });
    expect(await stored('d1')).toMatchObject({ town: 'Ashford', village: null });
    expect(registry.areaOf('d1')).toBe('Ashford');
  });

  it('a device is not given a profile deleted after memory was checked: refused, and the profile’s users are counted in the database', async () => {
    registry.useProfiles({ domainOf: (id) => (id === 'wm-11' ? 'water' : undefined) });
    await test.store.db
      .insertInto('device_profiles')
      .values({ id: 'wm-11', name: 'WM', domain: 'water', decoder: '{"kind":"mapping","metrics":{}}', version: 1, created_at: T0, created_by: 'ada', updated_at: T0, updated_by: 'ada' })
      .execute();
    await registry.provision(ADMIN, { deviceId: 'd1', domain: 'water', town: 'Ashford' });
    await registry.provision(ADMIN, { deviceId: 'd2', domain: 'water', town: 'Ashford' });
    await registry.update(ADMIN, 'd2', { profileId: 'wm-11' });
    let updated: Promise<RegistryDevice> = Promise.resolve(aDevice('none'));
    await held.hold(() => void (updated = registry.update(ADMIN, 'd1', { profileId: 'wm-11' })));
    // The profile's deletion, as DeviceProfilesService does it: under the placement lock, users counted in the table.
    const users = await test.store.tx(async (tx) => {
      await tx.lock(PLACEMENT_LOCK);
      const found = await registry.usersStoredOf('wm-11', tx);
      await tx.exec.deleteFrom('registry_devices').where('device_id', '=', 'd2').execute();
      await tx.exec.deleteFrom('device_profiles').where('id', '=', 'wm-11').execute();
      return found;
    });
    expect(users).toEqual(['d2']);
    held.release();
    await expect(updated).rejects.toMatchObject({ issues: [{ field: 'profileId', problem: 'no device profile "wm-11" (GET /api/device-profiles lists them)' }] });
    expect(await stored('d1')).toMatchObject({ profileId: null });
    expect(registry.find('d1')?.profileId).toBeNull();
  });
  it('approves a quarantined newcomer straight after its first CONNECT; an approval refused under the lock leaves the quarantined row as it was', async () => {
    const quarantined = (deviceId: string): RegistryDevice => aDevice(deviceId, { status: 'quarantined', secretHash: null, secretIssuedAt: null, domain: null, town: null, site: null, connectAttempts: 1 });
    registry.storeFromBroker(quarantined('q-1'));
    registry.storeFromBroker(quarantined('q-2'));
    await expect(registry.approve(ADMIN, 'q-1', { domain: 'water', town: 'Ashford' }, true)).resolves.toMatchObject({ device: { status: 'active', connectAttempts: 1 } });
    let approved: Promise<unknown> = Promise.resolve();
    await held.hold(() => void (approved = registry.approve(ADMIN, 'q-2', { domain: 'water', town: 'Ashford', village: 'Oldbrook' }, true)));
    await new AreaRepository(test.store).delete('Ashford/Oldbrook');
    held.release();
    await expect(approved).rejects.toThrow(InvalidDeviceError);
    await registry.flushBrokerWrites();
    expect((await new RegistryDeviceRepository(test.store).loadAll()).map((device) => [device.deviceId, device.status, device.connectAttempts])).toEqual([
      ['q-1', 'active', 1],
      ['q-2', 'quarantined', 1],
    ]);
  });
});

describe.each(TEST_STORES)('AreaRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: AreaRepository;

  beforeEach(async () => {
    test = await open();
    repository = new AreaRepository(test.store);
  });
  afterEach(() => test.dispose());

  const area = (path: string, parent: string | null) => ({ path, name: path.split('/').at(-1) ?? path, parent, createdAt: T0, createdBy: 'ada', updatedAt: T0 });

  it('moves a town with its villages, and deletes', async () => {
    await repository.insertMany([area('Ashford', null), area('Ashford/Millbrook', 'Ashford'), area('Ashford/Oakley', 'Ashford'), area('Brook', null)]);
    await repository.move('Ashford', { ...area('Ashford Town', null), updatedAt: T0 + 1 });
    expect((await repository.loadAll()).map((row) => [row.path, row.name, row.parent, row.updatedAt])).toEqual([
      ['Ashford Town', 'Ashford Town', null, T0 + 1],
      ['Ashford Town/Millbrook', 'Millbrook', 'Ashford Town', T0 + 1],
      ['Ashford Town/Oakley', 'Oakley', 'Ashford Town', T0 + 1],
      ['Brook', 'Brook', null, T0],
    ]);
    await repository.delete('Brook');
    expect((await repository.loadAll()).map((row) => row.path)).toEqual(['Ashford Town', 'Ashford Town/Millbrook', 'Ashford Town/Oakley']);
  });

  it('finds every scope, rule selector, silence in force and policy route that names an area or one under it (JSON walked, not queried)', async () => {
    const { db } = test.store;
    await db
      .insertInto('operators')
      .values([
        { username: 'olga', password_hash: 'h', role: 'operator', towns: '["Ashford/Millbrook","Brook"]', domains: '[]', created_at: 1, created_by: 'ada', updated_at: 1 },
        { username: 'anna', password_hash: 'h', role: 'admin', towns: '["Ashford"]', domains: '[]', created_at: 1, created_by: 'ada', updated_at: 1 },
        { username: 'nick', password_hash: 'h', role: 'viewer', towns: '["Ashford Town","ashford"]', domains: '[]', created_at: 1, created_by: 'ada', updated_at: 1 },
      ])
      .execute();
    await db
      .insertInto('api_keys')
      .values([
        { name: 'scada', key_hash: 'a', key_prefix: 'p', role: 'viewer', towns: '["Ashford"]', domains: '[]', created_at: 1, created_by: 'ada', revoked_at: null, last_used_at: null },
        { name: 'old', key_hash: 'b', key_prefix: 'p', role: 'viewer', towns: '["Ashford"]', domains: '[]', created_at: 1, created_by: 'ada', revoked_at: 5, last_used_at: null },
      ])
      .execute();
    await db
      .insertInto('mqtt_clients')
      .values([
        { name: 'ashford.scada', secret_hash: null, secret_issued_at: null, domains: '[]', towns: '["Ashford/Oakley"]', created_at: 1, created_by: 'ada', updated_at: 1, revoked_at: null },
        { name: 'brook.scada', secret_hash: null, secret_issued_at: null, domains: '[]', towns: '["Brook"]', created_at: 1, created_by: 'ada', updated_at: 1, revoked_at: null },
      ])
      .execute();
    await db
      .insertInto('alert_rules')
      .values([
        { id: 'low', revision: 1, spec: JSON.stringify({ name: 'Low', selector: { towns: ['Brook', 'Ashford/Millbrook'] } }), created_at: 1, updated_at: 1, evaluated_through: null },
        { id: 'any', revision: 1, spec: JSON.stringify({ name: 'Any', selector: { towns: [] } }), created_at: 1, updated_at: 1, evaluated_through: null },
        { id: 'elsewhere', revision: 1, spec: JSON.stringify({ name: 'Ashford', towns: ['Ashford'] }), created_at: 1, updated_at: 1, evaluated_through: null },
      ])
      .execute();
    await db
      .insertInto('alert_silences')
      .values([
        { domain: null, town: 'Ashford/Millbrook', device_id: null, rule_id: null, starts_at: 0, ends_at: T0 + 1, reason: 'works', created_by: 'ada', created_at: 1 },
        { domain: null, town: 'Ashford', device_id: null, rule_id: null, starts_at: 0, ends_at: T0, reason: 'over', created_by: 'ada', created_at: 1 },
        { domain: null, town: null, device_id: 'w-1', rule_id: null, starts_at: 0, ends_at: T0 + 1, reason: 'device', created_by: 'ada', created_at: 1 },
      ])
      .execute();
    const document = {
      contactPoints: ['duty'],
      matchers: { towns: ['Ashford'] },
      routes: [{ name: 'h', matchers: { towns: ['Brook'] }, routes: [{ matchers: { towns: ['Ashford/Oakley'], domains: ['gas'] } }] }, { matchers: { towns: ['Ashfordshire'] } }],
    };
    await db.insertInto('notification_policy').values({ id: 1, document: JSON.stringify(document), updated_at: 1, updated_by: 'ada' }).execute();

    expect(await repository.referencesTo('Ashford', T0)).toEqual([
      { kind: 'operator', names: ['anna', 'olga'] },
      { kind: 'API key', names: ['scada'] },
      { kind: 'MQTT client', names: ['ashford.scada'] },
      { kind: 'alert rule', names: ['low'] },
      { kind: 'silence', names: ['1'] },
      { kind: 'notification policy route', names: ['$', '$.routes[0].routes[0]'] },
    ]);
    expect(await repository.referencesTo('Brook', T0)).toEqual([
      { kind: 'operator', names: ['olga'] },
      { kind: 'MQTT client', names: ['brook.scada'] },
      { kind: 'alert rule', names: ['low'] },
      { kind: 'notification policy route', names: ['$.routes[0]'] },
    ]);
    expect(await repository.referencesTo('Carlow', T0)).toEqual([]);
  });
});

describe.each(TEST_STORES)('DeviceStateRepository on %s', (_dialect, open) => {
  let test: TestStore;

  beforeEach(async () => {
    test = await open();
  });
  afterEach(() => test.dispose());

  it('writes an offline row that names its ended connection only over that connection, an older one, or offline', async () => {
    const repository = new DeviceStateRepository(test.store);
    const state = (deviceId: string, online: boolean, statusChangedAt: number) => ({
      deviceId,
      domain: 'water',
      clientId: deviceId,
      online,
      firstSeen: T0,
      lastSeen: statusChangedAt,
      lastReadingTs: null,
      lastValues: {},
      lastValueTs: {},
      statusChangedAt,
    });
    // claimed: another node's newer connection; same: still this node's; off: offline already.
    await repository.saveMany([state('claimed', true, T0 + 20), state('same', true, T0 + 10), state('off', false, T0 + 30)]);
    await repository.saveMany(['claimed', 'same', 'off', 'new'].map((deviceId) => ({ ...state(deviceId, false, T0 + 40), endedConnectionSince: T0 + 10 })));
    const stored = await repository.loadAll();
    expect(stored.map((row) => [row.deviceId, row.online, row.statusChangedAt])).toEqual([
      ['claimed', true, T0 + 20],
      ['new', false, T0 + 40],
      ['off', false, T0 + 40],
      ['same', false, T0 + 40],
    ]);
  });

  it('upserts presence rows in batches and reads them back, first sighting kept', async () => {
    const repository = new DeviceStateRepository(test.store);
    const state = (deviceId: string, lastSeen: number, firstSeen = T0) => ({
      deviceId,
      domain: 'water',
      clientId: deviceId,
      online: true,
      firstSeen,
      lastSeen,
      lastReadingTs: lastSeen - 5,
      lastValues: { pressure_kpa: 420.25 },
      lastValueTs: { pressure_kpa: lastSeen - 5 },
      statusChangedAt: T0,
    });
    await repository.saveMany(Array.from({ length: 1_500 }, (_, index) => state(`d-${String(index).padStart(4, '0')}`, T0 + index)));
    await repository.saveMany([{ ...state('d-0001', T0 + 9_999, T0 + 9_000), online: false, lastValues: {}, lastValueTs: {} }]);
    const all = await repository.loadAll();
    expect(all).toHaveLength(1_500);
    expect(all[1]).toEqual({ ...state('d-0001', T0 + 9_999), online: false, lastValues: {}, lastValueTs: {} });
    expect(all[1499]).toEqual(state('d-1499', T0 + 1_499));
  });
});
