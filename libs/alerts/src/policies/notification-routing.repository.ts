import type { DeliveryOutcome } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';
import type { Severity } from '../rules/alert-rule';
import type { SendReason } from './notification-policy';

export interface GroupRow {
  readonly route: string;
  readonly groupKey: string;
  readonly severity: Severity;
  readonly dueAt: number | null;
  readonly lastSentAt: number | null;
  readonly repeatDueAt: number | null;
}

export interface PendingChange {
  readonly alertId: number;
  readonly eventId: number;
  readonly reason: 'new' | 'resolved';
  /** The AlertNotification JSON. */
  readonly payload: string;
}

export interface OpenAlertRow {
  readonly route: string;
  readonly alertId: number;
  readonly groupKey: string;
  readonly severity: Severity;
  readonly firedAt: number;
  readonly level: number;
  readonly nextLevelAt: number | null;
  readonly payload: string;
}

export interface OutgoingMessage {
  readonly id: number;
  readonly route: string;
  readonly contactPoint: string;
  readonly level: number;
  readonly reason: SendReason;
  /** JSON array of AlertNotification. */
  readonly alerts: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  /** When the router queued it: the give-up bound counts from here. */
  readonly createdAt: number;
}

// queued: the router put a message in a contact point's queue (attempt 0); the rest are the sender's attempts.
export { DELIVERY_OUTCOMES, type DeliveryOutcome } from '@hub/api-types';

/** A log row's alerts: id, device, event. */
export type DeliveredAlert = { alertId: number; eventId: number; deviceId: string; event: string };

export interface DeliveryRecord {
  readonly id: number;
  readonly at: number;
  /** The queued message (notification_outgoing id) the row belongs to; null for rows logged before it was kept. */
  readonly messageId: number | null;
  readonly route: string;
  readonly contactPoint: string;
  /** The contact point's kind at the time (email, dingtalk, …); null when it no longer existed. */
  readonly kind: string | null;
  readonly level: number;
  readonly reason: SendReason;
  readonly outcome: DeliveryOutcome;
  readonly attempt: number;
  /** The alerts of the message: id, device, event. */
  readonly alerts: DeliveredAlert[];
  readonly providerAnswer: string;
}

/** Rows kept in the delivery log; older ones go, with their entries in the per-alert index. */
export const MAX_DELIVERY_ROWS = 100_000;
/** The log is trimmed every this many rows (so trimming costs one DELETE per thousand rows). */
const TRIM_EVERY = 1000;

/** The routing engine's state in the embedded database: groups, their pending changes, open alerts, the send queue. */
export class NotificationRoutingRepository {
  constructor(private readonly db: SqliteDatabase) {}

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  lastEventId(): number {
    const row = this.db.prepare('SELECT last_event_id FROM notification_routing_state WHERE id = 1').get() as { last_event_id: number } | undefined;
    return row?.last_event_id ?? 0;
  }

  setLastEventId(eventId: number): void {
    this.db.prepare('INSERT INTO notification_routing_state (id, last_event_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_event_id = excluded.last_event_id').run(eventId);
  }

  group(route: string, groupKey: string): GroupRow | undefined {
    const row = this.db.prepare('SELECT * FROM notification_groups WHERE route = ? AND group_key = ?').get(route, groupKey) as RawGroup | undefined;
    return row === undefined ? undefined : toGroup(row);
  }

  saveGroup(group: GroupRow): void {
    this.db
      .prepare(
        `INSERT INTO notification_groups (route, group_key, severity, due_at, last_sent_at, repeat_due_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (route, group_key) DO UPDATE SET severity = excluded.severity, due_at = excluded.due_at, last_sent_at = excluded.last_sent_at, repeat_due_at = excluded.repeat_due_at`,
      )
      .run(group.route, group.groupKey, group.severity, group.dueAt, group.lastSentAt, group.repeatDueAt);
  }

  groupsDue(now: number): GroupRow[] {
    return (this.db.prepare('SELECT * FROM notification_groups WHERE due_at <= ? OR repeat_due_at <= ?').all(now, now) as RawGroup[]).map(toGroup);
  }

