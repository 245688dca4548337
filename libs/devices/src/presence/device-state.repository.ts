import type { DevicesTable, Executor, HubDatabase, Store } from '@hub/store';
import type { ExpressionBuilder, OnConflictDatabase, OnConflictTables, Selectable } from 'kysely';

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
  /**
   * A cluster node's device gone offline here: the status change at which its ended connection began. Its offline row
   * is then written only over a row still at that connection or older (or offline): another node's claim of a newer
   * connection, written first, stays. Not stored.
   */
  endedConnectionSince?: number;
}

/** Rows a multi-row upsert carries: 10 columns each, far below either database's parameter limit. */
const BATCH = 1000;

/** An upsert's update: every column but first_seen (the first sighting stays). */
const UPDATE_ALL = (eb: ExpressionBuilder<OnConflictDatabase<HubDatabase, 'devices'>, OnConflictTables<'devices'>>) => ({
  domain: eb.ref('excluded.domain'),
  client_id: eb.ref('excluded.client_id'),
  online: eb.ref('excluded.online'),
  last_seen: eb.ref('excluded.last_seen'),
  last_reading_ts: eb.ref('excluded.last_reading_ts'),
  last_values: eb.ref('excluded.last_values'),
  last_value_ts: eb.ref('excluded.last_value_ts'),
  status_changed_at: eb.ref('excluded.status_changed_at'),
});

/** Persists per-device presence and last values so they survive restarts. */
export class DeviceStateRepository {
  constructor(private readonly store: Store) {}

  async loadAll(exec: Executor = this.store.db): Promise<DeviceState[]> {
    const rows = await exec.selectFrom('devices').selectAll().orderBy('device_id').execute();
    return rows.map((row) => ({
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

  /** Inserts or updates the states, in batches; each is read as it is now (the caller may change it afterwards). */
  async saveMany(states: readonly DeviceState[], exec: Executor = this.store.db): Promise<void> {
    const row = (state: DeviceState): Selectable<DevicesTable> => ({
      device_id: state.deviceId,
      domain: state.domain,
      client_id: state.clientId,
      online: state.online ? 1 : 0,
      first_seen: state.firstSeen,
      last_seen: state.lastSeen,
      last_reading_ts: state.lastReadingTs,
      last_values: JSON.stringify(state.lastValues),
      last_value_ts: JSON.stringify(state.lastValueTs),
      status_changed_at: state.statusChangedAt,
    });
    const guarded = states.filter((state) => !state.online && state.endedConnectionSince !== undefined);
    const rows = states.filter((state) => state.online || state.endedConnectionSince === undefined).map(row);
    for (let start = 0; start < rows.length; start += BATCH) {
      await exec
        .insertInto('devices')
        .values(rows.slice(start, start + BATCH))
        .onConflict((conflict) => conflict.column('device_id').doUpdateSet(UPDATE_ALL))
        .execute();
    }
    // A compare-and-set each (a node's own disconnects: few at a time), as setOfflineIfUnchanged.
    for (const state of guarded) {
      await exec
        .insertInto('devices')
        .values(row(state))
        .onConflict((conflict) =>
          conflict
            .column('device_id')
            .doUpdateSet(UPDATE_ALL)
            .where((eb) => eb.or([eb('devices.online', '=', 0), eb('devices.status_changed_at', '<=', state.endedConnectionSince as number)])),
        )
        .execute();
    }
  }

  /**
   * Sets offline the devices whose row still says online since the connection given (`since`, or earlier): a
   * compare-and-set, so a device that reconnected elsewhere meanwhile (its row written with a later status change) is
   * left alone, and of several nodes deciding the same, one changes the row. Answers how many rows changed.
   */
  async setOfflineIfUnchanged(devices: ReadonlyArray<{ readonly deviceId: string; readonly since: number }>, at: number): Promise<number> {
    if (devices.length === 0) return 0;
    return this.store.tx(async ({ exec }) => {
      let changed = 0;
      for (const { deviceId, since } of devices) {
        const result = await exec
          .updateTable('devices')
          .set({ online: 0, status_changed_at: at })
          .where('device_id', '=', deviceId)
          .where('online', '=', 1)
          .where('status_changed_at', '<=', since)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
      return changed;
    });
  }
}
