import { MetricCatalogue } from '@hub/contract';
import { SILENT_LOGGER } from '@hub/common';
import { AuditLogRepository, openSqliteDatabase, SqliteDatabase, Store } from '@hub/store';
import { parseNewDevice, type RawDevice } from '../device-fields';
import { DeviceRegistryService, type ProvisionedDevice, RegistryActor } from '../device-registry.service';
import { generateDeviceSecret, hashDeviceSecret } from '../device-secret';
import type { RegistryDevice } from '../registry-device';
import { RegistryDeviceRepository } from '../registry-device.repository';

export const ADMIN: RegistryActor = { name: 'ada', scope: { towns: [], domains: [] } };
export const ASHFORD_ADMIN: RegistryActor = { name: 'ash', scope: { towns: ['Ashford'], domains: [] } };

/**
 * A registry on a real in-memory SQLite database (the store shares its handle, so code still on better-sqlite3 sees
 * the same rows), with a settable clock and the sessions it ended. `await RegistryFixture.create()`.
 */
export class RegistryFixture {
  readonly db: SqliteDatabase = openSqliteDatabase(':memory:');
  readonly store: Store = Store.sqlite(this.db);
  readonly audit = new AuditLogRepository(this.db);
  readonly disconnected: string[] = [];
  /** `domain/deviceId` of every device retired (deleted): session ended without its will, retained status cleared. */
  readonly retired: string[] = [];
  time = 1_700_000_000_000;
  registry!: DeviceRegistryService;

  private constructor() {}

  static async create(): Promise<RegistryFixture> {
    const fixture = new RegistryFixture();
    fixture.registry = await fixture.open();
    return fixture;
  }

  /**
   * For suites built while jest collects them (no await there): a registry on a fresh database, which has nothing
   * to load, so it is ready at once. Give it devices with `seed`.
   */
  static empty(): RegistryFixture {
    const fixture = new RegistryFixture();
    fixture.registry = fixture.registryOn();
    return fixture;
  }

  /**
   * An active device with a new secret, at once: memory now, its row written behind (as the broker's writes are).
   * Only for suites that cannot await (see empty); everything else provisions through the registry.
   */
  seed(raw: RawDevice): ProvisionedDevice {
    const parsed = parseNewDevice(raw, MetricCatalogue.BUILT_IN);
    if (!parsed.ok) throw new Error(`Cannot seed ${JSON.stringify(raw)}: ${JSON.stringify(parsed.problems)}`);
    const secret = generateDeviceSecret();
    const device: RegistryDevice = {
      ...parsed.value,
      status: 'active',
      secretHash: hashDeviceSecret(secret),
      secretIssuedAt: this.time,
      firstSeenAddress: null,
      connectAttempts: 0,
      createdAt: this.time,
      createdBy: ADMIN.name,
      updatedAt: this.time,
    };
    this.registry.storeFromBroker(device);
    return { device, secret };
  }

  /**
   * A device profile's row (a mapping with no metrics), for suites that give the registry a directory of their own:
   * the registry asks the table again, under its lock, before it writes a device that names a profile.
   */
  async storeProfile(id: string, domain: string): Promise<void> {
    await this.store.db
      .insertInto('device_profiles')
      .values({ id, name: id, domain, decoder: JSON.stringify({ kind: 'mapping', metrics: {} }), version: 1, created_at: this.time, created_by: ADMIN.name, updated_at: this.time, updated_by: ADMIN.name })
      .execute();
  }

  /** Another registry on the same database, as after a restart (loaded). */
  async open(): Promise<DeviceRegistryService> {
    const registry = this.registryOn();
    await registry.load();
    return registry;
  }

  private registryOn(): DeviceRegistryService {
    const registry = new DeviceRegistryService({ store: this.store, repository: new RegistryDeviceRepository(this.store), audit: this.audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER, now: () => this.time });
    registry.useSessions({ disconnect: (deviceId) => this.disconnected.push(deviceId), retire: (deviceId, domain) => this.retired.push(`${domain}/${deviceId}`) });
    return registry;
  }

  /** [action, target, actor] of every audit entry, oldest first. */
  auditTrail(): Array<[string, string | null, string]> {
    return this.audit
      .list({ limit: 1000 })
      .reverse()
      .map((entry) => [entry.action, entry.targetId, entry.actor]);
  }

  async dispose(): Promise<void> {
    await this.registry.flushBrokerWrites();
    this.registry.close();
    await this.store.close();
    this.db.close();
  }
}
