import type { AccessScope } from '@hub/access';
import type { Domain } from '@hub/contract';
import type { Executor, HubDatabase, Store, Tx } from '@hub/store';
import type { Insertable, Selectable } from 'kysely';
import { Alert, AlertEvent, AlertEventDraft, AlertEventKind, AlertState, Resolution } from '../lifecycle/alert';
import type { ConditionType, Severity } from '../rules/alert-rule';
import { areaOf, scopeCondition } from './scope-filter';

export interface AlertFilter {
  readonly states?: readonly AlertState[];
  readonly severity?: Severity;
  readonly domain?: Domain;
  readonly town?: string;
  readonly deviceId?: string;
  readonly ruleId?: string;
  readonly flapping?: boolean;
  /** Alerts still open at `from`, or resolved at or after it. */
  readonly from?: number;
  /** Alerts whose condition started (event time) before `to`. */
  readonly to?: number;
  /** Only ids below this (cursor for the next page). */
  readonly beforeId?: number;
  /** Only alerts inside this scope (the asker's towns and domains). */
  readonly within?: AccessScope;
  readonly limit: number;
}

type AlertRow = Selectable<HubDatabase['alerts']>;
type EventRow = Selectable<HubDatabase['alert_events']>;

/**
 * Taken before a transaction inserts history and held until it ends: alert_events ids then follow commit order, so a
 * reader of `eventsAfter` (the live feed, the outbox cursors, the policy router) that has seen id n never sees a
 * smaller id commit later. On PostgreSQL two transactions would otherwise draw ids and commit in either order.
 */
export const ALERT_HISTORY_LOCK = 'alert-history';

/** Taken by whatever reads a rule's alerts to change them (evaluation, operator action, rule change): one at a time. */
export function alertRuleLock(ruleId: string): string {
  return `alert-rule:${ruleId}`;
}

/** Alerts and their history. Writes of one evaluation or one operator action go in one transaction. */
export class AlertRepository {
  constructor(private readonly store: Store) {}

  async get(id: number, exec: Executor = this.store.db): Promise<Alert | undefined> {
    const row = await exec.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toAlert(row);
  }

  /**
   * The latest alert per device that an evaluation of the rule must reconcile with: open ones, ones whose condition
   * is still active (resolved by an operator while it held), and ones whose condition ended after `endedSince`.
   */
  async latestForRule(ruleId: string, endedSince: number, exec: Executor = this.store.db): Promise<Map<string, Alert>> {
    const rows = await exec
      .selectFrom('alerts')
      .selectAll()
      .where('rule_id', '=', ruleId)
      .where((eb) => eb.or([eb('state', '!=', 'resolved'), eb('condition_active', '=', 1)]))
      .union(exec.selectFrom('alerts').selectAll().where('rule_id', '=', ruleId).where('condition_ended_at', '>=', endedSince))
      .orderBy('id')
      .execute();
    const latest = new Map<string, Alert>();
    for (const row of rows) latest.set(row.device_id, toAlert(row));
    return latest;
  }

  /** Devices with an alert of the rule that evaluations must keep following (open, or condition still active). */
  async followedDevices(ruleId: string, exec: Executor = this.store.db): Promise<string[]> {
    const rows = await exec
      .selectFrom('alerts')
      .select('device_id')
      .distinct()
      .where('rule_id', '=', ruleId)
      .where((eb) => eb.or([eb('state', '!=', 'resolved'), eb('condition_active', '=', 1)]))
      .orderBy('device_id')
      .execute();
    return rows.map((row) => row.device_id);
  }

  async openForRule(ruleId: string, exec: Executor = this.store.db): Promise<Alert[]> {
    return (await exec.selectFrom('alerts').selectAll().where('rule_id', '=', ruleId).where('state', '!=', 'resolved').orderBy('id').execute()).map(toAlert);
  }

  async list(filter: AlertFilter, exec: Executor = this.store.db): Promise<{ items: Alert[]; matching: number }> {
    let query = exec.selectFrom('alerts');
    if (filter.states !== undefined && filter.states.length > 0) query = query.where('state', 'in', [...filter.states]);
    if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
    if (filter.domain !== undefined) query = query.where('domain', '=', filter.domain);
    if (filter.town !== undefined) query = query.where('town', '=', filter.town);
    if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
    if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
    if (filter.flapping !== undefined) query = query.where('flapping', '=', filter.flapping ? 1 : 0);
    const from = filter.from;
    if (from !== undefined) query = query.where((eb) => eb.or([eb('state', '!=', 'resolved'), eb('resolved_at', '>=', from)]));
    if (filter.to !== undefined) query = query.where('started_at', '<', filter.to);
    const scope = filter.within === undefined ? undefined : scopeCondition(filter.within, areaOf('town', 'village'), 'domain');
    if (scope !== undefined) query = query.where(scope);
    const { n } = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const page = filter.beforeId === undefined ? query : query.where('id', '<', filter.beforeId);
    const rows = await page.selectAll().orderBy('id', 'desc').limit(filter.limit).execute();
    return { items: rows.map(toAlert), matching: Number(n) };
  }

