import type { Domain } from '@hub/contract';

/** The domain model of an alert rule, in milliseconds and canonical form; the API document is alert-rule.document.ts. */
// The vocabularies are part of the API's JSON, so they are spelt once in @hub/api-types.
import type { ChangeDirection, ConditionType, Severity, ThresholdOperator } from '@hub/api-types';
export { CHANGE_DIRECTIONS, CONDITION_TYPES, SEVERITIES, THRESHOLD_OPERATORS } from '@hub/api-types';
export type { ChangeDirection, ConditionType, Severity, ThresholdOperator };

/**
 * One side of a threshold. The trigger is inclusive ("above 20" fires at 20, as a gas detector's alarm set point
 * does); the condition clears only once values are strictly past `clear`, so values between the two hold the
 * current state (hysteresis).
 */
export interface ThresholdLevel {
  readonly trigger: number;
  readonly clear: number;
}

export interface ThresholdCondition {
  readonly type: 'threshold';
  readonly operator: ThresholdOperator;
  /** Set for `above` and `outside`: fires at or above trigger, clears below clear. */
  readonly high: ThresholdLevel | null;
  /** Set for `below` and `outside`: fires at or below trigger, clears above clear. */
  readonly low: ThresholdLevel | null;
  /** Every reading must be beyond the trigger for this long before the alert fires; 0 fires on the first one. */
  readonly forMs: number;
  /** Every reading must be clear for this long before the alert resolves; 0 resolves on the first clear bucket. */
  readonly clearForMs: number;
}

export interface RateOfChangeCondition {
  readonly type: 'rate-of-change';
  readonly direction: ChangeDirection;
  /** Change (in the metric's unit) of the smoothed value within `windowMs` that fires the alert. */
  readonly amount: number;
  /** The change must shrink below this to clear (≤ amount). */
  readonly clearAmount: number;
  readonly windowMs: number;
  readonly clearForMs: number;
}

export interface NoDataCondition {
  readonly type: 'no-data';
  /** Fires when the metric has been silent this long; null when only the interval multiple applies. */
  readonly silentForMs: number | null;
  /** Fires when silent longer than this many times the device's own usual interval; null when not used. */
  readonly intervalMultiple: number | null;
  /** Window over which the usual interval is measured (and the last reading looked for). */
  readonly baselineMs: number;
}

export interface StuckCondition {
  readonly type: 'stuck';
  /** No change beyond `tolerance` for this long, while the device keeps reporting. */
  readonly windowMs: number;
  readonly tolerance: number;
  /** Readings the window must hold: a device reporting twice an hour is not "stuck" after two equal values. */
  readonly minReadings: number;
}

export type AlertCondition = ThresholdCondition | RateOfChangeCondition | NoDataCondition | StuckCondition;

export interface RuleSelector {
  readonly domain: Domain;
  readonly metric: string;
  /** Empty: every town. Otherwise the devices the registry puts in these towns (a device without a town is in none). */
  readonly towns: readonly string[];
  /** Empty: every device of the domain. */
  readonly deviceIds: readonly string[];
}

/** What an operator writes; the service adds id, revision and timestamps. */
export interface AlertRuleSpec {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly selector: RuleSelector;
  readonly evaluateEveryMs: number;
  readonly condition: AlertCondition;
  /** Months (1–12, server's local calendar) in which new alerts may fire; empty: all year. */
  readonly activeMonths: readonly number[];
  /** Flapping is judged over this window; null: FLAP_WINDOW_INTERVALS × evaluateEveryMs. */
  readonly flapWindowMs: number | null;
  /** The standard and clause the rule's thresholds follow (e.g. "GB/T 12325-2008 §4.3 …"), quoted in its alerts; null: none cited. */
  readonly standard: string | null;
}

export interface AlertRule extends AlertRuleSpec {
  readonly id: string;
  /** Bumped on every change; a PUT/PATCH naming an older revision gets 409. */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Default flap window, in evaluation intervals: long enough to see a few open/clear cycles. */
export const FLAP_WINDOW_INTERVALS = 20;
/** An alert whose condition started this many times within the flap window is flapping. */
export const FLAP_OPENINGS = 3;

export function flapWindowOf(rule: Pick<AlertRuleSpec, 'flapWindowMs' | 'evaluateEveryMs'>): number {
  return rule.flapWindowMs ?? FLAP_WINDOW_INTERVALS * rule.evaluateEveryMs;
}

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
