import type { Domain } from '@hub/contract';
import type { ConditionType, Severity } from '../rules/alert-rule';

// States, resolutions and event kinds are part of the API's JSON, so they are spelt once in @hub/api-types.
import type { AlertEventKind, AlertState, Resolution } from '@hub/api-types';
export { ALERT_EVENT_KINDS, ALERT_STATES, RESOLUTIONS } from '@hub/api-types';
export type { AlertEventKind, AlertState, Resolution };

/**
 * One alert: one occurrence of a rule's condition on one device. At most one per (rule, device) is open (firing or
 * acknowledged) at a time; re-evaluation updates it in place. Event times (startedAt, valueAt, conditionEndedAt)
 * come from the readings; wall-clock times (firedAt, updatedAt, acknowledgedAt, resolvedAt) from the hub.
 */
export interface Alert {
  /** 0 until stored. */
  id: number;
  ruleId: string;
  ruleName: string;
  conditionType: ConditionType;
  severity: Severity;
  domain: Domain;
  metric: string;
  unit: string;
  deviceId: string;
  town: string | null;
  /** The device's village within its town when the alert was raised; null when none. */
  village: string | null;
  state: AlertState;
  summary: string;
  /** Event time the condition began (before its for-duration). */
  startedAt: number;
  firedAt: number;
  updatedAt: number;
  /** Whether the condition holds at the newest evaluated data (a flapping alert stays open while it does not). */
  conditionActive: boolean;
  /** Event time the clear condition began, once it has; null while the condition holds. */
  conditionEndedAt: number | null;
  /** Latest value (metric value, change over the window, seconds of silence… per condition type) and its event time. */
  value: number;
  valueAt: number;
  /** Most extreme value seen; peakScore ranks candidates (larger is worse). */
  peak: number;
  peakScore: number;
  /** Evaluations that found the condition holding. */
  count: number;
  flapping: boolean;
  /** Event times the condition (re)started, within the flap window. */
  openings: number[];
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  acknowledgeNote: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: Resolution | null;
}


/** Kinds that are state changes worth telling other systems about (MQTT, webhooks); the rest is history only. */
export const NOTIFIED_EVENT_KINDS: ReadonlySet<AlertEventKind> = new Set(['fired', 'reopened', 'acknowledged', 'resolved', 'flapping', 'flapping-ended']);

/** A history entry about to be stored, with the alert as it was right after the change. */
export interface AlertEventDraft {
  readonly alert: Alert;
  readonly at: number;
  readonly kind: AlertEventKind;
  readonly actor: string;
  readonly note: string | null;
  readonly fromState: AlertState | null;
  readonly toState: AlertState;
  /** False for history-only kinds, and for changes of a silenced alert. */
  readonly notify: boolean;
  /** Set when a silence held the notification back. */
  readonly silenceId: number | null;
  readonly snapshot: Alert;
}

export interface AlertEvent {
  readonly id: number;
  readonly alertId: number;
  readonly at: number;
  readonly kind: AlertEventKind;
  readonly actor: string;
  readonly note: string | null;
  readonly fromState: AlertState | null;
  readonly toState: AlertState;
  readonly notify: boolean;
  readonly silenceId: number | null;
}

export const SYSTEM_ACTOR = 'system';

export function isOpen(alert: Pick<Alert, 'state'>): boolean {
  return alert.state !== 'resolved';
}

export function snapshotOf(alert: Alert): Alert {
  return { ...alert, openings: [...alert.openings] };
}
