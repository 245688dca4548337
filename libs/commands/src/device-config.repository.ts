import type { DeviceConfigTable, Executor, Store } from '@hub/store';
import type { Selectable } from 'kysely';

/** One device's desired and reported configuration as stored. */
export interface DeviceConfigRecord {
  readonly deviceId: string;
  readonly domain: string;
  readonly desired: Readonly<Record<string, unknown>> | null;
  readonly desiredAt: number | null;
  readonly desiredBy: string | null;
  readonly reported: Readonly<Record<string, unknown>> | null;
  readonly reportedAt: number | null;
}

/** Desired and reported configuration per device: the retained config is published again after a restart. */
export class DeviceConfigRepository {
  constructor(private readonly store: Store) {}

  async get(deviceId: string, exec: Executor = this.store.db): Promise<DeviceConfigRecord | undefined> {
    const row = await exec.selectFrom('device_config').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async save(record: DeviceConfigRecord, exec: Executor = this.store.db): Promise<void> {
    const row: Selectable<DeviceConfigTable> = {
      device_id: record.deviceId,
      domain: record.domain,
      desired: record.desired === null ? null : JSON.stringify(record.desired),
      desired_at: record.desiredAt,
      desired_by: record.desiredBy,
      reported: record.reported === null ? null : JSON.stringify(record.reported),
      reported_at: record.reportedAt,
    };
    const { device_id: _key, ...rest } = row;
    await exec
      .insertInto('device_config')
      .values(row)
      .onConflict((conflict) => conflict.column('device_id').doUpdateSet(rest))
      .execute();
  }

  /** Ids of the devices with a desired configuration: the only ones the device-ready path must look up. */
  async devicesWithDesired(exec: Executor = this.store.db): Promise<string[]> {
    const rows = await exec.selectFrom('device_config').select('device_id').where('desired', 'is not', null).orderBy('device_id').execute();
    return rows.map((row) => row.device_id);
  }

  /** Removes a device's desired and reported configuration (it was deleted); returns how many rows (0 or 1). */
  async delete(deviceId: string, exec: Executor = this.store.db): Promise<number> {
    const result = await exec.deleteFrom('device_config').where('device_id', '=', deviceId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function fromRow(row: Selectable<DeviceConfigTable>): DeviceConfigRecord {
  return {
    deviceId: row.device_id,
    domain: row.domain,
    desired: row.desired === null ? null : (JSON.parse(row.desired) as Record<string, unknown>),
    desiredAt: row.desired_at,
    desiredBy: row.desired_by,
    reported: row.reported === null ? null : (JSON.parse(row.reported) as Record<string, unknown>),
    reportedAt: row.reported_at,
  };
}
