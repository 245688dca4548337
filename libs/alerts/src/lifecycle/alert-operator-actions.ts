import { DomainError, type IssueParams } from '@hub/common';
import { Alert, AlertEventDraft, AlertEventKind, AlertState, NOTIFIED_EVENT_KINDS, Resolution, snapshotOf, SYSTEM_ACTOR } from './alert';

export class AlertNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(what: string) {
    super(`Unknown ${what}`);
    this.name = 'AlertNotFoundError';
  }
}

/** The request does not fit the alert's (or rule's) current state, e.g. acknowledging a resolved alert. */
export class AlertConflictError extends DomainError {
  readonly kind = 'conflict';

  constructor(message: string, detail: { readonly code?: string; readonly params?: IssueParams } = {}) {
    super(message, detail);
    this.name = 'AlertConflictError';
  }
}

/**
 * Operator transitions, pure: each changes the alert in place and returns the history entry. firing →
 * acknowledged → resolved; resolving straight from firing is allowed (an operator who fixed it need not
 * acknowledge first). Operator changes are always notified: they are deliberate and rare.
 */
export function acknowledge(alert: Alert, by: string, note: string | null, now: number): AlertEventDraft {
  if (alert.state !== 'firing') throw new AlertConflictError(`Alert ${alert.id} is ${alert.state}; only a firing alert can be acknowledged`, { code: 'alert-not-firing', params: { id: alert.id, state: alert.state } });
  Object.assign(alert, { state: 'acknowledged', acknowledgedBy: by, acknowledgedAt: now, acknowledgeNote: note, updatedAt: now });
  return draft(alert, 'acknowledged', 'firing', by, note, now);
}

export function resolveByOperator(alert: Alert, by: string, note: string | null, now: number): AlertEventDraft {
  if (alert.state === 'resolved') throw new AlertConflictError(`Alert ${alert.id} is already resolved`, { code: 'alert-already-resolved', params: { id: alert.id } });
  return resolveWith(alert, 'operator', by, note, now);
}

/** A rule that was deleted, disabled or changed past recognition takes its open alerts with it. */
export function resolveForRule(alert: Alert, resolution: Exclude<Resolution, 'operator' | 'cleared'>, note: string, now: number): AlertEventDraft {
  // The occurrence is over for this rule: a later evaluation must start a new one, not continue this one.
  alert.conditionActive = false;
  alert.conditionEndedAt ??= now;
  alert.flapping = false;
  return resolveWith(alert, resolution, SYSTEM_ACTOR, note, now);
}

export function comment(alert: Alert, by: string, text: string, now: number): AlertEventDraft {
  return draft(alert, 'commented', alert.state, by, text, now);
}

/** The rule was renamed or its severity changed: open alerts follow, with a history entry. */
export function followRuleChange(alert: Alert, ruleName: string, severity: Alert['severity'], now: number): AlertEventDraft | undefined {
  if (alert.ruleName === ruleName && alert.severity === severity) return undefined;
  const changes: string[] = [];
  if (alert.ruleName !== ruleName) changes.push(`rule renamed to "${ruleName}"`);
  if (alert.severity !== severity) changes.push(`severity ${alert.severity} → ${severity}`);
  const note = changes.join('; ');
  Object.assign(alert, { ruleName, severity, updatedAt: now });
  return draft(alert, 'rule-updated', alert.state, SYSTEM_ACTOR, note, now);
}

function resolveWith(alert: Alert, resolution: Resolution, by: string, note: string | null, now: number): AlertEventDraft {
  const from = alert.state;
  Object.assign(alert, { state: 'resolved', resolvedAt: now, resolvedBy: by, resolution, updatedAt: now });
  return draft(alert, 'resolved', from, by, note, now);
}

function draft(alert: Alert, kind: AlertEventKind, fromState: AlertState | null, actor: string, note: string | null, now: number): AlertEventDraft {
  return { alert, at: now, kind, actor, note, fromState, toState: alert.state, notify: NOTIFIED_EVENT_KINDS.has(kind), silenceId: null, snapshot: snapshotOf(alert) };
}
