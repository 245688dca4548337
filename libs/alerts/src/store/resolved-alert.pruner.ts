import type { Executor, Store } from '@hub/store';
import { type Expression, sql } from 'kysely';
import { reconcileReachMs } from '../evaluation/alert-query.builder';
import { AlertRuleRepository } from './alert-rule.repository';

/** What one batch removed: the alerts, their history entries, and the delivery log rows that concerned only them. */
export interface PrunedAlerts {
  readonly alerts: number;
  readonly alertEvents: number;
  /** notification_deliveries rows (with their per-alert index entries) and contact_point_deliveries rows. */
  readonly deliveryLog: number;
}

/**
 * Deletes resolved alerts long past, with everything that hangs off them, so nothing is left pointing at an alert that
 * is gone. An alert is prunable only when every one of these holds; each guards something that still reads it:
 * - state is resolved (never a firing or acknowledged one) and it was resolved before the cutoff;
 * - its condition is no longer active and ended before the cutoff, and before what its rule's next evaluation reads
 *   (reconcileReachMs before the rule's last evaluation): the evaluator reconciles the readings it re-reads with a
 *   rule's latest alert per device (AlertRepository.latestForRule), and without the alert would open it again;
 * - no notification channel and not the policy router still has one of its notify events ahead of its cursor (the
 *   history is the outbox), the router holds no open-alert or pending-group row of it, and no message naming it
 *   waits in a contact point's queue (its attempts would log rows for an alert that is gone).
 * The delivery log row of a grouped message names several alerts: it goes with the last of them.
 */
export class ResolvedAlertPruner {
  private readonly rules: AlertRuleRepository;

  constructor(
    private readonly store: Store,
    /** HUB_ALERT_LATE_DATA: how far back evaluations re-read beyond what a condition needs. */
    private readonly lateDataMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.rules = new AlertRuleRepository(store);
  }

  /** Prunes up to `limit` alerts resolved before `cutoff` (epoch ms), oldest first, in one transaction. */
  async pruneResolvedBefore(cutoff: number, limit: number): Promise<PrunedAlerts> {
    return this.store.tx(async (tx): Promise<PrunedAlerts> => {
      const ids = await this.prunable(cutoff, limit, tx.exec);
      if (ids.length === 0) return { alerts: 0, alertEvents: 0, deliveryLog: 0 };
      const deliveryIds = (await tx.exec.selectFrom('notification_delivery_alerts').select('delivery_id').distinct().where('alert_id', 'in', ids).execute()).map(
        (row) => row.delivery_id,
      );
      await tx.exec.deleteFrom('notification_delivery_alerts').where('alert_id', 'in', ids).execute();
      const deliveries =
        deliveryIds.length === 0
          ? 0
          : Number(
              (
                await tx.exec
                  .deleteFrom('notification_deliveries')
                  .where('id', 'in', deliveryIds)
                  .where(({ not, exists, selectFrom }) =>
                    not(exists(selectFrom('notification_delivery_alerts').select(sql.lit(1).as('one')).whereRef('notification_delivery_alerts.delivery_id', '=', 'notification_deliveries.id'))),
                  )
                  .executeTakeFirst()
              ).numDeletedRows,
            );
      const attempts = Number((await tx.exec.deleteFrom('contact_point_deliveries').where('alert_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      const alertEvents = Number((await tx.exec.deleteFrom('alert_events').where('alert_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      const alerts = Number((await tx.exec.deleteFrom('alerts').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return { alerts, alertEvents, deliveryLog: deliveries + attempts };
    });
  }

  /**
   * Walks resolved alerts by id on alerts_state (state, id): ids grow with time, so the oldest come first and a batch
   * stops after `limit` matches. `delivered` is the lowest cursor of the outbox's readers; without any, nothing waits.
   * Each rule's reach (reconcileReachMs) becomes a CASE over rule ids; an alert of a deleted rule has none, and only
   * the cutoff applies. The contact points' queue holds alert ids inside JSON, read here rather than by SQL (SQLite's
   * json_each has no PostgreSQL twin under the same name).
   */
  private async prunable(cutoff: number, limit: number, exec: Executor): Promise<number[]> {
    const now = this.clock();
    const evaluated = new Map((await exec.selectFrom('alert_rules').select(['id', 'evaluated_through']).execute()).map((row) => [row.id, row.evaluated_through]));
    const reachLimits = (await this.rules.list(exec)).map(
      (rule) => [rule.id, Math.min(evaluated.get(rule.id) ?? now, now) - reconcileReachMs(rule, this.lateDataMs)] as const,
    );
    const queued = new Set<number>();
    for (const { alerts } of await exec.selectFrom('notification_outgoing').select('alerts').execute()) {
      for (const entry of JSON.parse(alerts) as { alert?: { id?: unknown } }[]) if (typeof entry.alert?.id === 'number') queued.add(entry.alert.id);
    }
    const cursors = await exec
      .selectFrom('alert_notification_cursors')
      .select('last_event_id')
      .unionAll(exec.selectFrom('notification_routing_state').select('last_event_id'))
      .execute();
    const delivered = cursors.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...cursors.map((row) => row.last_event_id));
    const ruleLimit: Expression<number> =
      reachLimits.length === 0
        ? sql<number>`CAST(${cutoff} AS BIGINT)`
        : // Cast: PostgreSQL would otherwise take the untyped parameters of a CASE for text.
          sql<number>`CASE ${sql.join(reachLimits.map(([id, reach]) => sql`WHEN alerts.rule_id = ${id} THEN CAST(${Math.floor(reach)} AS BIGINT)`), sql` `)} ELSE CAST(${cutoff} AS BIGINT) END`;
    let query = exec
      .selectFrom('alerts')
      .select('alerts.id')
      .where('alerts.state', '=', 'resolved')
      .where('alerts.resolved_at', '<', cutoff)
      .where('alerts.condition_active', '=', 0)
      .where((eb) => eb.or([eb('alerts.condition_ended_at', 'is', null), eb.and([eb('alerts.condition_ended_at', '<', cutoff), eb('alerts.condition_ended_at', '<', ruleLimit)])]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('alert_events')
              .select(sql.lit(1).as('one'))
              .whereRef('alert_events.alert_id', '=', 'alerts.id')
              .where('alert_events.notify', '=', 1)
              .where('alert_events.id', '>', delivered),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notification_open_alerts').select(sql.lit(1).as('one')).whereRef('notification_open_alerts.alert_id', '=', 'alerts.id'))))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notification_group_pending').select(sql.lit(1).as('one')).whereRef('notification_group_pending.alert_id', '=', 'alerts.id'))));
    if (queued.size > 0) query = query.where('alerts.id', 'not in', [...queued]);
    return (await query.orderBy('alerts.id').limit(limit).execute()).map((row) => row.id);
  }
}
