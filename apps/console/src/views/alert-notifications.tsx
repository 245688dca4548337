import type { JSX } from 'preact';
import type { AlertDeliveryView, AlertFeedEvent, DeliveryOutcome, SendReason } from '@hub/api-types';
import { hubApi } from '../api/hub-api';
import { Pill } from '../components/badges';
import { ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { type Resource, useResource } from '../hooks/use-resource';
import { useLiveEvent } from '../live/live-feed';

const OUTCOME: Record<DeliveryOutcome, { text: string; tone: 'ok' | 'warning' | 'critical' | 'muted'; title: string }> = {
  queued: { text: 'Queued', tone: 'muted', title: 'Waiting in the contact point’s queue' },
  sent: { text: 'Sent', tone: 'ok', title: 'The provider accepted the message' },
  failed: { text: 'Failed', tone: 'warning', title: 'Refused or unreachable; retried with back-off' },
  'given-up': { text: 'Given up', tone: 'critical', title: 'Refused for good, or still failing after the give-up bound: not retried' },
};

const REASON_TEXT: Record<SendReason, string> = { new: 'New', repeat: 'Repeat', escalation: 'Escalation', resolved: 'Resolved' };

/**
 * What the notification policies did about the alert: each message queued for a contact point and each attempt,
 * oldest first. Deliveries come after the group wait, not with an alert change, so besides reloading when the alert
 * changes it refreshes on a timer.
 */
export function AlertNotifications(props: { alertId: number }): JSX.Element {
  const log = useResource((signal) => hubApi.alertNotifications(props.alertId, signal), [props.alertId], { refreshMs: 10_000, reloadOn: ['hello'] });
  useLiveEvent(['alert'], (_type, data) => {
    if ((data as AlertFeedEvent).alert?.id === props.alertId) log.reload();
  });
  return (
    <section class="alert-notifications" aria-labelledby="alert-notifications-title">
      <h3 class="card-subtitle" id="alert-notifications-title">
        Notifications
      </h3>
      <NotificationLog log={log} />
    </section>
  );
}

function NotificationLog(props: { log: Resource<AlertDeliveryView[]> }): JSX.Element {
  const { log } = props;
  if (log.loading) return <Loading what="notifications" />;
  if (!log.data) return <ErrorNotice error={log.error ?? new Error('No answer')} onRetry={log.reload} compact />;
  if (log.data.length === 0) {
    return (
      <p class="muted" data-empty="notifications">
        No notifications for this alert yet: no notification policy route matched it, it was silenced, or its group wait has not passed.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="table notifications-table" aria-label="Notifications of this alert">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Contact point</th>
            <th scope="col">Why</th>
            <th scope="col">Outcome</th>
            <th scope="col">Provider’s answer</th>
          </tr>
        </thead>
        <tbody>
          {log.data.map((entry, index) => (
            <tr key={index} data-outcome={entry.outcome} data-contact-point={entry.contactPoint}>
              <td class="nowrap">
                <Time value={entry.at} />
              </td>
              <td>
                {entry.contactPoint}
                {entry.kind && <span class="muted"> ({entry.kind})</span>}
              </td>
              <td>
                {REASON_TEXT[entry.reason]}
                {entry.level > 0 && <span class="muted"> · level {entry.level}</span>}
                {entry.alertCount > 1 && <span class="muted"> · with {entry.alertCount - 1} more</span>}
              </td>
              <td class="nowrap">
                <Pill tone={OUTCOME[entry.outcome].tone} title={OUTCOME[entry.outcome].title}>
                  {OUTCOME[entry.outcome].text}
                </Pill>
                {entry.attempt > 0 && <span class="muted"> attempt {entry.attempt}</span>}
              </td>
              <td class="provider-answer">{entry.outcome === 'failed' || entry.outcome === 'given-up' ? entry.providerAnswer : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
