import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { HubDatabase } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { Alert } from '../lifecycle/alert';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent, aRule, T0 } from '../testing/alert-fixtures';
import { AlertRuleRepository } from './alert-rule.repository';
import { AlertRepository } from './alert.repository';
import { ResolvedAlertPruner } from './resolved-alert.pruner';

const CUTOFF = T0 + 100_000;

describe.each(TEST_STORES)('ResolvedAlertPruner on %s', (_dialect, open) => {
  let test: TestStore;
  let db: Kysely<HubDatabase>;
  let alerts: AlertRepository;
  let pruner: ResolvedAlertPruner;

  let devices = 0;

  beforeEach(async () => {
    test = await open();
    db = test.store.db;
    alerts = new AlertRepository(test.store);
    pruner = new ResolvedAlertPruner(test.store, 0, () => CUTOFF + 3_600_000);
  });

  afterEach(() => test.dispose());

  /** A stored alert with a fired and a resolved event (both to notify). */
  async function stored(overrides: Partial<Alert>): Promise<Alert> {
    const alert = anAlert(overrides);
    await alerts.save([alert], [anEvent(alert, 'fired'), anEvent(alert, overrides.state === 'resolved' ? 'resolved' : 'acknowledged')], notificationPayload);
    return alert;
  }
  const resolvedAt = (at: number, overrides: Partial<Alert> = {}): Promise<Alert> =>
    stored({ deviceId: `d-${at}-${++devices}`, state: 'resolved', resolvedAt: at, conditionActive: false, conditionEndedAt: at - 1000, resolution: 'cleared', ...overrides });
  const count = async (table: keyof HubDatabase): Promise<number> => (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0].n;
  async function logDelivery(alertIds: number[]): Promise<number> {
    const { id } = await db
      .insertInto('notification_deliveries')
      .values({ at: T0, route: 'r', contact_point: 'ops', level: 0, reason: 'fired', outcome: 'sent', attempt: 1, alerts: JSON.stringify(alertIds.map((alertId) => ({ alertId }))), provider_answer: '', message_id: null, kind: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const alertId of alertIds) await db.insertInto('notification_delivery_alerts').values({ alert_id: alertId, delivery_id: id }).execute();
    await db.insertInto('contact_point_deliveries').values({ contact_point: 'ops', alert_id: alertIds[0], at: T0, ok: 1, status: 200, provider_answer: '', retryable: 0 }).execute();
    return id;
  }

  it('removes alerts resolved before the cutoff with their history, and keeps one resolved exactly at it and every open one', async () => {
    const old = [await resolvedAt(CUTOFF - 1), await resolvedAt(T0)];
    const atCutoff = await resolvedAt(CUTOFF);
    const firing = await stored({ deviceId: 'firing', startedAt: T0 - 10_000_000 });
    const acknowledged = await stored({ deviceId: 'acked', state: 'acknowledged', acknowledgedAt: T0 });
    expect(await count('alert_events')).toBe(10);
    expect(await pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 0 });
    const left = (await alerts.list({ limit: 10 })).items.map((alert) => alert.id).sort();
    expect(left).toEqual([atCutoff.id, firing.id, acknowledged.id].sort());
    for (const alert of old) expect(await alerts.history(alert.id)).toEqual([]);
    expect(await alerts.history(atCutoff.id)).toHaveLength(2);
    expect(await count('alert_events')).toBe(6);
    expect(await pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 0, alertEvents: 0, deliveryLog: 0 });
  });

  it('keeps an alert whose condition is still active or ended after the cutoff: the evaluator still reconciles with it', async () => {
    const active = await resolvedAt(T0, { resolution: 'operator', conditionActive: true, conditionEndedAt: null });
    const endedLate = await resolvedAt(T0, { conditionEndedAt: CUTOFF });
    const prunable = await resolvedAt(T0, { conditionEndedAt: null });
    expect((await pruner.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(1);
    expect(await alerts.get(prunable.id)).toBeUndefined();
    expect(await alerts.get(active.id)).toBeDefined();
    expect(await alerts.get(endedLate.id)).toBeDefined();
  });

  it('works in batches of the given size, oldest first', async () => {
    const batch: Alert[] = [];
    for (const step of [1, 2, 3, 4, 5]) batch.push(await resolvedAt(T0 + step));
    expect(await pruner.pruneResolvedBefore(CUTOFF, 2)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 0 });
    expect((await alerts.list({ limit: 10 })).items.map((alert) => alert.id).sort()).toEqual(batch.slice(2).map((alert) => alert.id).sort());
    expect((await pruner.pruneResolvedBefore(CUTOFF, 2)).alerts).toBe(2);
    expect((await pruner.pruneResolvedBefore(CUTOFF, 2)).alerts).toBe(1);
    expect((await pruner.pruneResolvedBefore(CUTOFF, 2)).alerts).toBe(0);
  });

  it('removes the delivery log rows of pruned alerts, keeping a grouped message while one of its alerts is kept: no orphans', async () => {
    const gone = await resolvedAt(T0);
    const alsoGone = await resolvedAt(T0);
    const kept = await stored({ deviceId: 'kept' });
    const onlyPruned = await logDelivery([gone.id, alsoGone.id]);
    const shared = await logDelivery([alsoGone.id, kept.id]);
    const own = await logDelivery([kept.id]);
    expect(await pruner.pruneResolvedBefore(CUTOFF, 100)).toEqual({ alerts: 2, alertEvents: 4, deliveryLog: 1 + 2 });
    const deliveries = (await db.selectFrom('notification_deliveries').select('id').orderBy('id').execute()).map((row) => row.id);
    expect(deliveries).not.toContain(onlyPruned);
    expect(deliveries).toEqual([shared, own]);
    expect(await db.selectFrom('notification_delivery_alerts').select(['alert_id', 'delivery_id']).orderBy('delivery_id').execute()).toEqual([
      { alert_id: kept.id, delivery_id: shared },
      { alert_id: kept.id, delivery_id: own },
    ]);
    expect(await db.selectFrom('contact_point_deliveries').select('alert_id').execute()).toEqual([{ alert_id: kept.id }]);
    const orphans = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM notification_delivery_alerts WHERE delivery_id NOT IN (SELECT id FROM notification_deliveries) OR alert_id NOT IN (SELECT id FROM alerts)`.execute(db);
    expect(orphans.rows).toEqual([{ n: 0 }]);
  });

  it('keeps an alert whose notifications a channel or the policy router has not passed yet, or that the router still holds', async () => {
    const undelivered = await resolvedAt(T0);
    const held = await resolvedAt(T0);
    const pending = await resolvedAt(T0);
    const queued = await resolvedAt(T0);
    await db
      .insertInto('notification_outgoing')
      .values({ route: 'r', contact_point: 'ops', level: 0, reason: 'resolved', alerts: JSON.stringify([{ eventId: 9, event: 'resolved', alert: { id: queued.id } }]), created_at: T0, next_attempt_at: T0 })
      .execute();
    const [lastOfUndelivered] = (await alerts.history(undelivered.id)).slice(-1);
    await db.insertInto('alert_notification_cursors').values({ channel: 'webhook', last_event_id: lastOfUndelivered.id - 1 }).execute();
    await db.insertInto('alert_notification_cursors').values({ channel: 'mqtt', last_event_id: 1_000 }).execute();
    await db
      .insertInto('notification_open_alerts')
      .values({ route: 'r', alert_id: held.id, group_key: 'g', severity: 'critical', fired_at: T0, level: 0, next_level_at: null, payload: '{}' })
      .execute();
    await db.insertInto('notification_group_pending').values({ route: 'r', group_key: 'g', alert_id: pending.id, event_id: 1, reason: 'fired', payload: '{}' }).execute();
    expect((await pruner.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(0);
    await db.updateTable('alert_notification_cursors').set({ last_event_id: 1000 }).execute();
    await db.insertInto('notification_routing_state').values({ id: 1, last_event_id: lastOfUndelivered.id - 1 }).execute();
    expect((await pruner.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(0);
    await db.updateTable('notification_routing_state').set({ last_event_id: 1000 }).execute();
    expect((await pruner.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(1);
    expect(await alerts.get(undelivered.id)).toBeUndefined();
    expect(await alerts.get(held.id)).toBeDefined();
    expect(await alerts.get(pending.id)).toBeDefined();
    expect(await alerts.get(queued.id)).toBeDefined();
    await db.deleteFrom('notification_outgoing').execute();
    expect((await pruner.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(1);
    expect(await alerts.get(queued.id)).toBeUndefined();
  });

  it('keeps an alert its rule’s next evaluation still reads back to, until the rule has evaluated past that reach', async () => {
    // evaluateEvery 10s, for 30s, clearFor 20s, late data 1m: the window reaches 50s + 60s + 20s back, the flap window 200s more.
    const rule = aRule({ evaluateEvery: '10s', selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20, for: '30s', clearFor: '20s' } }, 'methane-high');
    await new AlertRuleRepository(test.store).insert(rule);
    const reach = 50_000 + 60_000 + 20_000 + 200_000;
    const evaluatedThrough = CUTOFF + 100_000;
    await db.updateTable('alert_rules').set({ evaluated_through: evaluatedThrough }).execute();
    const withLateData = new ResolvedAlertPruner(test.store, 60_000, () => evaluatedThrough + 5000);
    const withinReach = await resolvedAt(T0, { conditionEndedAt: evaluatedThrough - reach });
    const beyondReach = await resolvedAt(T0, { conditionEndedAt: evaluatedThrough - reach - 1 });
    const otherRule = await resolvedAt(T0, { ruleId: 'deleted-rule', conditionEndedAt: CUTOFF - 1 });
    expect((await withLateData.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(2);
    expect(await alerts.get(beyondReach.id)).toBeUndefined();
    expect(await alerts.get(otherRule.id)).toBeUndefined();
    expect(await alerts.get(withinReach.id)).toBeDefined();
    await db.updateTable('alert_rules').set({ evaluated_through: evaluatedThrough + 1 }).execute();
    expect((await withLateData.pruneResolvedBefore(CUTOFF, 100)).alerts).toBe(1);
  });
});
