import type { Domain } from '@hub/contract';
import type { Executor, HubDatabase, RegistryDevicesTable, Store } from '@hub/store';
import type { ExpressionBuilder, OnConflictDatabase, OnConflictTables, Selectable } from 'kysely';
import { DeviceKind, DeviceStatus, RegistryDevice } from './registry-device';

type RegistryRow = Selectable<RegistryDevicesTable>;

/**
 * Rows a multi-row statement carries: 23 columns each, so 500 rows are 11,500 parameters (SQLite allows 32,766,
 * PostgreSQL 65,535). A 10,000-device import is 20 statements instead of 10,000.
 */
const BATCH = 500;

/** The device registry table. Whole rows in and out: the service keeps every device in memory and writes through. */
export class RegistryDeviceRepository {
  constructor(private readonly store: Store) {}

  async loadAll(exec: Executor = this.store.db): Promise<RegistryDevice[]> {
    const rows = await exec.selectFrom('registry_devices').selectAll().orderBy('device_id').execute();
    return rows.map(fromRow);
  }

  async find(deviceId: string, exec: Executor = this.store.db): Promise<RegistryDevice | undefined> {
    const row = await exec.selectFrom('registry_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  /** The named devices that exist, in chunks of BATCH ids per statement (another node changed them: see DeviceRegistryService.readKeys). */
  async findMany(deviceIds: readonly string[], exec: Executor = this.store.db): Promise<RegistryDevice[]> {
    const found: RegistryDevice[] = [];
    for (let start = 0; start < deviceIds.length; start += BATCH) {
      const rows = await exec.selectFrom('registry_devices').selectAll().where('device_id', 'in', deviceIds.slice(start, start + BATCH)).execute();
      found.push(...rows.map(fromRow));
    }
    return found;
  }

  /** The devices of a town (every village of it too), or of one village when given; by id. */
  async inArea(town: string, village: string | null, exec: Executor = this.store.db): Promise<RegistryDevice[]> {
    let query = exec.selectFrom('registry_devices').selectAll().where('town', '=', town);
    if (village !== null) query = query.where('village', '=', village);
    return (await query.orderBy('device_id').execute()).map(fromRow);
  }

  /** Ids of the devices that name a profile, sorted. */
  async usersOfProfile(profileId: string, exec: Executor = this.store.db): Promise<string[]> {
    const rows = await exec.selectFrom('registry_devices').select('device_id').where('profile_id', '=', profileId).orderBy('device_id').execute();
    return rows.map((row) => row.device_id);
  }

  /**
   * A profile's domain as stored (undefined: no such profile). Read by the registry under the placement lock, which a
   * profile's deletion also takes, so a device is never given a profile that is being deleted.
   */
  async profileDomain(profileId: string, exec: Executor = this.store.db): Promise<Domain | undefined> {
    const row = await exec.selectFrom('device_profiles').select('domain').where('id', '=', profileId).executeTakeFirst();
    return row?.domain as Domain | undefined;
  }

  async save(device: RegistryDevice, exec: Executor = this.store.db): Promise<void> {
    await this.saveMany([device], exec);
  }

  /** Inserts or replaces whole rows, in batches. */
  async saveMany(devices: readonly RegistryDevice[], exec: Executor = this.store.db): Promise<void> {
    for (let start = 0; start < devices.length; start += BATCH) {
      await exec
        .insertInto('registry_devices')
        .values(devices.slice(start, start + BATCH).map(toRow))
        .onConflict((conflict) => conflict.column('device_id').doUpdateSet(replacement))
        .execute();
    }
  }

  /**
   * New devices, in batches; an id or a DevEUI already taken leaves that row out. Answers the ids inserted, so the
   * caller can tell that another transaction took one first (and roll back).
   */
  async insertNew(devices: readonly RegistryDevice[], exec: Executor = this.store.db): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let start = 0; start < devices.length; start += BATCH) {
      const rows = await exec
        .insertInto('registry_devices')
        .values(devices.slice(start, start + BATCH).map(toRow))
        .onConflict((conflict) => conflict.doNothing())
        .returning('device_id')
        .execute();
      for (const row of rows) inserted.add(row.device_id);
    }
    return inserted;
  }

