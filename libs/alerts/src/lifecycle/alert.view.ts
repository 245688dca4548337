import type { AlertEventView, AlertView } from '@hub/api-types';
import { Alert, AlertEvent, AlertEventKind, AlertState } from './alert';

/** An alert and its history entries as the API and the notifications show them: shapes of @hub/api-types. */
export type { AlertEventView, AlertView };

export function toAlertView(alert: Alert): AlertView {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    conditionType: alert.conditionType,
    severity: alert.severity,
    state: alert.state,
    flapping: alert.flapping,
    domain: alert.domain,
    metric: alert.metric,
    unit: alert.unit,
    deviceId: alert.deviceId,
    town: alert.town,
    village: alert.village,
    summary: alert.summary,
    startedAt: iso(alert.startedAt),
    firedAt: iso(alert.firedAt),
    updatedAt: iso(alert.updatedAt),
    conditionActive: alert.conditionActive,
    conditionEndedAt: isoOrNull(alert.conditionEndedAt),
    value: alert.value,
    valueAt: iso(alert.valueAt),
    peak: alert.peak,
    count: alert.count,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: isoOrNull(alert.acknowledgedAt),
    acknowledgeNote: alert.acknowledgeNote,
    resolvedAt: isoOrNull(alert.resolvedAt),
    resolvedBy: alert.resolvedBy,
    resolution: alert.resolution,
  };
}

export function toAlertEventView(event: AlertEvent): AlertEventView {
  return {
    id: event.id,
    alertId: event.alertId,
    at: iso(event.at),
    kind: event.kind,
    actor: event.actor,
    note: event.note,
    fromState: event.fromState,
    toState: event.toState,
    notified: event.notify,
    silenceId: event.silenceId,
  };
}

/**
 * What MQTT subscribers and webhooks receive for every state change: the change, and the alert as it was right after
 * it. `eventId` increases with every change, so a receiver can drop a duplicate (delivery is at least once).
 */
export interface AlertNotification {
  eventId: number;
  event: AlertEventKind;
  at: string;
  actor: string;
  note: string | null;
  previousState: AlertState | null;
  alert: AlertView;
}

/** `alerts/{domain}/{severity}/{deviceId}`: subscribe to `alerts/gas/critical/+` or `alerts/#`. */
export function alertTopic(alert: Pick<Alert, 'domain' | 'severity' | 'deviceId'>): string {
  return `alerts/${alert.domain}/${alert.severity}/${alert.deviceId}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
