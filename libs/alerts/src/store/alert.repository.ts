import { type AccessScope, areaSqlOf, scopeSql } from '@hub/access';
import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';
import { Alert, AlertEvent, AlertEventDraft, AlertEventKind, AlertState, Resolution } from '../lifecycle/alert';
import type { ConditionType, Severity } from '../rules/alert-rule';

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

interface AlertRow {
  id: number;
  rule_id: string;
  rule_name: string;
  condition_type: ConditionType;
  severity: Severity;
  domain: Domain;
  metric: string;
  unit: string;
  device_id: string;
  town: string | null;
  village: string | null;
  state: AlertState;
  summary: string;
  started_at: number;
  fired_at: number;
  updated_at: number;
  condition_active: number;
  condition_ended_at: number | null;
  value: number;
  value_at: number;
  peak: number;
  peak_score: number;
  count: number;
  flapping: number;
  openings: string;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  acknowledge_note: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution: Resolution | null;
}

interface EventRow {
  id: number;
  alert_id: number;
  at: number;
  kind: AlertEventKind;
  actor: string;
  note: string | null;
  from_state: AlertState | null;
  to_state: AlertState;
  notify: number;
  silence_id: number | null;
}

const COLUMNS =
  'rule_id, rule_name, condition_type, severity, domain, metric, unit, device_id, town, village, state, summary, started_at, fired_at, updated_at, ' +
  'condition_active, condition_ended_at, value, value_at, peak, peak_score, count, flapping, openings, acknowledged_by, acknowledged_at, ' +
  'acknowledge_note, resolved_at, resolved_by, resolution';
const PARAMS = COLUMNS.split(', ')
  .map((column) => `@${column}`)
  .join(', ');

