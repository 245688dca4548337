import type { InfluxSeries } from '@hub/influx';
import { anyAreaCovers, areaPathOf } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import { AlertStateMachine } from '../lifecycle/alert-state-machine';
import { Alert, AlertEventDraft } from '../lifecycle/alert';
import { ALWAYS_LEADING, fencedTx, type LeaderFence } from '../leader-fence';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRule, flapWindowOf } from '../rules/alert-rule';
import { ruleSummary } from '../rules/alert-rule.document';
import { activeSilence, suppressingSilence } from '../silences/alert-silence';
import type { Store } from '@hub/store';
import { type AlertRepository, alertRuleLock } from '../store/alert.repository';
import type { AlertRuleRepository } from '../store/alert-rule.repository';
import type { AlertSilenceRepository } from '../store/alert-silence.repository';
import {
  aggregateStatement,
  DETAIL_AGGREGATES,
  detailBucketMs,
  EvaluationWindow,
  evaluationWindow,
  screenAggregates,
  SCREEN_TOP_DEVICES,
  extremeDevicesStatement,
  StatementScope,
} from './alert-query.builder';
import { evaluateDeviceBuckets, screenMatches } from './alert-rule.evaluator';
import { DeviceEvaluation } from './device-evaluation';
import type { DeviceDirectory } from './device-directory';
import { evaluateNoData } from './no-data.evaluator';
import { NoDataSource } from './no-data.source';
import { bucketsByDevice, extremeDevices, rowsByDevice } from './query-result.parser';

export interface AlertEvaluationOptions {
  /** For the unit in an alert's summary. */
  readonly catalogue: CatalogueSource;
  readonly lateDataMs: number;
  readonly maxFutureMs: number;
  readonly maxCatchUpMs: number;
  /** Upper bound on the rows of one detail answer (the bucket grows instead). */
  readonly maxDetailRows: number;
}

export interface InfluxReader {
  query(influxql: string): Promise<InfluxSeries[]>;
}

export interface EvaluationReport {
  readonly outcome: 'ok' | 'superseded';
  readonly queries: number;
  /** Devices whose buckets were read in detail (or, for no-data, looked at). */
  readonly devicesEvaluated: number;
  readonly alertsChanged: number;
  readonly events: number;
}

/** Above this many devices, a detail query lists none and reads the whole scope instead (a regex of thousands of ids costs more). */
const MAX_LISTED_DEVICES = 500;

/**
 * One evaluation of one rule: read InfluxDB (a few aggregate statements grouped by device, by event time), turn the
 * answer into per-device episodes, and reconcile them with the stored alerts. The reconcile-and-store step is one
 * transaction that reads the rule's alerts only after taking its lock (alertRuleLock, which operator actions and rule
 * changes take too), so an operator's acknowledgement can never be overwritten by an evaluation that read the alert
 * before it; and if the process dies before that step, nothing of the evaluation remains and the next one simply
 * does it again. InfluxDB is read before the transaction, never inside it.
 */
export class AlertEvaluationService {
  private readonly runningSince: number;
  private readonly noData: NoDataSource;

  constructor(
    private readonly store: Store,
    private readonly influx: InfluxReader,
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertRepository,
    private readonly silences: AlertSilenceRepository,
    private readonly directory: DeviceDirectory,
    private readonly options: AlertEvaluationOptions,
    private readonly changed: () => void,
    private readonly clock: () => number = Date.now,
    private readonly leader: LeaderFence = ALWAYS_LEADING,
  ) {
    this.runningSince = clock();
    this.noData = new NoDataSource((influxql) => this.influx.query(influxql), directory);
  }