  /** A newer change of the same alert replaces the one waiting (the message says where the alert is now). */
  addPending(route: string, groupKey: string, change: PendingChange): void {
    this.db
      .prepare(
        `INSERT INTO notification_group_pending (route, group_key, alert_id, event_id, reason, payload) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (route, group_key, alert_id) DO UPDATE SET event_id = excluded.event_id, reason = excluded.reason, payload = excluded.payload`,
      )
      .run(route, groupKey, change.alertId, change.eventId, change.reason, change.payload);
  }

  takePending(route: string, groupKey: string): PendingChange[] {
    const rows = this.db
      .prepare('SELECT alert_id, event_id, reason, payload FROM notification_group_pending WHERE route = ? AND group_key = ? ORDER BY event_id')
      .all(route, groupKey) as Array<{ alert_id: number; event_id: number; reason: 'new' | 'resolved'; payload: string }>;
    this.db.prepare('DELETE FROM notification_group_pending WHERE route = ? AND group_key = ?').run(route, groupKey);
    return rows.map((row) => ({ alertId: row.alert_id, eventId: row.event_id, reason: row.reason, payload: row.payload }));
  }

  saveOpenAlert(row: OpenAlertRow): void {
    this.db
      .prepare(
        `INSERT INTO notification_open_alerts (route, alert_id, group_key, severity, fired_at, level, next_level_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (route, alert_id) DO UPDATE SET group_key = excluded.group_key, severity = excluded.severity, fired_at = excluded.fired_at, level = excluded.level,
           next_level_at = excluded.next_level_at, payload = excluded.payload`,
      )
      .run(row.route, row.alertId, row.groupKey, row.severity, row.firedAt, row.level, row.nextLevelAt, row.payload);
  }

  /** Acknowledged or resolved: no more repeats or escalation for it. */
  closeAlert(alertId: number): void {
    this.db.prepare('DELETE FROM notification_open_alerts WHERE alert_id = ?').run(alertId);
  }

  openAlertsOf(route: string, groupKey: string): OpenAlertRow[] {
    return (this.db.prepare('SELECT * FROM notification_open_alerts WHERE route = ? AND group_key = ? ORDER BY alert_id').all(route, groupKey) as RawOpenAlert[]).map(toOpenAlert);
  }

  escalationsDue(now: number): OpenAlertRow[] {
    return (this.db.prepare('SELECT * FROM notification_open_alerts WHERE next_level_at <= ? ORDER BY route, group_key, alert_id').all(now) as RawOpenAlert[]).map(toOpenAlert);
  }

  /** Returns the message's id. */
  queue(message: Omit<OutgoingMessage, 'id' | 'attempts' | 'createdAt'>, now: number): number {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO notification_outgoing (route, contact_point, level, reason, alerts, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(message.route, message.contactPoint, message.level, message.reason, message.alerts, now, message.nextAttemptAt);
    return Number(lastInsertRowid);
  }

  /** The oldest queued message of each contact point: each contact point delivers its messages in order. */
  headsOfQueues(): OutgoingMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM notification_outgoing WHERE id IN (SELECT MIN(id) FROM notification_outgoing GROUP BY contact_point) ORDER BY id')
      .all() as RawOutgoing[];
    return rows.map(fromRawOutgoing);
  }

