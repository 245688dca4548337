import { Episode, DeviceEvaluation } from '../evaluation/device-evaluation';
import { AlertRule, flapWindowOf } from '../rules/alert-rule';
import { Alert, AlertEventDraft, AlertEventKind, NOTIFIED_EVENT_KINDS, snapshotOf, SYSTEM_ACTOR } from './alert';
import { FlapDetector } from './flap-detector';

/** What the state machine needs to know besides the alert and the evaluation. */
export interface StateMachineContext {
  readonly rule: AlertRule;
  readonly unit: string;
  readonly town: string | null;
  /** The device's village within its town; absent or null when none. */
  readonly village?: string | null;
  /** Wall clock of this evaluation. */
  readonly now: number;
  /** Why a new occurrence must not raise (or reopen) an alert: a silence id, or null. `season` for activeMonths. */
  readonly suppressionOf: (episode: Episode) => number | 'season' | null;
  /** The silence covering this device now, if any: its state changes are recorded but not notified. */
  readonly silencedBy: number | null;
  readonly summary: string;
}

export interface StateMachineResult {
  /** Alerts to store (changed or new, id 0), in the order they were touched. */
  readonly alerts: Alert[];
  readonly events: AlertEventDraft[];
}

/**
 * Applies one evaluation of one (rule, device) to its latest alert. Pure and idempotent: every evaluation re-reads a
 * window that overlaps the previous ones, so an episode already accounted for (its start before the alert's
 * condition ended) only refreshes values; only an occurrence that starts after it is new. That is what keeps one
 * alert per occurrence however often a window is re-read, after a restart too, and what lets a late batch land in
 * its own time: an episode that began and ended in the past raises an alert that resolves at once, in order.
 */
export class AlertStateMachine {
  private readonly flapWindowMs: number;
  private readonly flaps: FlapDetector;
  private readonly alerts: Alert[] = [];
  private readonly events: AlertEventDraft[] = [];

  private constructor(private readonly context: StateMachineContext) {
    this.flapWindowMs = flapWindowOf(context.rule);
    this.flaps = new FlapDetector(this.flapWindowMs);
  }

  static apply(current: Alert | undefined, evaluation: DeviceEvaluation, context: StateMachineContext): StateMachineResult {
    const machine = new AlertStateMachine(context);
    machine.run(current === undefined ? undefined : snapshotOf(current), evaluation);
    return { alerts: machine.alerts, events: machine.events };
  }

  private run(current: Alert | undefined, evaluation: DeviceEvaluation): void {
    let alert = current;
    let ongoing = false;
    for (const episode of evaluation.episodes) {
      // An occurrence that ended before the alert's latest one began is history already accounted for.
      if (alert !== undefined && episode.end !== null && episode.end <= latestOpening(alert)) continue;
      if (alert !== undefined && episode.start < (alert.conditionEndedAt ?? Infinity)) {
        if (alert.state !== 'resolved') this.merge(alert, episode);
        if (episode.end !== null) {
          if (alert.conditionActive) this.conditionEnded(alert, episode.end);
        } else {
          ongoing = true;
          if (!alert.conditionActive) this.conditionReturned(alert, episode);
        }
        continue;
      }
      const next = this.newOccurrence(alert, episode, evaluation.deviceId);
      if (next === undefined) continue;
      alert = next;
      this.merge(alert, episode);
      if (episode.end !== null) this.conditionEnded(alert, episode.end);
      else ongoing = true;
    }
    if (alert === undefined) return;
    if (alert.conditionActive && !ongoing && evaluation.clearSince !== null) this.conditionEnded(alert, Math.max(evaluation.clearSince, latestOpening(alert)));
    if (ongoing && alert.state !== 'resolved') {
      alert.count++;
      this.touch(alert);
    }
    if (alert.flapping && alert.state !== 'resolved' && this.flaps.hasSettled(alert.openings, alert.conditionEndedAt, evaluation.latestAt)) {
      alert.flapping = false;
      if (alert.conditionActive) this.record(alert, 'flapping-ended', alert.state);
      else this.resolve(alert);
    }
  }

