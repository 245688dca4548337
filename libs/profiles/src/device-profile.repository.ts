import type { Selectable } from 'kysely';
import type { DecoderDefinition } from '@hub/decoders';
import type { DeviceProfilesTable, Executor, Store } from '@hub/store';
import type { DeviceProfile, ProfileSample } from './device-profile';

/** The device_profiles table: whole profiles in and out (the service keeps them all in memory). */
export class DeviceProfileRepository {
  constructor(private readonly store: Store) {}

  async loadAll(exec: Executor = this.store.db): Promise<DeviceProfile[]> {
    const rows = await exec.selectFrom('device_profiles').selectAll().orderBy('id').execute();
    return rows.map(fromRow);
  }

  async find(id: string, exec: Executor = this.store.db): Promise<DeviceProfile | undefined> {
    const row = await exec.selectFrom('device_profiles').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async save(profile: DeviceProfile, exec: Executor = this.store.db): Promise<void> {
    const changed = {
      name: profile.name,
      description: profile.description,
      domain: profile.domain,
      decoder: JSON.stringify(profile.decoder),
      network_server_object: profile.networkServerObject ? 1 : 0,
      samples: JSON.stringify(profile.samples),
      version: profile.version,
      updated_at: profile.updatedAt,
      updated_by: profile.updatedBy,
    };
    await exec
      .insertInto('device_profiles')
      .values({ id: profile.id, ...changed, created_at: profile.createdAt, created_by: profile.createdBy })
      .onConflict((oc) => oc.column('id').doUpdateSet(changed))
      .execute();
  }

  /** Whether there was such a profile. */
  async delete(id: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('device_profiles').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function fromRow(row: Selectable<DeviceProfilesTable>): DeviceProfile {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    domain: row.domain,
    decoder: JSON.parse(row.decoder) as DecoderDefinition,
    networkServerObject: row.network_server_object === 1,
    samples: JSON.parse(row.samples) as ProfileSample[],
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
