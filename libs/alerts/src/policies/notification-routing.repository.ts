import type { DeliveryOutcome } from '@hub/api-types';
import type { Executor, Store } from '@hub/store';
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

export interface DeliveryLogLimits {
  readonly keepRows: number;
  readonly trimEvery: number;
}

/** The routing engine's state in the hub's store: groups, their pending changes, open alerts, the send queue, the log. */
export class NotificationRoutingRepository {
  /**
   * The log id at or past which the next trim runs. Not `id % TRIM_EVERY === 0`: PostgreSQL identities skip the ids
   * of rolled-back inserts, so a multiple of a thousand may never be written. Kept in memory from MAX(id) at the first
   * write; a rolled-back trim only delays the next one by `trimEvery` rows.
   */
  private nextTrimAt: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly limits: DeliveryLogLimits = { keepRows: MAX_DELIVERY_ROWS, trimEvery: TRIM_EVERY },
  ) {}

  async lastEventId(exec: Executor = this.store.db): Promise<number> {
    const row = await exec.selectFrom('notification_routing_state').select('last_event_id').where('id', '=', 1).executeTakeFirst();
    return row?.last_event_id ?? 0;
  }

  async setLastEventId(eventId: number, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('notification_routing_state')
      .values({ id: 1, last_event_id: eventId })
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_event_id: eventId }))
      .execute();
  }

  async group(route: string, groupKey: string, exec: Executor = this.store.db): Promise<GroupRow | undefined> {
    const row = await exec.selectFrom('notification_groups').selectAll().where('route', '=', route).where('group_key', '=', groupKey).executeTakeFirst();
    return row === undefined ? undefined : toGroup(row as RawGroup);
  }

  async saveGroup(group: GroupRow, exec: Executor = this.store.db): Promise<void> {
    const changes = { severity: group.severity, due_at: group.dueAt, last_sent_at: group.lastSentAt, repeat_due_at: group.repeatDueAt };
    await exec
      .insertInto('notification_groups')
      .values({ route: group.route, group_key: group.groupKey, ...changes })
      .onConflict((oc) => oc.columns(['route', 'group_key']).doUpdateSet(changes))
      .execute();
  }

  async groupsDue(now: number, exec: Executor = this.store.db): Promise<GroupRow[]> {
    const rows = await exec
      .selectFrom('notification_groups')
      .selectAll()
      .where((eb) => eb.or([eb('due_at', '<=', now), eb('repeat_due_at', '<=', now)]))
      // A stable order, the same on both dialects: the messages of several groups due together queue in key order.
      .orderBy('route')
      .orderBy('group_key')
      .execute();
    return rows.map((row) => toGroup(row as RawGroup));
  }

  /** A newer change of the same alert replaces the one waiting (the message says where the alert is now). */
  async addPending(route: string, groupKey: string, change: PendingChange, exec: Executor = this.store.db): Promise<void> {
    const changes = { event_id: change.eventId, reason: change.reason, payload: change.payload };
    await exec
      .insertInto('notification_group_pending')
      .values({ route, group_key: groupKey, alert_id: change.alertId, ...changes })
      .onConflict((oc) => oc.columns(['route', 'group_key', 'alert_id']).doUpdateSet(changes))
      .execute();
  }

  async takePending(route: string, groupKey: string, exec: Executor = this.store.db): Promise<PendingChange[]> {
    const rows = await exec
      .selectFrom('notification_group_pending')
      .select(['alert_id', 'event_id', 'reason', 'payload'])
      .where('route', '=', route)
      .where('group_key', '=', groupKey)
      .orderBy('event_id')
      .execute();
    await exec.deleteFrom('notification_group_pending').where('route', '=', route).where('group_key', '=', groupKey).execute();
    return rows.map((row) => ({ alertId: row.alert_id, eventId: row.event_id, reason: row.reason as PendingChange['reason'], payload: row.payload }));
  }

  async saveOpenAlert(row: OpenAlertRow, exec: Executor = this.store.db): Promise<void> {
    const changes = { group_key: row.groupKey, severity: row.severity, fired_at: row.firedAt, level: row.level, next_level_at: row.nextLevelAt, payload: row.payload };
    await exec
      .insertInto('notification_open_alerts')
      .values({ route: row.route, alert_id: row.alertId, ...changes })
      .onConflict((oc) => oc.columns(['route', 'alert_id']).doUpdateSet(changes))
      .execute();
  }

  /** Acknowledged or resolved: no more repeats or escalation for it. */
  async closeAlert(alertId: number, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('notification_open_alerts').where('alert_id', '=', alertId).execute();
  }

  async openAlertsOf(route: string, groupKey: string, exec: Executor = this.store.db): Promise<OpenAlertRow[]> {
    const rows = await exec.selectFrom('notification_open_alerts').selectAll().where('route', '=', route).where('group_key', '=', groupKey).orderBy('alert_id').execute();
    return rows.map((row) => toOpenAlert(row as RawOpenAlert));
  }

  async escalationsDue(now: number, exec: Executor = this.store.db): Promise<OpenAlertRow[]> {
    const rows = await exec
      .selectFrom('notification_open_alerts')
      .selectAll()
      .where('next_level_at', '<=', now)
      .orderBy('route')
      .orderBy('group_key')
      .orderBy('alert_id')
      .execute();
    return rows.map((row) => toOpenAlert(row as RawOpenAlert));
  }

  /** Returns the message's id. */
  async queue(message: Omit<OutgoingMessage, 'id' | 'attempts' | 'createdAt'>, now: number, exec: Executor = this.store.db): Promise<number> {
    const { id } = await exec
      .insertInto('notification_outgoing')
      .values({
        route: message.route,
        contact_point: message.contactPoint,
        level: message.level,
        reason: message.reason,
        alerts: message.alerts,
        created_at: now,
        next_attempt_at: message.nextAttemptAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** The oldest queued message of each contact point: each contact point delivers its messages in order. */
  async headsOfQueues(exec: Executor = this.store.db): Promise<OutgoingMessage[]> {
    const rows = await exec
      .selectFrom('notification_outgoing')
      .selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('notification_outgoing').select((inner) => inner.fn.min('id').as('id')).groupBy('contact_point'))
      .orderBy('id')
      .execute();
    return rows.map((row) => fromRawOutgoing(row as RawOutgoing));
  }

  /** A contact point's queued messages due at `now`, oldest first, at most `limit`. */
  async dueOf(contactPoint: string, now: number, limit: number, exec: Executor = this.store.db): Promise<OutgoingMessage[]> {
    const rows = await exec
      .selectFrom('notification_outgoing')
      .selectAll()
      .where('contact_point', '=', contactPoint)
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => fromRawOutgoing(row as RawOutgoing));
  }

  async retryLater(id: number, attempts: number, nextAttemptAt: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('notification_outgoing').set({ attempts, next_attempt_at: nextAttemptAt }).where('id', '=', id).execute();
  }

  async done(id: number, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('notification_outgoing').where('id', '=', id).execute();
  }

  /** One log row and its entries in the per-alert index; call inside the transaction that makes it true. */
  async recordDelivery(entry: Omit<DeliveryRecord, 'id'>, exec: Executor = this.store.db): Promise<number> {
    if (this.nextTrimAt === undefined) {
      const { last } = await exec
        .selectFrom('notification_deliveries')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirstOrThrow();
      this.nextTrimAt = (Math.floor(Number(last ?? 0) / this.limits.trimEvery) + 1) * this.limits.trimEvery;
    }
    const { id } = await exec
      .insertInto('notification_deliveries')
      .values({
        at: entry.at,
        message_id: entry.messageId,
        route: entry.route,
        contact_point: entry.contactPoint,
        kind: entry.kind,
        level: entry.level,
        reason: entry.reason,
        outcome: entry.outcome,
        attempt: entry.attempt,
        alerts: JSON.stringify(entry.alerts),
        provider_answer: entry.providerAnswer,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (entry.alerts.length > 0) {
      await exec
        .insertInto('notification_delivery_alerts')
        .values(entry.alerts.map((alert) => ({ alert_id: alert.alertId, delivery_id: id })))
        // A message listing an alert twice (a batch of one robot) indexes it once.
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    if (id >= this.nextTrimAt) {
      this.nextTrimAt = id + this.limits.trimEvery;
      await this.trimDeliveries(id - this.limits.keepRows, exec);
    }
    return id;
  }

  /** Drops the log rows up to `throughId` and their index entries together, so the index never points at nothing. */
  private async trimDeliveries(throughId: number, exec: Executor): Promise<void> {
    await exec.deleteFrom('notification_delivery_alerts').where('delivery_id', '<=', throughId).execute();
    await exec.deleteFrom('notification_deliveries').where('id', '<=', throughId).execute();
  }

  /** Newest first. */
  async deliveries(limit: number, exec: Executor = this.store.db): Promise<DeliveryRecord[]> {
    const rows = await exec.selectFrom('notification_deliveries').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => toDelivery(row as RawDelivery));
  }

  /** Every log row that concerns the alert, oldest first. */
  async deliveriesOfAlert(alertId: number, exec: Executor = this.store.db): Promise<DeliveryRecord[]> {
    const rows = await exec
      .selectFrom('notification_delivery_alerts as entries')
      .innerJoin('notification_deliveries as deliveries', 'deliveries.id', 'entries.delivery_id')
      .selectAll('deliveries')
      .where('entries.alert_id', '=', alertId)
      .orderBy('entries.delivery_id')
      .execute();
    return rows.map((row) => toDelivery(row as RawDelivery));
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
