import type { JSX } from 'preact';
import type { AlertDeliveryView, AlertFeedEvent, DeliveryOutcome, SendReason } from '@hub/api-types';
import { hubApi } from '../api/hub-api';
import { Pill } from '../components/badges';
import { ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { type Resource, useResource } from '../hooks/use-resource';
import { type MessageId, t } from '../i18n/i18n';
import { useLiveEvent } from '../live/live-feed';

const OUTCOME: Record<DeliveryOutcome, { text: MessageId; tone: 'ok' | 'warning' | 'critical' | 'muted'; title: MessageId }> = {
  queued: { text: 'alert.notifications.outcome.queued', tone: 'muted', title: 'alert.notifications.outcome.queuedTitle' },
  sent: { text: 'alert.notifications.outcome.sent', tone: 'ok', title: 'alert.notifications.outcome.sentTitle' },
  failed: { text: 'alert.notifications.outcome.failed', tone: 'warning', title: 'alert.notifications.outcome.failedTitle' },
  'given-up': { text: 'alert.notifications.outcome.givenUp', tone: 'critical', title: 'alert.notifications.outcome.givenUpTitle' },
};

const REASON_TEXT: Record<SendReason, MessageId> = {
  new: 'alert.notifications.reason.new',
  repeat: 'alert.notifications.reason.repeat',
  escalation: 'alert.notifications.reason.escalation',
  resolved: 'alert.notifications.reason.resolved',
};

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
        {t('alert.notifications.title')}
      </h3>
      <NotificationLog log={log} />
    </section>
  );
}

function NotificationLog(props: { log: Resource<AlertDeliveryView[]> }): JSX.Element {
  const { log } = props;
  if (log.loading) return <Loading what={t('alert.notifications.loading')} />;
  if (!log.data) return <ErrorNotice error={log.error ?? new Error(t('alert.notifications.noAnswer'))} onRetry={log.reload} compact />;
  if (log.data.length === 0) {
    return (
      <p class="muted" data-empty="notifications">
        {t('alert.notifications.none')}
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="table notifications-table" aria-label={t('alert.notifications.label')}>
        <thead>
          <tr>
            <th scope="col">{t('alert.notifications.time')}</th>
            <th scope="col">{t('alert.notifications.contactPoint')}</th>
            <th scope="col">{t('alert.notifications.why')}</th>
            <th scope="col">{t('alert.notifications.outcome')}</th>
            <th scope="col">{t('alert.notifications.providerAnswer')}</th>
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
                {t(REASON_TEXT[entry.reason])}
                {entry.level > 0 && <span class="muted"> · {t('alert.notifications.level', { level: entry.level })}</span>}
                {entry.alertCount > 1 && <span class="muted"> · {t('alert.notifications.withMore', { count: entry.alertCount - 1 })}</span>}
              </td>
              <td class="nowrap">
                <Pill tone={OUTCOME[entry.outcome].tone} title={t(OUTCOME[entry.outcome].title)}>
                  {t(OUTCOME[entry.outcome].text)}
                </Pill>
                {entry.attempt > 0 && <span class="muted"> {t('alert.notifications.attempt', { attempt: entry.attempt })}</span>}
              </td>
              <td class="provider-answer">{entry.outcome === 'failed' || entry.outcome === 'given-up' ? entry.providerAnswer : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
