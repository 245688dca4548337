import type { SqliteDatabase } from '@hub/store';
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
    private readonly db: SqliteDatabase,
    /** HUB_ALERT_LATE_DATA: how far back evaluations re-read beyond what a condition needs. */
    private readonly lateDataMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.rules = new AlertRuleRepository(db);
  }

  /** Prunes up to `limit` alerts resolved before `cutoff` (epoch ms), oldest first, in one transaction. */
  pruneResolvedBefore(cutoff: number, limit: number): PrunedAlerts {
    return this.db.transaction((): PrunedAlerts => {
      const reach = JSON.stringify(Object.fromEntries(this.rules.list().map((rule) => [rule.id, reconcileReachMs(rule, this.lateDataMs)])));
      const ids = (this.db.prepare(PRUNABLE).all({ cutoff, limit, reach, now: this.clock() }) as { id: number }[]).map((row) => row.id);
      if (ids.length === 0) return { alerts: 0, alertEvents: 0, deliveryLog: 0 };
      const list = JSON.stringify(ids);
      const inList = 'IN (SELECT value FROM json_each(@list))';
      const deliveryIds = (this.db.prepare(`SELECT DISTINCT delivery_id FROM notification_delivery_alerts WHERE alert_id ${inList}`).all({ list }) as { delivery_id: number }[]).map(
        (row) => row.delivery_id,
      );
      this.db.prepare(`DELETE FROM notification_delivery_alerts WHERE alert_id ${inList}`).run({ list });
      // A message that also concerned an alert still kept stays, and keeps naming the pruned ones in its JSON.
      const deliveries = this.db
        .prepare(
          `DELETE FROM notification_deliveries WHERE id IN (SELECT value FROM json_each(@deliveries))
           AND NOT EXISTS (SELECT 1 FROM notification_delivery_alerts WHERE delivery_id = notification_deliveries.id)`,
        )
        .run({ deliveries: JSON.stringify(deliveryIds) }).changes;
      const attempts = this.db.prepare(`DELETE FROM contact_point_deliveries WHERE alert_id ${inList}`).run({ list }).changes;
      const alertEvents = this.db.prepare(`DELETE FROM alert_events WHERE alert_id ${inList}`).run({ list }).changes;
      const alerts = this.db.prepare(`DELETE FROM alerts WHERE id ${inList}`).run({ list }).changes;
      return { alerts, alertEvents, deliveryLog: deliveries + attempts };
    })();
  }
}

/**
 * Walks resolved alerts by id on alerts_state (state, id): ids grow with time, so the oldest come first and a batch
 * stops after `limit` matches. `delivered` is the lowest cursor of the outbox's readers; without any, nothing waits.
 * `reach` is each rule's reconcileReachMs by id; an alert of a deleted rule has none, and only the cutoff applies.
 */
const PRUNABLE = `
  WITH delivered AS (
    SELECT COALESCE(MIN(last_event_id), 9007199254740991) AS through
    FROM (SELECT last_event_id FROM alert_notification_cursors UNION ALL SELECT last_event_id FROM notification_routing_state)
  )
  SELECT alerts.id FROM alerts, delivered
  WHERE alerts.state = 'resolved' AND alerts.resolved_at < @cutoff
    AND alerts.condition_active = 0 AND (alerts.condition_ended_at IS NULL OR alerts.condition_ended_at < @cutoff)
    AND (alerts.condition_ended_at IS NULL OR alerts.condition_ended_at < COALESCE(
      (SELECT MIN(COALESCE(alert_rules.evaluated_through, @now), @now) - reach.value
       FROM alert_rules JOIN json_each(@reach) AS reach ON reach.key = alert_rules.id WHERE alert_rules.id = alerts.rule_id), @cutoff))
    AND NOT EXISTS (SELECT 1 FROM alert_events WHERE alert_events.alert_id = alerts.id AND alert_events.notify = 1 AND alert_events.id > delivered.through)
    AND NOT EXISTS (SELECT 1 FROM notification_open_alerts WHERE notification_open_alerts.alert_id = alerts.id)
    AND NOT EXISTS (SELECT 1 FROM notification_group_pending WHERE notification_group_pending.alert_id = alerts.id)
    AND NOT EXISTS (SELECT 1 FROM notification_outgoing, json_each(notification_outgoing.alerts) AS entry WHERE json_extract(entry.value, '$.alert.id') = alerts.id)
  ORDER BY alerts.id
  LIMIT @limit`;
