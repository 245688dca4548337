import type { Executor, Store, Tx } from '@hub/store';
import { fencedTx, type LeaderFence } from '../leader-fence';

export interface OutboxEntry {
  readonly eventId: number;
  /** The notification JSON without its eventId (added on delivery). */
  readonly payload: string;
}

/**
 * The alert history doubles as the notification outbox: every event stored with notify = 1 is to be delivered to
 * every channel, and each channel keeps a cursor (the last event id it is done with). Delivery therefore survives
 * restarts and crashes (at least once: a crash between delivery and cursor update sends that one again).
 */
export class NotificationOutboxRepository {
  constructor(private readonly store: Store) {}

  /**
   * The channel's cursor; a channel seen for the first time starts at the newest event (no replay of old history).
   * Read and first written under a lock per channel, so two first reads cannot start it at two different places.
   */
  async cursor(channel: string, outer?: Tx): Promise<number> {
    return this.store.tx(async (tx) => {
      await tx.lock(`alert-outbox-cursor:${channel}`);
      const row = await tx.exec.selectFrom('alert_notification_cursors').select('last_event_id').where('channel', '=', channel).executeTakeFirst();
      if (row !== undefined) return row.last_event_id;
      const start = await this.newestEventId(tx.exec);
      await this.advance(channel, start, tx.exec);
      return start;
    }, outer);
  }

  /** Runs `work` in one transaction that writes only while `leader` still leads (the dispatchers' writes). */
  fenced<T>(leader: LeaderFence, work: (tx: Tx) => Promise<T>): Promise<T> {
    return fencedTx(this.store, leader, work);
  }

  async advance(channel: string, eventId: number, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('alert_notification_cursors')
      .values({ channel, last_event_id: eventId })
      .onConflict((oc) => oc.column('channel').doUpdateSet({ last_event_id: (eb) => eb.ref('excluded.last_event_id') }))
      .execute();
  }

  /** Events to notify after `afterId`, oldest first. */
  async pending(afterId: number, limit: number, exec: Executor = this.store.db): Promise<OutboxEntry[]> {
    const rows = await exec.selectFrom('alert_events').select(['id', 'payload']).where('notify', '=', 1).where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((row) => ({ eventId: row.id, payload: row.payload ?? '' }));
  }

  /** How many events wait after `afterId`. */
  async backlog(afterId: number, exec: Executor = this.store.db): Promise<number> {
    const { n } = await exec
      .selectFrom('alert_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('notify', '=', 1)
      .where('id', '>', afterId)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** The id after which only the newest `keep` events to notify remain. */
  async skipTo(afterId: number, keep: number, exec: Executor = this.store.db): Promise<number> {
    const row = await exec
      .selectFrom('alert_events')
      .select('id')
      .where('notify', '=', 1)
      .where('id', '>', afterId)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(keep)
      .executeTakeFirst();
    return row?.id ?? afterId;
  }

  async newestEventId(exec: Executor = this.store.db): Promise<number> {
    const row = await exec.selectFrom('alert_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id ?? 0;
  }
}