  /** A contact point's queued messages due at `now`, oldest first, at most `limit`. */
  dueOf(contactPoint: string, now: number, limit: number): OutgoingMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM notification_outgoing WHERE contact_point = ? AND next_attempt_at <= ? ORDER BY id LIMIT ?')
      .all(contactPoint, now, limit) as RawOutgoing[];
    return rows.map(fromRawOutgoing);
  }

  retryLater(id: number, attempts: number, nextAttemptAt: number): void {
    this.db.prepare('UPDATE notification_outgoing SET attempts = ?, next_attempt_at = ? WHERE id = ?').run(attempts, nextAttemptAt, id);
  }

  done(id: number): void {
    this.db.prepare('DELETE FROM notification_outgoing WHERE id = ?').run(id);
  }

  /** One log row and its entries in the per-alert index; call inside the transaction that makes it true. */
  recordDelivery(entry: Omit<DeliveryRecord, 'id'>): number {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO notification_deliveries (at, message_id, route, contact_point, kind, level, reason, outcome, attempt, alerts, provider_answer)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.at, entry.messageId, entry.route, entry.contactPoint, entry.kind, entry.level, entry.reason, entry.outcome, entry.attempt, JSON.stringify(entry.alerts), entry.providerAnswer);
    const id = Number(lastInsertRowid);
    const index = this.db.prepare('INSERT OR IGNORE INTO notification_delivery_alerts (alert_id, delivery_id) VALUES (?, ?)');
    for (const alert of entry.alerts) index.run(alert.alertId, id);
    if (id % TRIM_EVERY === 0) this.trimDeliveries(id - MAX_DELIVERY_ROWS);
    return id;
  }

  /** Drops the log rows up to `throughId` and their index entries together, so the index never points at nothing. */
  private trimDeliveries(throughId: number): void {
    this.db.prepare('DELETE FROM notification_delivery_alerts WHERE delivery_id <= ?').run(throughId);
    this.db.prepare('DELETE FROM notification_deliveries WHERE id <= ?').run(throughId);
  }

  /** Newest first. */
  deliveries(limit: number): DeliveryRecord[] {
    return (this.db.prepare('SELECT * FROM notification_deliveries ORDER BY id DESC LIMIT ?').all(limit) as RawDelivery[]).map(toDelivery);
  }

  /** Every log row that concerns the alert, oldest first. */
  deliveriesOfAlert(alertId: number): DeliveryRecord[] {
    const rows = this.db
      .prepare(
        `SELECT deliveries.* FROM notification_delivery_alerts AS entries JOIN notification_deliveries AS deliveries ON deliveries.id = entries.delivery_id
         WHERE entries.alert_id = ? ORDER BY entries.delivery_id`,
      )
      .all(alertId) as RawDelivery[];
    return rows.map(toDelivery);
  }
}

interface RawGroup {
  route: string;
  group_key: string;
  severity: Severity;
  due_at: number | null;
  last_sent_at: number | null;
  repeat_due_at: number | null;
}

interface RawOpenAlert {
  route: string;
  alert_id: number;
  group_key: string;
  severity: Severity;
  fired_at: number;
  level: number;
  next_level_at: number | null;
  payload: string;
}

interface RawOutgoing {
  id: number;
  route: string;
  contact_point: string;
  level: number;
  reason: SendReason;
  alerts: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

interface RawDelivery {
  id: number;
  at: number;
  message_id: number | null;
  route: string;
  contact_point: string;
  kind: string | null;
  level: number;
  reason: SendReason;
  outcome: DeliveryOutcome;
  attempt: number;
  alerts: string;
  provider_answer: string;
}

function toDelivery(row: RawDelivery): DeliveryRecord {
  return {
    id: row.id,
    at: row.at,
    messageId: row.message_id,
    route: row.route,
    contactPoint: row.contact_point,
    kind: row.kind,
    level: row.level,
    reason: row.reason,
    outcome: row.outcome,
    attempt: row.attempt,
    alerts: JSON.parse(row.alerts) as DeliveredAlert[],
    providerAnswer: row.provider_answer,
  };
}

function toGroup(row: RawGroup): GroupRow {
  return { route: row.route, groupKey: row.group_key, severity: row.severity, dueAt: row.due_at, lastSentAt: row.last_sent_at, repeatDueAt: row.repeat_due_at };
}

function toOpenAlert(row: RawOpenAlert): OpenAlertRow {
  return {
    route: row.route,
    alertId: row.alert_id,
    groupKey: row.group_key,
    severity: row.severity,
    firedAt: row.fired_at,
    level: row.level,
    nextLevelAt: row.next_level_at,
    payload: row.payload,
  };
}

function fromRawOutgoing(row: RawOutgoing): OutgoingMessage {
  return {
      id: row.id,
      route: row.route,
      contactPoint: row.contact_point,
      level: row.level,
      reason: row.reason,
      alerts: row.alerts,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      createdAt: row.created_at,
    };
}