  async evaluate(rule: AlertRule): Promise<EvaluationReport> {
    const now = this.clock();
    const window = evaluationWindow(rule, now, { ...this.options, evaluatedThrough: await this.rules.evaluatedThrough(rule.id) });
    const scope = this.scopeOf(rule);
    const read = { queries: 0 };
    let evaluations: DeviceEvaluation[];
    if (scope !== undefined && scope.length === 0) evaluations = [];
    else if (rule.condition.type === 'no-data') evaluations = await this.evaluateNoData(rule, window, scope, read);
    else evaluations = await this.evaluateBuckets(rule, window, scope, read);
    return this.apply(rule, window, evaluations, read.queries);
  }

  /** Devices the rule may look at: undefined for the whole domain. Towns come from the directory. */
  private scopeOf(rule: AlertRule): string[] | undefined {
    const { towns, deviceIds, domain } = rule.selector;
    if (towns.length === 0) return deviceIds.length === 0 ? undefined : [...deviceIds];
    const inTowns = this.directory
      .devicesIn(domain)
      .filter((device) => anyAreaCovers(towns, areaPathOf(device)))
      .map((device) => device.deviceId);
    return deviceIds.length === 0 ? inTowns : inTowns.filter((id) => deviceIds.includes(id));
  }

  private async evaluateBuckets(rule: AlertRule, window: EvaluationWindow, scope: string[] | undefined, read: { queries: number }): Promise<DeviceEvaluation[]> {
    const condition = rule.condition;
    const screenFrom = condition.type === 'stuck' ? window.now - condition.windowMs : window.start;
    const scoped = (extra: Omit<StatementScope, 'deviceIds'>): StatementScope => (scope === undefined ? extra : { ...extra, deviceIds: scope });
    const query = (statement: string): Promise<InfluxSeries[]> => {
      read.queries++;
      return this.influx.query(statement);
    };
    let candidates = condition.type === 'threshold' ? await this.thresholdCandidates(rule, window, scope, query) : undefined;
    if (candidates === undefined) {
      // Rate, stuck, or a threshold crossed by more devices than the screen names: the extremes of every device.
      const rows = rowsByDevice(await query(aggregateStatement(rule, screenAggregates(condition), scoped({ from: screenFrom, to: window.end, groupByDevice: true }))));
      candidates = [...rows].filter(([, row]) => screenMatches(condition, row)).map(([deviceId]) => deviceId);
    }
    const followed = (await this.alerts.followedDevices(rule.id)).filter((id) => scope === undefined || scope.includes(id));
    const devices = [...new Set([...candidates, ...followed])].sort();
    if (devices.length === 0) return [];

    const bucketMs = detailBucketMs(rule, window, devices.length, this.options.maxDetailRows);
    const from = Math.floor(window.start / bucketMs) * bucketMs;
    const listed = devices.length <= MAX_LISTED_DEVICES ? devices : scope;
    const detail = aggregateStatement(rule, DETAIL_AGGREGATES, { from, to: window.end, groupByDevice: true, bucketMs, ...(listed === undefined ? {} : { deviceIds: listed }) });
    const buckets = bucketsByDevice(await query(detail));
    const current = await this.alerts.latestForRule(rule.id, window.start - flapWindowOf(rule));
    const wanted = new Set(devices);
    const evaluations: DeviceEvaluation[] = [];
    for (const [deviceId, samples] of buckets) {
      if (!wanted.has(deviceId)) continue;
      const alert = current.get(deviceId);
      const activeSince = alert !== undefined && alert.conditionActive ? alert.startedAt : null;
      const evaluation = evaluateDeviceBuckets(rule, deviceId, samples, bucketMs, activeSince);
      if (evaluation !== undefined) evaluations.push(evaluation);
    }
    return evaluations;
  }

