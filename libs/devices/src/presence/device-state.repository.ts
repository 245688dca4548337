import { SqliteDatabase } from '@hub/store';

export interface DeviceState {
  deviceId: string;
  domain: string;
  clientId: string | null;
  online: boolean;
  firstSeen: number;
  /** Receive time of the last message from the device (telemetry or status). */
  lastSeen: number;
  /** Event time of the newest reading stored for the device. */
  lastReadingTs: number | null;
  /** Newest value of each metric, by event time. */
  lastValues: Record<string, number>;
  /** Event time of each of those values: a late reading of one metric must not lose to a newer one of another. */
  lastValueTs: Record<string, number>;
  statusChangedAt: number;
}

interface DeviceRow {
  device_id: string;
  domain: string;
  client_id: string | null;
  online: number;
  first_seen: number;
  last_seen: number;
  last_reading_ts: number | null;
  last_values: string;
  last_value_ts: string;
  status_changed_at: number;
}

/** Persists per-device presence and last values so they survive restarts. */
export class DeviceStateRepository {
  constructor(private readonly db: SqliteDatabase) {}

  loadAll(): DeviceState[] {
    return (this.db.prepare('SELECT * FROM devices').all() as DeviceRow[]).map((row) => ({
      deviceId: row.device_id,
      domain: row.domain,
      clientId: row.client_id,
      online: row.online === 1,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      lastReadingTs: row.last_reading_ts,
      lastValues: JSON.parse(row.last_values) as Record<string, number>,
      lastValueTs: JSON.parse(row.last_value_ts) as Record<string, number>,
      statusChangedAt: row.status_changed_at,
    }));
  }

  saveMany(states: readonly DeviceState[]): void {
    if (states.length === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO devices (device_id, domain, client_id, online, first_seen, last_seen, last_reading_ts, last_values, last_value_ts, status_changed_at)
       VALUES (@deviceId, @domain, @clientId, @online, @firstSeen, @lastSeen, @lastReadingTs, @lastValues, @lastValueTs, @statusChangedAt)
       ON CONFLICT (device_id) DO UPDATE SET domain = excluded.domain, client_id = excluded.client_id, online = excluded.online,
         last_seen = excluded.last_seen, last_reading_ts = excluded.last_reading_ts, last_values = excluded.last_values, last_value_ts = excluded.last_value_ts,
         status_changed_at = excluded.status_changed_at`,
    );
    this.db.transaction(() => {
      for (const state of states) {
        upsert.run({ ...state, online: state.online ? 1 : 0, lastValues: JSON.stringify(state.lastValues), lastValueTs: JSON.stringify(state.lastValueTs) });
      }
    })();
  }
}
