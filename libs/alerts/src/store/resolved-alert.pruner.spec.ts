import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import type { Alert } from '../lifecycle/alert';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent, aRule, T0 } from '../testing/alert-fixtures';
import { AlertRuleRepository } from './alert-rule.repository';
import { AlertRepository } from './alert.repository';
import { ResolvedAlertPruner } from './resolved-alert.pruner';

const CUTOFF = T0 + 100_000;

describe('ResolvedAlertPruner (SQLite in memory)', () => {
  let db: SqliteDatabase;
  let alerts: AlertRepository;
  let pruner: ResolvedAlertPruner;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    pruner = new ResolvedAlertPruner(db, 0, () => CUTOFF + 3_600_000);
  });

  afterEach(() => db.close());

  /** A stored alert with a fired and a resolved event (both to notify). */
  function stored(overrides: Partial<Alert>): Alert {
    const alert = anAlert(overrides);
    alerts.save([alert], [anEvent(alert, 'fired'), anEvent(alert, overrides.state === 'resolved' ? 'resolved' : 'acknowledged')], notificationPayload);
    return alert;
  }
  const resolvedAt = (at: number, overrides: Partial<Alert> = {}): Alert =>
    stored({ deviceId: `d-${at}-${Math.random()}`, state: 'resolved', resolvedAt: at, conditionActive: false, conditionEndedAt: at - 1000, resolution: 'cleared', ...overrides });
  const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  function logDelivery(alertIds: number[]): number {
    const { lastInsertRowid } = db
      .prepare(`INSERT INTO notification_deliveries (at, route, contact_point, level, reason, outcome, attempt, alerts, provider_answer) VALUES (?, 'r', 'ops', 0, 'fired', 'sent', 1, ?, '')`)
      .run(T0, JSON.stringify(alertIds.map((alertId) => ({ alertId }))));
    for (const alertId of alertIds) db.prepare('INSERT INTO notification_delivery_alerts (alert_id, delivery_id) VALUES (?, ?)').run(alertId, lastInsertRowid);
    db.prepare(`INSERT INTO contact_point_deliveries (contact_point, alert_id, at, ok, status, provider_answer, retryable) VALUES ('ops', ?, ?, 1, 200, '', 0)`).run(alertIds[0], T0);
    return Number(lastInsertRowid);
  }

  it('removes alerts resolved before the cutoff with their history, and keeps one resolved exactly at it and every open one', () => {
    const old = [resolvedAt(CUTOFF - 1), resolvedAt(T0)];
    const atCutoff = resolvedAt(CUTOFF);
    const firing = stored({ deviceId: 'firing', startedAt: T0 - 10_000_000 });
    const acknowledged = stored({ deviceId: 'acked', state: 'acknowledged', acknowledgedAt: T0 });
    expect(count('alert_events')).toBe(10);

    expect(pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 0 });
    const left = alerts.list({ limit: 10 }).items.map((alert) => alert.id).sort();
    expect(left).toEqual([atCutoff.id, firing.id, acknowledged.id].sort());
    for (const alert of old) expect(alerts.history(alert.id)).toEqual([]);
    expect(alerts.history(atCutoff.id)).toHaveLength(2);
    expect(count('alert_events')).toBe(6);
    expect(pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 0, alertEvents: 0, deliveryLog: 0 });
  });

  it('keeps an alert whose condition is still active or ended after the cutoff: the evaluator still reconciles with it', () => {
    const active = resolvedAt(T0, { resolution: 'operator', conditionActive: true, conditionEndedAt: null });
    const endedLate = resolvedAt(T0, { conditionEndedAt: CUTOFF });
    const prunable = resolvedAt(T0, { conditionEndedAt: null });
    expect(pruner.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(1);
    expect(alerts.get(prunable.id)).toBeUndefined();
    expect(alerts.get(active.id)).toBeDefined();
    expect(alerts.get(endedLate.id)).toBeDefined();
  });

  it('works in batches of the given size, oldest first', () => {
    const batch = [1, 2, 3, 4, 5].map((step) => resolvedAt(T0 + step));
    expect(pruner.pruneResolvedBefore(CUTOFF, 2)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 0 });
    expect(alerts.list({ limit: 10 }).items.map((alert) => alert.id).sort()).toEqual(batch.slice(2).map((alert) => alert.id).sort());
    expect(pruner.pruneResolvedBefore(CUTOFF, 2).alerts).toBe(2);
    expect(pruner.pruneResolvedBefore(CUTOFF, 2).alerts).toBe(1);
    expect(pruner.pruneResolvedBefore(CUTOFF, 2).alerts).toBe(0);
  });

  it('removes the delivery log rows of pruned alerts, keeping a grouped message while one of its alerts is kept: no orphans', () => {
    const gone = resolvedAt(T0);
    const alsoGone = resolvedAt(T0);
    const kept = stored({ deviceId: 'kept' });
    const onlyPruned = logDelivery([gone.id, alsoGone.id]);
    const shared = logDelivery([alsoGone.id, kept.id]);
    logDelivery([kept.id]);

    expect(pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 1 + 2 });
    const deliveries = (db.prepare('SELECT id FROM notification_deliveries ORDER BY id').all() as { id: number }[]).map((row) => row.id);
    expect(deliveries).not.toContain(onlyPruned);
    expect(deliveries).toContain(shared);
    expect(deliveries).toHaveLength(2);
    expect(db.prepare('SELECT alert_id, delivery_id FROM notification_delivery_alerts ORDER BY delivery_id').all()).toEqual([
      { alert_id: kept.id, delivery_id: shared },
      { alert_id: kept.id, delivery_id: shared + 1 },
    ]);
    expect(db.prepare('SELECT alert_id FROM contact_point_deliveries').all()).toEqual([{ alert_id: kept.id }]);
    const orphans = db.prepare('SELECT COUNT(*) AS n FROM notification_delivery_alerts WHERE delivery_id NOT IN (SELECT id FROM notification_deliveries) OR alert_id NOT IN (SELECT id FROM alerts)').get();
    expect(orphans).toEqual({ n: 0 });
  });

  it('keeps an alert whose notifications a channel or the policy router has not passed yet, or that the router still holds', () => {
    const undelivered = resolvedAt(T0);
    const held = resolvedAt(T0);
    const pending = resolvedAt(T0);
    const queued = resolvedAt(T0);
    db.prepare(`INSERT INTO notification_outgoing (route, contact_point, level, reason, alerts, created_at, next_attempt_at) VALUES ('r', 'ops', 0, 'resolved', ?, ?, ?)`).run(
      JSON.stringify([{ eventId: 9, event: 'resolved', alert: { id: queued.id } }]),
      T0,
      T0,
    );
    const [lastOfUndelivered] = alerts.history(undelivered.id).slice(-1);
    db.prepare('INSERT INTO alert_notification_cursors (channel, last_event_id) VALUES (?, ?)').run('webhook', lastOfUndelivered.id - 1);
    db.prepare('INSERT INTO alert_notification_cursors (channel, last_event_id) VALUES (?, ?)').run('mqtt', 1_000);
    db.prepare(`INSERT INTO notification_open_alerts (route, alert_id, group_key, severity, fired_at, level, next_level_at, payload) VALUES ('r', ?, 'g', 'critical', ?, 0, NULL, '{}')`).run(held.id, T0);
    db.prepare(`INSERT INTO notification_group_pending (route, group_key, alert_id, event_id, reason, payload) VALUES ('r', 'g', ?, 1, 'fired', '{}')`).run(pending.id);
    expect(pruner.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(0);

    db.prepare('UPDATE alert_notification_cursors SET last_event_id = 1000').run();
    db.prepare('INSERT INTO notification_routing_state (id, last_event_id) VALUES (1, ?)').run(lastOfUndelivered.id - 1);
    expect(pruner.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(0);
    db.prepare('UPDATE notification_routing_state SET last_event_id = 1000').run();
    expect(pruner.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(1);
    expect(alerts.get(undelivered.id)).toBeUndefined();
    expect(alerts.get(held.id)).toBeDefined();
    expect(alerts.get(pending.id)).toBeDefined();
    expect(alerts.get(queued.id)).toBeDefined();
    db.prepare('DELETE FROM notification_outgoing').run();
    expect(pruner.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(1);
    expect(alerts.get(queued.id)).toBeUndefined();
  });

  it('keeps an alert its rule’s next evaluation still reads back to, until the rule has evaluated past that reach', () => {
    // evaluateEvery 10s, for 30s, clearFor 20s, late data 1m: the window reaches 50s + 60s + 20s back, the flap window 200s more.
    const rule = aRule({ evaluateEvery: '10s', selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20, for: '30s', clearFor: '20s' } }, 'methane-high');
    new AlertRuleRepository(db).insert(rule);
    const reach = 50_000 + 60_000 + 20_000 + 200_000;
    const evaluatedThrough = CUTOFF + 100_000;
    db.prepare('UPDATE alert_rules SET evaluated_through = ?').run(evaluatedThrough);
    const withLateData = new ResolvedAlertPruner(db, 60_000, () => evaluatedThrough + 5000);
    const withinReach = resolvedAt(T0, { conditionEndedAt: evaluatedThrough - reach });
    const beyondReach = resolvedAt(T0, { conditionEndedAt: evaluatedThrough - reach - 1 });
    const otherRule = resolvedAt(T0, { ruleId: 'deleted-rule', conditionEndedAt: CUTOFF - 1 });
    expect(withLateData.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(2);
    expect(alerts.get(beyondReach.id)).toBeUndefined();
    expect(alerts.get(otherRule.id)).toBeUndefined();
    expect(alerts.get(withinReach.id)).toBeDefined();
    db.prepare('UPDATE alert_rules SET evaluated_through = ?').run(evaluatedThrough + 1);
    expect(withLateData.pruneResolvedBefore(CUTOFF, 100).alerts).toBe(1);
  });
});