  async history(alertId: number, exec: Executor = this.store.db): Promise<AlertEvent[]> {
    return (await exec.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).orderBy('id').execute()).map(toEvent);
  }

  /** History entries of every alert after `afterId`, oldest first: what the console's live feed tails. */
  async eventsAfter(afterId: number, limit: number, exec: Executor = this.store.db): Promise<AlertEvent[]> {
    return (await exec.selectFrom('alert_events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute()).map(toEvent);
  }

  /** Id of the newest history entry, 0 when there is none. */
  async lastEventId(exec: Executor = this.store.db): Promise<number> {
    const row = await exec.selectFrom('alert_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id ?? 0;
  }

  /** Open alerts per severity and state, for the metrics gauge. */
  async openCounts(exec: Executor = this.store.db): Promise<Array<{ severity: Severity; state: AlertState; flapping: boolean; count: number }>> {
    const rows = await exec
      .selectFrom('alerts')
      .select(['severity', 'state', 'flapping', (eb) => eb.fn.countAll().as('n')])
      .where('state', '!=', 'resolved')
      .groupBy(['severity', 'state', 'flapping'])
      .orderBy('severity')
      .orderBy('state')
      .orderBy('flapping')
      .execute();
    return rows.map((row) => ({ severity: row.severity as Severity, state: row.state as AlertState, flapping: row.flapping === 1, count: Number(row.n) }));
  }

  /**
   * Stores changed and new alerts (new ones get their id) and their history, in one transaction (the caller's, when
   * given). `payloadOf` gives the notification text of each event that is to be notified; it is stored with the
   * event, which is the outbox. History is inserted under ALERT_HISTORY_LOCK, as late as possible in the transaction.
   */
  async save(alerts: readonly Alert[], events: readonly AlertEventDraft[], payloadOf: (event: AlertEventDraft, alertId: number) => string, outer?: Tx): Promise<void> {
    if (alerts.length === 0 && events.length === 0) return;
    await this.store.tx(async (tx) => {
      for (const alert of alerts) {
        const row = toRow(alert);
        if (alert.id === 0) alert.id = (await tx.exec.insertInto('alerts').values(row).returning('id').executeTakeFirstOrThrow()).id;
        else await tx.exec.updateTable('alerts').set(row).where('id', '=', alert.id).execute();
      }
      if (events.length === 0) return;
      await tx.lock(ALERT_HISTORY_LOCK);
      const rows = events.map((event) => {
        const alertId = event.alert.id;
        event.snapshot.id = alertId;
        return {
          alert_id: alertId,
          at: event.at,
          kind: event.kind,
          actor: event.actor,
          note: event.note,
          from_state: event.fromState,
          to_state: event.toState,
          notify: event.notify ? 1 : 0,
          silence_id: event.silenceId,
          payload: event.notify ? payloadOf(event, alertId) : null,
        };
      });
      // One statement per event keeps ids in the order the events were drafted on both dialects; ≤ 500 per batch would
      // be faster but a multi-row INSERT does not promise the order of its identities on PostgreSQL.
      for (const row of rows) await tx.exec.insertInto('alert_events').values(row).execute();
    }, outer);
  }
}

function toRow(alert: Alert): Omit<Insertable<HubDatabase['alerts']>, 'id'> {
  return {
    rule_id: alert.ruleId,
    rule_name: alert.ruleName,
    condition_type: alert.conditionType,
    severity: alert.severity,
    domain: alert.domain,
    metric: alert.metric,
    unit: alert.unit,
    device_id: alert.deviceId,
    town: alert.town,
    village: alert.village,
    state: alert.state,
    summary: alert.summary,
    started_at: alert.startedAt,
    fired_at: alert.firedAt,
    updated_at: alert.updatedAt,
    condition_active: alert.conditionActive ? 1 : 0,
    condition_ended_at: alert.conditionEndedAt,
    value: alert.value,
    value_at: alert.valueAt,
    peak: alert.peak,
    // SQLite REAL has no infinities; a peak never scored (a seeded episode) is stored as the lowest double.
    peak_score: Number.isFinite(alert.peakScore) ? alert.peakScore : -Number.MAX_VALUE,
    count: alert.count,
    flapping: alert.flapping ? 1 : 0,
    openings: JSON.stringify(alert.openings),
    acknowledged_by: alert.acknowledgedBy,
    acknowledged_at: alert.acknowledgedAt,
    acknowledge_note: alert.acknowledgeNote,
    resolved_at: alert.resolvedAt,
    resolved_by: alert.resolvedBy,
    resolution: alert.resolution,
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    conditionType: row.condition_type as ConditionType,
    severity: row.severity as Severity,
    domain: row.domain as Domain,
    metric: row.metric,
    unit: row.unit,
    deviceId: row.device_id,
    town: row.town,
    village: row.village,
    state: row.state as AlertState,
    summary: row.summary,
    startedAt: row.started_at,
    firedAt: row.fired_at,
    updatedAt: row.updated_at,
    conditionActive: row.condition_active === 1,
    conditionEndedAt: row.condition_ended_at,
    value: row.value,
    valueAt: row.value_at,
    peak: row.peak,
    peakScore: row.peak_score,
    count: row.count,
    flapping: row.flapping === 1,
    openings: JSON.parse(row.openings) as number[],
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgeNote: row.acknowledge_note,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolution: row.resolution as Resolution | null,
  };
}

function toEvent(row: EventRow): AlertEvent {
  return {
    id: row.id,
    alertId: row.alert_id,
    at: row.at,
    kind: row.kind as AlertEventKind,
    actor: row.actor,
    note: row.note,
    fromState: row.from_state as AlertState | null,
    toState: row.to_state as AlertState,
    notify: row.notify === 1,
    silenceId: row.silence_id,
  };
}
