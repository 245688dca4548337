import type { DecoderDefinition } from '@hub/decoders';
import type { SqliteDatabase } from '@hub/store';
import type { DeviceProfile, ProfileSample } from './device-profile';

interface ProfileRow {
  id: string;
  name: string;
  description: string;
  domain: string;
  decoder: string;
  network_server_object: number;
  samples: string;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** The device_profiles table: whole profiles in and out (the service keeps them all in memory). */
export class DeviceProfileRepository {
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: SqliteDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO device_profiles (id, name, description, domain, decoder, network_server_object, samples, version, created_at, created_by, updated_at, updated_by)
       VALUES (@id, @name, @description, @domain, @decoder, @networkServerObject, @samples, @version, @createdAt, @createdBy, @updatedAt, @updatedBy)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, domain = excluded.domain,
         decoder = excluded.decoder, network_server_object = excluded.network_server_object, samples = excluded.samples,
         version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.remove = db.prepare('DELETE FROM device_profiles WHERE id = ?');
  }

  loadAll(): DeviceProfile[] {
    return (this.db.prepare('SELECT * FROM device_profiles ORDER BY id').all() as ProfileRow[]).map(fromRow);
  }

  save(profile: DeviceProfile): void {
    this.upsert.run({ ...profile, decoder: JSON.stringify(profile.decoder), networkServerObject: profile.networkServerObject ? 1 : 0, samples: JSON.stringify(profile.samples) });
  }

  delete(id: string): void {
    this.remove.run(id);
  }

  /** Runs `work` in one transaction: a profile and its audit entry are written together or not at all. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function fromRow(row: ProfileRow): DeviceProfile {
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