/** Alerts and their history. Writes of one evaluation or one operator action go in one transaction. */
export class AlertRepository {
  private readonly insertAlert: Statement;
  private readonly updateAlert: Statement;
  private readonly insertEvent: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.insertAlert = db.prepare(`INSERT INTO alerts (${COLUMNS}) VALUES (${PARAMS})`);
    this.updateAlert = db.prepare(`UPDATE alerts SET (${COLUMNS}) = (${PARAMS}) WHERE id = @id`);
    this.insertEvent = db.prepare(
      `INSERT INTO alert_events (alert_id, at, kind, actor, note, from_state, to_state, notify, silence_id, payload)
       VALUES (@alertId, @at, @kind, @actor, @note, @fromState, @toState, @notify, @silenceId, @payload)`,
    );
  }

  get(id: number): Alert | undefined {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return row === undefined ? undefined : toAlert(row);
  }

  /**
   * The latest alert per device that an evaluation of the rule must reconcile with: open ones, ones whose condition
   * is still active (resolved by an operator while it held), and ones whose condition ended after `endedSince`.
   */
  latestForRule(ruleId: string, endedSince: number): Map<string, Alert> {
    const rows = this.db
      .prepare(
        `SELECT * FROM alerts WHERE rule_id = @ruleId AND (state != 'resolved' OR condition_active = 1)
         UNION SELECT * FROM alerts WHERE rule_id = @ruleId AND condition_ended_at >= @endedSince ORDER BY id`,
      )
      .all({ ruleId, endedSince }) as AlertRow[];
    const latest = new Map<string, Alert>();
    for (const row of rows) latest.set(row.device_id, toAlert(row));
    return latest;
  }

  /** Devices with an alert of the rule that evaluations must keep following (open, or condition still active). */
  followedDevices(ruleId: string): string[] {
    const rows = this.db
      .prepare(`SELECT DISTINCT device_id FROM alerts WHERE rule_id = ? AND (state != 'resolved' OR condition_active = 1)`)
      .all(ruleId) as { device_id: string }[];
    return rows.map((row) => row.device_id);
  }

  openForRule(ruleId: string): Alert[] {
    return (this.db.prepare(`SELECT * FROM alerts WHERE rule_id = ? AND state != 'resolved' ORDER BY id`).all(ruleId) as AlertRow[]).map(toAlert);
  }

  list(filter: AlertFilter): { items: Alert[]; matching: number } {
    const clauses: string[] = [];
    const params: Record<string, string | number> = {};
    const equal = (column: string, name: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      clauses.push(`${column} = @${name}`);
      params[name] = value;
    };
    if (filter.states !== undefined && filter.states.length > 0) {
      clauses.push(`state IN (${filter.states.map((_, index) => `@state${index}`).join(', ')})`);
      filter.states.forEach((state, index) => (params[`state${index}`] = state));
    }
    equal('severity', 'severity', filter.severity);
    equal('domain', 'domain', filter.domain);
    equal('town', 'town', filter.town);
    equal('device_id', 'deviceId', filter.deviceId);
    equal('rule_id', 'ruleId', filter.ruleId);
    equal('flapping', 'flapping', filter.flapping === undefined ? undefined : filter.flapping ? 1 : 0);
    if (filter.from !== undefined) {
      clauses.push(`(state != 'resolved' OR resolved_at >= @from)`);
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      clauses.push('started_at < @to');
      params.to = filter.to;
    }
    if (filter.within !== undefined) {
      const scope = scopeSql(filter.within, areaSqlOf('town', 'village'), 'domain');
      clauses.push(...scope.clauses);
      Object.assign(params, scope.params);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const matching = (this.db.prepare(`SELECT COUNT(*) AS n FROM alerts ${where}`).get(params) as { n: number }).n;
    const page = filter.beforeId === undefined ? where : `${where ? `${where} AND` : 'WHERE'} id < @beforeId`;
    const rows = this.db
      .prepare(`SELECT * FROM alerts ${page} ORDER BY id DESC LIMIT @limit`)
      .all({ ...params, ...(filter.beforeId === undefined ? {} : { beforeId: filter.beforeId }), limit: filter.limit }) as AlertRow[];
    return { items: rows.map(toAlert), matching };
  }

  history(alertId: number): AlertEvent[] {
    return (this.db.prepare('SELECT * FROM alert_events WHERE alert_id = ? ORDER BY id').all(alertId) as EventRow[]).map(toEvent);
  }

  /** History entries of every alert after `afterId`, oldest first: what the console's live feed tails. */
  eventsAfter(afterId: number, limit: number): AlertEvent[] {
    return (this.db.prepare('SELECT * FROM alert_events WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as EventRow[]).map(toEvent);
  }

  /** Id of the newest history entry, 0 when there is none. */
  lastEventId(): number {
    return (this.db.prepare('SELECT MAX(id) AS id FROM alert_events').get() as { id: number | null }).id ?? 0;
  }

  /** Open alerts per severity and state, for the metrics gauge. */
  openCounts(): Array<{ severity: Severity; state: AlertState; flapping: boolean; count: number }> {
    const rows = this.db
      .prepare(`SELECT severity, state, flapping, COUNT(*) AS n FROM alerts WHERE state != 'resolved' GROUP BY severity, state, flapping`)
      .all() as { severity: Severity; state: AlertState; flapping: number; n: number }[];
    return rows.map((row) => ({ severity: row.severity, state: row.state, flapping: row.flapping === 1, count: row.n }));
  }

  /** Runs `work` in one transaction (nested calls become savepoints). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Stores changed and new alerts (new ones get their id) and their history, in one transaction. `payloadOf` gives the
   * notification text of each event that is to be notified; it is stored with the event, which is the outbox.
   */
  save(alerts: readonly Alert[], events: readonly AlertEventDraft[], payloadOf: (event: AlertEventDraft, alertId: number) => string): void {
    this.db.transaction(() => {
      for (const alert of alerts) {
        const row = toRow(alert);
        if (alert.id === 0) alert.id = Number(this.insertAlert.run(row).lastInsertRowid);
        else this.updateAlert.run({ ...row, id: alert.id });
      }
      for (const event of events) {
        const alertId = event.alert.id;
        event.snapshot.id = alertId;
        this.insertEvent.run({
          alertId,
          at: event.at,
          kind: event.kind,
          actor: event.actor,
          note: event.note,
          fromState: event.fromState,
          toState: event.toState,
          notify: event.notify ? 1 : 0,
          silenceId: event.silenceId,
          payload: event.notify ? payloadOf(event, alertId) : null,
        });
      }
    })();
  }
}

function toRow(alert: Alert): Record<string, string | number | null> {
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
    conditionType: row.condition_type,
    severity: row.severity,
    domain: row.domain,
    metric: row.metric,
    unit: row.unit,
    deviceId: row.device_id,
    town: row.town,
    village: row.village,
    state: row.state,
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
    resolution: row.resolution,
  };
}

function toEvent(row: EventRow): AlertEvent {
  return {
    id: row.id,
    alertId: row.alert_id,
    at: row.at,
    kind: row.kind,
    actor: row.actor,
    note: row.note,
    fromState: row.from_state,
    toState: row.to_state,
    notify: row.notify === 1,
    silenceId: row.silence_id,
  };
}
