import { SILENT_LOGGER } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import type { Executor } from '@hub/store';
import { DeviceRegistryService } from './device-registry.service';
import type { RegistryDevice } from './registry-device';
import { RegistryDeviceRepository } from './registry-device.repository';
import { ADMIN, RegistryFixture } from './testing/registry-fixture';

/**
 * Two registries on one database, as two nodes of a cluster: what one commits, the other reads again with readKeys or
 * readAll (CacheCoherence calls them when told), and each commit tells which devices changed.
 */
describe('DeviceRegistryService as a shared cache', () => {
  let fixture: RegistryFixture;
  let a: DeviceRegistryService;
  let b: DeviceRegistryService;
  let told: string[][];

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    a = fixture.registry;
    b = await fixture.open();
    told = [];
    a.shareChanges({ changed: (keys) => told.push([...(keys ?? ['*'])]) });
  });
  afterEach(async () => {
    await b.flushBrokerWrites();
    b.close();
    await fixture.dispose();
  });

  it('tells the devices each commit changed, and another registry reads exactly those again', async () => {
    const { secret } = await a.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford' });
    await a.rotateSecret(ADMIN, 'w-1');
    await a.provision(ADMIN, { deviceId: 'w-2', domain: 'water' });
    expect(told).toEqual([['w-1'], ['w-1'], ['w-2']]);
    expect(b.find('w-1')).toBeUndefined();
    (await b.readKeys(['w-1']))();
    expect(b.find('w-1')).toEqual(a.find('w-1'));
    expect(b.find('w-1')?.secretHash).not.toBeNull();
    expect(b.tagsOf('w-1')).toEqual([['town', 'Ashford']]);
    expect(b.find('w-2')).toBeUndefined();
    expect(secret).not.toBe('');
    await a.remove(ADMIN, 'w-1');
    (await b.readKeys(['w-1', 'w-2']))();
    expect(b.find('w-1')).toBeUndefined();
    expect(b.tagsOf('w-1')).toEqual([]);
    expect(b.list().map((device) => device.deviceId)).toEqual(['w-2']);
  });

  it('keeps, through a whole reload, a broker-side row it has not written yet, and forgets what the database no longer has', async () => {
    // A node whose broker-side write is held up: the quarantined newcomer is in its memory, not yet in the table.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const repository = new (class extends RegistryDeviceRepository {
      override async insertNew(devices: readonly RegistryDevice[], exec?: Executor): Promise<Set<string>> {
        await gate;
        return super.insertNew(devices, exec);
      }
    })(fixture.store);
    const c = new DeviceRegistryService({ store: fixture.store, repository, audit: fixture.audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER, now: () => fixture.time });
    const waiting = c.quarantineDevEui('0011223344556677', '10.0.0.9', 10);
    await a.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    (await c.readAll())();
    expect(c.find('lora-0011223344556677')).toBe(waiting);
    expect(c.list().map((device) => device.deviceId).sort()).toEqual(['lora-0011223344556677', 'w-1']);
    await a.remove(ADMIN, 'w-1');
    (await c.readAll())();
    expect(c.list().map((device) => device.deviceId)).toEqual(['lora-0011223344556677']);
    open();
    await c.flushBrokerWrites();
    c.close();
    (await b.readAll())();
    expect(b.find('lora-0011223344556677')).toEqual(waiting);
  });

  it('tells which broker-side rows it wrote, once they are in the database for the others to read', async () => {
    const toldB: string[][] = [];
    b.shareChanges({ changed: (keys) => toldB.push([...(keys ?? ['*'])]) });
    b.quarantineDevEui('0011223344556677', '10.0.0.9', 10);
    expect(toldB).toEqual([]);
    await b.flushBrokerWrites();
    expect(toldB).toEqual([['lora-0011223344556677']]);
    (await a.readKeys(['lora-0011223344556677']))();
    expect(a.find('lora-0011223344556677')?.status).toBe('quarantined');
  });
});
