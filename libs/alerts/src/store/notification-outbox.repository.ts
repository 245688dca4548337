import type { SqliteDatabase } from '@hub/store';

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
  constructor(private readonly db: SqliteDatabase) {}

  /** The channel's cursor; a channel seen for the first time starts at the newest event (no replay of old history). */
  cursor(channel: string): number {
    const row = this.db.prepare('SELECT last_event_id FROM alert_notification_cursors WHERE channel = ?').get(channel) as { last_event_id: number } | undefined;
    if (row !== undefined) return row.last_event_id;
    const start = this.newestEventId();
    this.advance(channel, start);
    return start;
  }

  advance(channel: string, eventId: number): void {
    this.db
      .prepare('INSERT INTO alert_notification_cursors (channel, last_event_id) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE SET last_event_id = excluded.last_event_id')
      .run(channel, eventId);
  }

  /** Events to notify after `afterId`, oldest first. */
  pending(afterId: number, limit: number): OutboxEntry[] {
    const rows = this.db
      .prepare('SELECT id, payload FROM alert_events WHERE notify = 1 AND id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit) as { id: number; payload: string }[];
    return rows.map((row) => ({ eventId: row.id, payload: row.payload }));
  }

  /** How many events wait after `afterId`. */
  backlog(afterId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM alert_events WHERE notify = 1 AND id > ?').get(afterId) as { n: number }).n;
  }

  /** The id after which only the newest `keep` events to notify remain. */
  skipTo(afterId: number, keep: number): number {
    const row = this.db
      .prepare('SELECT id FROM alert_events WHERE notify = 1 AND id > ? ORDER BY id DESC LIMIT 1 OFFSET ?')
      .get(afterId, keep) as { id: number } | undefined;
    return row?.id ?? afterId;
  }

  newestEventId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM alert_events').get() as { id: number }).id;
  }
}