  /** A later occurrence: held by an open (flapping) alert, reopens a recently resolved one, or raises a new one. */
  private newOccurrence(alert: Alert | undefined, episode: Episode, deviceId: string): Alert | undefined {
    if (alert !== undefined && alert.state !== 'resolved') {
      this.conditionReturned(alert, episode);
      return alert;
    }
    if (this.context.suppressionOf(episode) !== null) return undefined;
    if (alert !== undefined && alert.conditionEndedAt !== null && episode.start - alert.conditionEndedAt < this.flapWindowMs) {
      this.conditionReturned(alert, episode);
      return alert;
    }
    return this.raise(episode, deviceId);
  }

  private raise(episode: Episode, deviceId: string): Alert {
    const { rule, now, unit, town, village, summary } = this.context;
    const alert: Alert = {
      id: 0,
      ruleId: rule.id,
      ruleName: rule.name,
      conditionType: rule.condition.type,
      severity: rule.severity,
      domain: rule.selector.domain,
      metric: rule.selector.metric,
      unit,
      deviceId,
      town,
      village: village ?? null,
      state: 'firing',
      summary,
      startedAt: episode.start,
      firedAt: now,
      updatedAt: now,
      conditionActive: true,
      conditionEndedAt: null,
      value: episode.value,
      valueAt: episode.valueAt,
      peak: episode.peak,
      peakScore: episode.peakScore,
      count: 0,
      flapping: false,
      openings: [episode.start],
      acknowledgedBy: null,
      acknowledgedAt: null,
      acknowledgeNote: null,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    };
    this.record(alert, 'fired', null);
    return alert;
  }

  private merge(alert: Alert, episode: Episode): void {
    if (episode.valueAt >= alert.valueAt && (episode.value !== alert.value || episode.valueAt !== alert.valueAt)) {
      alert.value = episode.value;
      alert.valueAt = episode.valueAt;
      this.touch(alert);
    }
    if (episode.peakScore > alert.peakScore) {
      alert.peak = episode.peak;
      alert.peakScore = episode.peakScore;
      this.touch(alert);
    }
  }

  private conditionEnded(alert: Alert, at: number): void {
    alert.conditionActive = false;
    alert.conditionEndedAt = at;
    this.touch(alert);
    if (alert.state === 'resolved') return; // resolved by an operator while the condition still held
    if (alert.flapping) this.record(alert, 'condition-cleared', alert.state);
    else this.resolve(alert);
  }

  private conditionReturned(alert: Alert, episode: Episode): void {
    const from = alert.state;
    alert.conditionActive = true;
    alert.conditionEndedAt = null;
    alert.openings = this.flaps.record(alert.openings, episode.start);
    const startsFlapping = !alert.flapping && this.flaps.isFlapping(alert.openings);
    if (from === 'resolved') {
      Object.assign(alert, { state: 'firing', acknowledgedBy: null, acknowledgedAt: null, acknowledgeNote: null, resolvedAt: null, resolvedBy: null, resolution: null });
    }
    if (startsFlapping) {
      alert.flapping = true;
      this.record(alert, 'flapping', from);
    } else {
      this.record(alert, from === 'resolved' ? 'reopened' : 'condition-returned', from);
    }
  }

  private resolve(alert: Alert): void {
    const from = alert.state;
    Object.assign(alert, { state: 'resolved', resolvedAt: this.context.now, resolvedBy: SYSTEM_ACTOR, resolution: 'cleared' });
    this.record(alert, 'resolved', from);
  }

  private record(alert: Alert, kind: AlertEventKind, fromState: Alert['state'] | null): void {
    this.touch(alert);
    const silenceId = this.context.silencedBy;
    this.events.push({
      alert,
      at: this.context.now,
      kind,
      actor: SYSTEM_ACTOR,
      note: null,
      fromState,
      toState: alert.state,
      notify: NOTIFIED_EVENT_KINDS.has(kind) && silenceId === null,
      silenceId: NOTIFIED_EVENT_KINDS.has(kind) ? silenceId : null,
      snapshot: snapshotOf(alert),
    });
  }

  private touch(alert: Alert): void {
    alert.updatedAt = this.context.now;
    if (!this.alerts.includes(alert)) this.alerts.push(alert);
  }
}

/** Start of the alert's latest occurrence (an alert reopened while flapping spans several). */
function latestOpening(alert: Alert): number {
  return alert.openings[alert.openings.length - 1] ?? alert.startedAt;
}
