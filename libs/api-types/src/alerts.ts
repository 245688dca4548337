import type { Domain } from '@hub/contract';

/** The alert API's JSON: what GET answers and what the console sends back. Times are ISO-8601 text. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONDITION_TYPES = ['threshold', 'rate-of-change', 'no-data', 'stuck'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const THRESHOLD_OPERATORS = ['above', 'below', 'outside'] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

export const CHANGE_DIRECTIONS = ['drop', 'rise', 'either'] as const;
export type ChangeDirection = (typeof CHANGE_DIRECTIONS)[number];

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Why an alert was resolved. */
export const RESOLUTIONS = ['cleared', 'operator', 'rule-deleted', 'rule-disabled', 'rule-changed'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ALERT_EVENT_KINDS = [
  'fired',
  'reopened',
  'acknowledged',
  'resolved',
  'flapping',
  'flapping-ended',
  'condition-cleared',
  'condition-returned',
  'commented',
  'rule-updated',
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/**
 * An alert rule as the API reads and writes it: durations as text ("90s", "5m"), thresholds as an operator with a
 * value and a clear level. GET returns exactly what PUT accepts, so a rule can be fetched, edited and sent back.
 */
export type ThresholdDocument =
  | { type: 'threshold'; operator: 'above' | 'below'; value: number; clear: number; for: string; clearFor: string }
  | { type: 'threshold'; operator: 'outside'; low: number; high: number; clearLow: number; clearHigh: number; for: string; clearFor: string };

export interface RateOfChangeDocument {
  type: 'rate-of-change';
  direction: ChangeDirection;
  amount: number;
  clear: number;
  window: string;
  clearFor: string;
}

export interface NoDataDocument {
  type: 'no-data';
  silentFor: string | null;
  intervalMultiple: number | null;
  baseline: string;
}

export interface StuckDocument {
  type: 'stuck';
  window: string;
  tolerance: number;
  minReadings: number;
}

export type ConditionDocument = ThresholdDocument | RateOfChangeDocument | NoDataDocument | StuckDocument;

export interface RuleSelectorDocument {
  domain: Domain;
  metric: string;
  towns: string[];
  deviceIds: string[];
}

export interface AlertRuleDocument {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  severity: Severity;
  selector: RuleSelectorDocument;
  evaluateEvery: string;
  condition: ConditionDocument;
  activeMonths: number[];
  flapWindow: string | null;
  /** The standard and clause the rule follows, quoted in its alerts' summary; null (or absent on input): none. */
  standard?: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** An alert as the API and the notifications show it: times as ISO-8601, internal bookkeeping left out. */
export interface AlertView {
  id: number;
  ruleId: string;
  ruleName: string;
  conditionType: ConditionType;
  severity: Severity;
  state: AlertState;
  flapping: boolean;
  domain: Domain;
  metric: string;
  unit: string;
  deviceId: string;
  town: string | null;
  /** The device's village within its town (as the registry placed it when the alert was raised); null when none. */
  village: string | null;
  summary: string;
  /** Event time the condition began. */
  startedAt: string;
  firedAt: string;
  updatedAt: string;
  conditionActive: boolean;
  conditionEndedAt: string | null;
  value: number;
  valueAt: string;
  peak: number;
  count: number;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgeNote: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: Resolution | null;
}

export interface AlertEventView {
  id: number;
  alertId: number;
  at: string;
  kind: AlertEventKind;
  actor: string;
  note: string | null;
  fromState: AlertState | null;
  toState: AlertState;
  notified: boolean;
  silenceId: number | null;
}

/** GET /api/alerts. */
export interface AlertPage {
  readonly items: AlertView[];
  readonly matching: number;
  /** Pass as `before` for the next page. */
  readonly nextBefore: number | null;
}

/** A silence (maintenance window) as the API shows it. */
export interface SilenceView {
  readonly id: number;
  readonly domain: Domain | null;
  readonly town: string | null;
  readonly deviceId: string | null;
  readonly ruleId: string | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly active: boolean;
}

/** An `alert` event of /api/events: the history entry and the alert as it is now. */
export interface AlertFeedEvent {
  readonly event: AlertEventView;
  readonly alert: AlertView;
}

/** POST /api/alerts/:id/acknowledge and /resolve. The actor is the caller; a `by` field is refused. */
export interface OperatorActionRequest {
  note?: string;
}

/** POST /api/alerts/:id/comments. */
export interface CommentRequest {
  text: string;
}

/** Why a message to a contact point went: new (fired or reopened alerts), repeat, escalation, resolved. */
export const SEND_REASONS = ['new', 'repeat', 'escalation', 'resolved'] as const;
export type SendReason = (typeof SEND_REASONS)[number];

/** A delivery log row's outcome: queued by the router (attempt 0), then each attempt sent, failed (retried) or given-up. */
export const DELIVERY_OUTCOMES = ['queued', 'sent', 'failed', 'given-up'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** GET /api/alerts/:id/notifications: one delivery log row that concerns the alert (the timeline is oldest first). */
export interface AlertDeliveryView {
  readonly at: string;
  /** The queued message this row belongs to (its attempts share it); null for rows logged before it was kept. */
  readonly messageId: number | null;
  /** The policy route's position in the tree, `routes[0]`; the default route is `""`. */
  readonly route: string;
  readonly contactPoint: string;
  /** email, dingtalk, feishu, wecom, sms, webhook; null when the contact point no longer existed. */
  readonly kind: string | null;
  /** 0: the route's own contact points; 1…: escalation levels. */
  readonly level: number;
  readonly reason: SendReason;
  readonly outcome: DeliveryOutcome;
  /** 0 for queued; 1 the first send, 2… retries. */
  readonly attempt: number;
  /** What the provider answered (status and body, SMTP reply), or why the hub gave up; empty when queued. */
  readonly providerAnswer: string;
  /** How many alerts the message carried (a group's changes go as one message). */
  readonly alertCount: number;
}
