import { Injectable } from '@nestjs/common';
import type { LeaderLease } from '@hub/cluster';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AlertStats, EvaluationListener, EvaluationOutcome, AlertRepository, type DeliveryCounts } from '@hub/alerts';

/** Evaluation durations, observed as they happen (the engine's one link to the histogram). */
@Injectable()
export class AlertEvaluationMetric implements EvaluationListener {
  private readonly seconds: Histogram<'rule' | 'outcome'>;

  constructor(registry: Registry) {
    this.seconds = new Histogram({
      name: 'hub_alert_evaluation_seconds',
      help: 'Time one evaluation of an alert rule took (InfluxDB queries, evaluation, storing)',
      labelNames: ['rule', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  evaluated(ruleId: string, outcome: EvaluationOutcome, seconds: number): void {
    if (outcome !== 'skipped-overlap') this.seconds.observe({ rule: ruleId, outcome }, seconds);
  }
}

/** Whether this node holds the alert leader lease, and its epoch (0 while following). */
export function registerLeaderMetrics(registry: Registry, lease: Pick<LeaderLease, 'isLeader' | 'epoch' | 'nodeId'>): void {
  new Gauge({
    name: 'hub_alert_leader',
    help: 'Whether this node holds the alert leader lease (evaluates alert rules and sends notifications): 1 or 0',
    labelNames: ['node'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ node: lease.nodeId }, lease.isLeader ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hub_alert_leader_epoch',
    help: 'The epoch of the alert leader lease this node holds (each takeover adds one); 0 while it does not lead',
    registers: [registry],
    collect() {
      this.set(lease.isLeader ? (lease.epoch ?? 0) : 0);
    },
  });
}

/** Alert counters and gauges, read from the engine's stats and the embedded database at scrape time. */
export function registerAlertMetrics(registry: Registry, stats: AlertStats, alerts: AlertRepository, deliveries: DeliveryCounts): void {
  new Counter({
    name: 'hub_alert_evaluations_total',
    help: 'Evaluations of alert rules, by rule and outcome (ok, failed, skipped-overlap, superseded)',
    labelNames: ['rule', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [rule, counts] of stats.rules) {
        this.inc({ rule, outcome: 'ok' }, counts.ok);
        this.inc({ rule, outcome: 'failed' }, counts.failed);
        this.inc({ rule, outcome: 'skipped-overlap' }, counts.skippedOverlap);
        this.inc({ rule, outcome: 'superseded' }, counts.superseded);
      }
    },
  });
  new Counter({
    name: 'hub_alert_slow_evaluations_total',
    help: 'Evaluations that took longer than their rule’s interval',
    labelNames: ['rule'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [rule, counts] of stats.rules) this.inc({ rule }, counts.slow);
    },
  });
  new Counter({
    name: 'hub_alert_notifications_total',
    help: 'Alert notifications per channel (mqtt, webhook-N, notification-policies — handed to the routing engine): delivered, failed attempts (retried), dropped (refused or skipped from a full backlog)',
    labelNames: ['channel', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [channel, counts] of stats.channels) {
        this.inc({ channel, result: 'delivered' }, counts.delivered);
        this.inc({ channel, result: 'failed' }, counts.failedAttempts);
        this.inc({ channel, result: 'dropped' }, counts.dropped);
      }
    },
  });
  new Gauge({
    name: 'hub_alert_notification_backlog',
    help: 'Alert notifications waiting per channel',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [channel, counts] of stats.channels) this.set({ channel }, counts.backlog);
    },
  });
  new Gauge({
    name: 'hub_alerts_open',
    help: 'Open alerts by severity, state (firing, acknowledged) and whether they are flapping',
    labelNames: ['severity', 'state', 'flapping'],
    registers: [registry],
    async collect() {
      const rows = await alerts.openCounts();
      this.reset();
      for (const row of rows) this.set({ severity: row.severity, state: row.state, flapping: String(row.flapping) }, row.count);
    },
  });
  new Counter({
    name: 'hub_notification_deliveries_total',
    help: 'Delivery log rows of the notification policies since the start, by outcome (queued; then each attempt: sent, failed — retried with back-off —, given-up — refused for good or still failing after HUB_NOTIFY_GIVE_UP_AFTER) and contact point kind (unknown: deleted)',
    labelNames: ['outcome', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { outcome, kind, count } of deliveries.entries()) this.inc({ outcome, kind }, count);
    },
  });
}