  /**
   * Rows written behind the broker (quarantine bookkeeping), each only over a row no newer and in the same status: the
   * broker never changes a device's status, so a row an operator approved or rejected meanwhile (even within the same
   * millisecond) stays, as does a later change; a row deleted since stays deleted. Answers how many were written.
   */
  async updateUnlessNewer(devices: readonly RegistryDevice[], exec: Executor = this.store.db): Promise<number> {
    let written = 0;
    for (const device of devices) {
      const { device_id: deviceId, created_at: _createdAt, created_by: _createdBy, ...changes } = toRow(device);
      const result = await exec.updateTable('registry_devices').set(changes).where('device_id', '=', deviceId).where('updated_at', '<=', changes.updated_at).where('status', '=', changes.status).executeTakeFirst();
      written += Number(result.numUpdatedRows);
    }
    return written;
  }

  /** Removes a device; answers whether it was there. */
  async delete(deviceId: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('registry_devices').where('device_id', '=', deviceId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

/** Every column but the key, from the row that conflicted (`excluded`). */
function replacement(eb: ExpressionBuilder<OnConflictDatabase<HubDatabase, 'registry_devices'>, OnConflictTables<'registry_devices'>>) {
  return {
    domain: eb.ref('excluded.domain'),
    town: eb.ref('excluded.town'),
    village: eb.ref('excluded.village'),
    site: eb.ref('excluded.site'),
    latitude: eb.ref('excluded.latitude'),
    longitude: eb.ref('excluded.longitude'),
    expected_interval_s: eb.ref('excluded.expected_interval_s'),
    description: eb.ref('excluded.description'),
    enabled: eb.ref('excluded.enabled'),
    status: eb.ref('excluded.status'),
    secret_hash: eb.ref('excluded.secret_hash'),
    secret_issued_at: eb.ref('excluded.secret_issued_at'),
    first_seen_address: eb.ref('excluded.first_seen_address'),
    connect_attempts: eb.ref('excluded.connect_attempts'),
    updated_at: eb.ref('excluded.updated_at'),
    kind: eb.ref('excluded.kind'),
    gateway_id: eb.ref('excluded.gateway_id'),
    gateway_domains: eb.ref('excluded.gateway_domains'),
    profile_id: eb.ref('excluded.profile_id'),
    dev_eui: eb.ref('excluded.dev_eui'),
  };
}

function toRow(device: RegistryDevice): RegistryRow {
  return {
    device_id: device.deviceId,
    domain: device.domain,
    town: device.town,
    village: device.village,
    site: device.site,
    latitude: device.latitude,
    longitude: device.longitude,
    expected_interval_s: device.expectedIntervalS,
    description: device.description,
    enabled: device.enabled ? 1 : 0,
    status: device.status,
    secret_hash: device.secretHash,
    secret_issued_at: device.secretIssuedAt,
    first_seen_address: device.firstSeenAddress,
    connect_attempts: device.connectAttempts,
    created_at: device.createdAt,
    created_by: device.createdBy,
    updated_at: device.updatedAt,
    kind: device.kind,
    gateway_id: device.gatewayId,
    gateway_domains: JSON.stringify(device.gatewayDomains),
    profile_id: device.profileId,
    dev_eui: device.devEui,
  };
}

function fromRow(row: RegistryRow): RegistryDevice {
  return {
    deviceId: row.device_id,
    domain: row.domain as Domain | null,
    town: row.town,
    village: row.village,
    site: row.site,
    latitude: row.latitude,
    longitude: row.longitude,
    expectedIntervalS: row.expected_interval_s,
    description: row.description,
    enabled: row.enabled === 1,
    status: row.status as DeviceStatus,
    secretHash: row.secret_hash,
    secretIssuedAt: row.secret_issued_at,
    firstSeenAddress: row.first_seen_address,
    connectAttempts: row.connect_attempts,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    kind: row.kind as DeviceKind,
    gatewayId: row.gateway_id,
    gatewayDomains: JSON.parse(row.gateway_domains) as Domain[],
    profileId: row.profile_id,
    devEui: row.dev_eui,
  };
}