  /** Devices beyond the threshold in the window, from the most extreme few of the whole domain; undefined when they may be more. */
  private async thresholdCandidates(
    rule: AlertRule,
    window: EvaluationWindow,
    scope: string[] | undefined,
    query: (statement: string) => Promise<InfluxSeries[]>,
  ): Promise<string[] | undefined> {
    const condition = rule.condition;
    if (condition.type !== 'threshold') return undefined;
    const statement = extremeDevicesStatement(rule, { from: window.start, to: window.end, ...(scope === undefined ? {} : { deviceIds: scope }) });
    const candidates: string[] = [];
    for (const { side, full, devices } of extremeDevices(await query(statement), SCREEN_TOP_DEVICES)) {
      const beyond = [...devices].filter(([, value]) => (side === 'top' ? value >= (condition.high?.trigger ?? Infinity) : value <= (condition.low?.trigger ?? -Infinity)));
      if (full && beyond.length === devices.size) return undefined;
      candidates.push(...beyond.map(([deviceId]) => deviceId));
    }
    return candidates;
  }

  private async evaluateNoData(rule: AlertRule, window: EvaluationWindow, scope: string[] | undefined, read: { queries: number }): Promise<DeviceEvaluation[]> {
    const condition = rule.condition;
    if (condition.type !== 'no-data') return [];
    read.queries++;
    const devices = await this.noData.devices(rule, condition, window, scope);
    return evaluateNoData(condition, devices, { now: window.now, baselineStart: window.start, runningSince: this.runningSince });
  }

  /** Reconcile and store, in one transaction; dropped when the rule changed or went away while InfluxDB was answering. */
  private async apply(rule: AlertRule, window: EvaluationWindow, evaluations: readonly DeviceEvaluation[], queries: number): Promise<EvaluationReport> {
    const now = window.now;
    const unit = this.options.catalogue.current().metricSpec(rule.selector.domain, rule.selector.metric)?.unit ?? '';
    // The console's wording, with the metric in front: one description of a condition wherever it is shown.
    // A rule that cites a standard says so in every alert: the reason an operator reads names the clause broken.
    const summary = ruleSummary(rule, unit);
    const inSeason = rule.activeMonths.length === 0 || rule.activeMonths.includes(new Date(now).getMonth() + 1);
    // Fenced: a former leader (paused past its lease, then resumed) stores nothing of an evaluation it began as leader.
    const report = await fencedTx(this.store, this.leader, async (tx): Promise<EvaluationReport> => {
      await tx.lock(alertRuleLock(rule.id));
      const stored = await this.rules.get(rule.id, tx.exec);
      if (stored === undefined || stored.revision !== rule.revision || !stored.enabled) {
        return { outcome: 'superseded', queries, devicesEvaluated: evaluations.length, alertsChanged: 0, events: 0 };
      }
      const current = await this.alerts.latestForRule(rule.id, window.start - flapWindowOf(rule), tx.exec);
      const silences = await this.silences.overlapping(window.start, now, tx.exec);
      const changedAlerts: Alert[] = [];
      const events: AlertEventDraft[] = [];
      for (const evaluation of evaluations) {
        const town = this.directory.townOf(evaluation.deviceId);
        const village = this.directory.villageOf(evaluation.deviceId);
        const target = { domain: rule.selector.domain, town, village, deviceId: evaluation.deviceId, ruleId: rule.id };
        const result = AlertStateMachine.apply(current.get(evaluation.deviceId), evaluation, {
          rule,
          unit,
          town,
          village,
          now,
          summary,
          silencedBy: activeSilence(silences, target, now)?.id ?? null,
          suppressionOf: (episode) => (inSeason ? (suppressingSilence(silences, target, episode, now)?.id ?? null) : 'season'),
        });
        changedAlerts.push(...result.alerts);
        events.push(...result.events);
      }
      await this.alerts.save(changedAlerts, events, notificationPayload, tx);
      await this.rules.setEvaluatedThrough(rule.id, now, tx.exec);
      if (events.some((event) => event.notify)) tx.afterCommit(() => this.changed());
      return { outcome: 'ok', queries, devicesEvaluated: evaluations.length, alertsChanged: changedAlerts.length, events: events.length };
    });
    return report;
  }
}
