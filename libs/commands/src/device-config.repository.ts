import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

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

interface ConfigRow {
  device_id: string;
  domain: string;
  desired: string | null;
  desired_at: number | null;
  desired_by: string | null;
  reported: string | null;
  reported_at: number | null;
}

/** Desired and reported configuration per device, in SQLite: the retained config is published again after a restart. */
export class DeviceConfigRepository {
  /** Prepared once: every device that connects is looked up (its desired config is published again after a restart). */
  private readonly byDevice: Statement;
  private readonly upsert: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.byDevice = db.prepare('SELECT * FROM device_config WHERE device_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO device_config (device_id, domain, desired, desired_at, desired_by, reported, reported_at) VALUES (@deviceId, @domain, @desired, @desiredAt, @desiredBy, @reported, @reportedAt)
       ON CONFLICT (device_id) DO UPDATE SET domain = excluded.domain, desired = excluded.desired, desired_at = excluded.desired_at, desired_by = excluded.desired_by,
         reported = excluded.reported, reported_at = excluded.reported_at`,
    );
  }

  get(deviceId: string): DeviceConfigRecord | undefined {
    const row = this.byDevice.get(deviceId) as ConfigRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  save(record: DeviceConfigRecord): void {
    this.upsert.run({ ...record, desired: record.desired === null ? null : JSON.stringify(record.desired), reported: record.reported === null ? null : JSON.stringify(record.reported) });
  }

  /** Removes a device's desired and reported configuration (it was deleted); returns how many rows (0 or 1). */
  delete(deviceId: string): number {
    return this.db.prepare('DELETE FROM device_config WHERE device_id = ?').run(deviceId).changes;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function fromRow(row: ConfigRow): DeviceConfigRecord {
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
