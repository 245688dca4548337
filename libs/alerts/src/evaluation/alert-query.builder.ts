import { quoteIdentifier } from '@hub/influx';
import { AlertCondition, AlertRule, flapWindowOf } from '../rules/alert-rule';

/**
 * InfluxQL for one rule's evaluation. Every statement reads the rule's domain measurement by event time and answers
 * per device — never one statement per device:
 *
 * 1. screen: which devices could be in the condition anywhere in the window. For a threshold, one pass over the
 *    whole domain: `top(m, "device_id", N)` (or `bottom`) gives the N devices with the most extreme readings, so
 *    "nobody beyond the trigger" or "these 4 devices" costs one ungrouped scan. Only when all N are beyond (a
 *    county-wide event) does it fall back to the extreme per device. For rate of change and stuck: max and min per
 *    device.
 * 2. detail: min/max/mean/last/count per device and time bucket, only for the screened devices and those with an
 *    alert to follow. This is what the episodes are computed from.
 * No-data rules read the last reading (and, now and then, the count) per device: see no-data.source.ts.
 */
export interface EvaluationWindow {
  /** Wall clock of the evaluation. */
  readonly now: number;
  /** First event time read (aligned to nothing; the detail query aligns its own buckets). */
  readonly start: number;
  /** Last event time read: now plus the accepted clock skew, so a device running a little fast is not ignored. */
  readonly end: number;
}

export interface WindowOptions {
  /** How far back each evaluation re-reads, beyond what the condition itself needs, for readings that arrive late. */
  readonly lateDataMs: number;
  /** Readings up to this far ahead of the server clock are accepted by ingest, so they are read too. */
  readonly maxFutureMs: number;
  /** Wall clock of the rule's last completed evaluation (null: never): after downtime the window reaches back to it. */
  readonly evaluatedThrough: number | null;
  /** The catch-up after downtime is capped at this. */
  readonly maxCatchUpMs: number;
}

/** How much event time before `now` the condition itself needs to be judged. */
export function conditionSpanMs(condition: AlertCondition): number {
  switch (condition.type) {
    case 'threshold':
      return condition.forMs + condition.clearForMs;
    case 'rate-of-change':
      return condition.windowMs + condition.clearForMs;
    case 'stuck':
      return condition.windowMs;
    case 'no-data':
      return condition.baselineMs;
  }
}

export function evaluationWindow(rule: AlertRule, now: number, options: WindowOptions): EvaluationWindow {
  const condition = rule.condition;
  if (condition.type === 'no-data') return { now, start: now - condition.baselineMs, end: now + options.maxFutureMs };
  // Two evaluation intervals of slack so that the bucket holding the previous evaluation's `now` is read again whole.
  const span = conditionSpanMs(condition) + options.lateDataMs + 2 * rule.evaluateEveryMs;
  const resumeFrom = Math.max(Math.min(options.evaluatedThrough ?? now, now), now - options.maxCatchUpMs);
  return { now, start: resumeFrom - span, end: now + options.maxFutureMs };
}

/**
 * How far before its last evaluation a rule's next one may still reconcile with an alert whose condition ended: its
 * window's reach back (evaluationWindow) plus the flap window (AlertRepository.latestForRule). An alert of the rule
 * whose condition ended later than that is still the rule's to follow, so pruning leaves it.
 */
export function reconcileReachMs(rule: AlertRule, lateDataMs: number): number {
  const condition = rule.condition;
  const span = condition.type === 'no-data' ? condition.baselineMs : conditionSpanMs(condition) + lateDataMs + 2 * rule.evaluateEveryMs;
  return span + flapWindowOf(rule);
}

/** The finest bucket the condition needs: a quarter of its for/clearFor, a fifth of its window, at most one interval. */
export function fineBucketMs(rule: AlertRule): number {
  const condition = rule.condition;
  const candidates = [rule.evaluateEveryMs];
  if (condition.type === 'threshold') {
    if (condition.forMs > 0) candidates.push(condition.forMs / 4);
    if (condition.clearForMs > 0) candidates.push(condition.clearForMs / 4);
  } else if (condition.type === 'rate-of-change' || condition.type === 'stuck') {
    candidates.push(condition.windowMs / 5);
    if (condition.type === 'rate-of-change' && condition.clearForMs > 0) candidates.push(condition.clearForMs / 4);
  }
  return Math.min(...candidates);
}

