import type { AlertEventDraft } from '../lifecycle/alert';
import { AlertNotification, toAlertView } from '../lifecycle/alert.view';

/** The stored notification text of an event: AlertNotification without eventId, which is the event's row id. */
export function notificationPayload(event: AlertEventDraft, alertId: number): string {
  const payload: Omit<AlertNotification, 'eventId'> = {
    event: event.kind,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    note: event.note,
    previousState: event.fromState,
    alert: toAlertView({ ...event.snapshot, id: alertId }),
  };
  return JSON.stringify(payload);
}
