import type { JSX } from 'preact';
import type { ContactPointDelivery, DeliveryResult } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Pill } from '../../components/badges';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { Link } from '../../router';

const SHOWN = 20;

/** How an attempt went, in words: "sent (HTTP 204)", "refused (HTTP 401), not retryable", "no answer, retryable". */
export function outcomeText(result: Pick<DeliveryResult, 'ok' | 'retryable'> & { status?: number | null }): string {
  const answered = result.status !== undefined && result.status !== null;
  const status = answered ? t('notify.deliveries.status', { status: String(result.status) }) : t('notify.deliveries.noAnswer');
  if (result.ok) return t('notify.deliveries.sent', { status });
  const retry = result.retryable ? t('notify.deliveries.retryable') : t('notify.deliveries.notRetryable');
  return answered ? t('notify.deliveries.refused', { status, retry }) : t('notify.deliveries.notSent', { status, retry });
}

/**
 * A contact point's latest send attempts, tests and alerts alike, newest first, with the provider's own answer:
 * where an admin looks first when someone says they were not told.
 */
export function ContactPointDeliveries(props: { name: string; version: number }): JSX.Element {
  const deliveries = useResource((signal) => hubApi.contactPointDeliveries(props.name, SHOWN, signal), [props.name, props.version]);
  return (
    <div class="contact-point-deliveries" data-deliveries={props.name}>
      <h3 class="card-subtitle">{t('notify.deliveries.title', { name: props.name })}</h3>
      {deliveries.loading && <Loading what={t('notify.deliveries.loading')} />}
      {!deliveries.data && deliveries.error && <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} compact />}
      {deliveries.data &&
        (deliveries.data.length === 0 ? (
          <Empty title={t('notify.deliveries.empty')}>{t('notify.deliveries.emptyHint')}</Empty>
        ) : (
          <table class="table">
            <caption class="visually-hidden">{t('notify.deliveries.caption', { count: SHOWN })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notify.deliveries.when')}</th>
                <th scope="col">{t('notify.deliveries.what')}</th>
                <th scope="col">{t('notify.deliveries.outcome')}</th>
                <th scope="col">{t('notify.deliveries.answer')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} />
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}

function DeliveryRow(props: { delivery: ContactPointDelivery }): JSX.Element {
  const { delivery } = props;
  return (
    <tr data-delivery={delivery.id} data-ok={String(delivery.ok)}>
      <td>
        <Time value={delivery.at} />
      </td>
      <td data-cell="what">{delivery.alertId === null ? t('notify.deliveries.testMessage') : <Link href={`/alerts/${delivery.alertId}`}>{t('notify.deliveries.alert', { id: String(delivery.alertId) })}</Link>}</td>
      <td data-cell="outcome">
        <Pill tone={delivery.ok ? 'ok' : delivery.retryable ? 'warning' : 'critical'}>{outcomeText(delivery)}</Pill>
      </td>
      <td data-cell="answer">{delivery.providerAnswer === '' ? <span class="muted">{t('notify.deliveries.emptyAnswer')}</span> : <code>{delivery.providerAnswer}</code>}</td>
    </tr>
  );
}