/**
 * The detail bucket: fine enough for the condition, coarse enough that the answer stays under `maxRows` rows
 * however many devices are in it (a county-wide voltage dip must not produce a million-row answer). Rounded up to
 * 100 ms below 10 s and to whole seconds above, so bucket boundaries are readable.
 */
export function detailBucketMs(rule: AlertRule, window: EvaluationWindow, devices: number, maxRows: number): number {
  const coarse = ((window.now - window.start) * Math.max(1, devices)) / maxRows;
  const wanted = Math.max(fineBucketMs(rule), coarse, 100);
  const step = wanted < 10_000 ? 100 : 1000;
  return Math.ceil(wanted / step) * step;
}

export interface StatementScope {
  /** Only these devices (already intersected with the rule's own list); undefined: every device of the domain. */
  readonly deviceIds?: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly groupByDevice: boolean;
  readonly bucketMs?: number;
}

export function aggregateStatement(rule: AlertRule, aggregates: readonly Aggregate[], scope: StatementScope): string {
  const field = quoteIdentifier(rule.selector.metric);
  const select = aggregates.map((aggregate) => `${aggregate}(${field}) AS "${aggregate}"`).join(', ');
  const where = [`time >= ${Math.floor(scope.from)}ms`, `time <= ${Math.ceil(scope.to)}ms`];
  if (scope.deviceIds !== undefined) where.push(deviceFilter(scope.deviceIds));
  const groups = [scope.groupByDevice ? '"device_id"' : '', scope.bucketMs === undefined ? '' : `time(${scope.bucketMs}ms)`].filter(Boolean);
  const groupBy = groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '';
  const fill = scope.bucketMs === undefined ? '' : ' fill(none)';
  return `SELECT ${select} FROM ${quoteIdentifier(rule.selector.domain)} WHERE ${where.join(' AND ')}${groupBy}${fill}`;
}

export type Aggregate = 'min' | 'max' | 'mean' | 'last' | 'count';

export const DETAIL_AGGREGATES: readonly Aggregate[] = ['min', 'max', 'mean', 'last', 'count'];

/** What the per-device screen reads for each rule type. */
export function screenAggregates(condition: AlertCondition): Aggregate[] {
  switch (condition.type) {
    case 'threshold':
      return [...(condition.high ? (['max'] as const) : []), ...(condition.low ? (['min'] as const) : [])];
    case 'rate-of-change':
      return ['max', 'min'];
    case 'stuck':
      // The reading count is checked on the buckets; here it would cost a third more for nothing.
      return ['max', 'min'];
    case 'no-data':
      return ['last'];
  }
}

/** Devices a threshold screen names at most before it falls back to reading every device's extreme. */
export const SCREEN_TOP_DEVICES = 100;

/**
 * The threshold screen: the devices with the highest (`top`) and/or lowest (`bottom`) readings in the window, one row
 * per device (InfluxQL's top/bottom with a tag key keep one point per distinct tag value).
 */
export function extremeDevicesStatement(rule: AlertRule, scope: Omit<StatementScope, 'groupByDevice' | 'bucketMs'>, limit = SCREEN_TOP_DEVICES): string {
  const condition = rule.condition;
  if (condition.type !== 'threshold') throw new Error('only threshold rules are screened by their extreme devices');
  const field = quoteIdentifier(rule.selector.metric);
  const where = [`time >= ${Math.floor(scope.from)}ms`, `time <= ${Math.ceil(scope.to)}ms`];
  if (scope.deviceIds !== undefined) where.push(deviceFilter(scope.deviceIds));
  const from = `FROM ${quoteIdentifier(rule.selector.domain)} WHERE ${where.join(' AND ')}`;
  const statements: string[] = [];
  if (condition.high !== null) statements.push(`SELECT top(${field}, "device_id", ${limit}) ${from}`);
  if (condition.low !== null) statements.push(`SELECT bottom(${field}, "device_id", ${limit}) ${from}`);
  return statements.join('; ');
}

/**
 * Device ids match [A-Za-z0-9_-], so they are safe inside a regex unescaped; one regex keeps the statement short
 * where hundreds of `OR "device_id" = …` terms would not be.
 */
export function deviceFilter(deviceIds: readonly string[]): string {
  if (deviceIds.length === 0) throw new Error('a device filter needs at least one device');
  if (!deviceIds.every((id) => /^[A-Za-z0-9_-]+$/.test(id))) throw new Error('device ids must match [A-Za-z0-9_-]+');
  return `"device_id" =~ /^(${deviceIds.join('|')})$/`;
}
