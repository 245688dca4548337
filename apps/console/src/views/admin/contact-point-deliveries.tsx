import type { JSX } from 'preact';
import type { ContactPointDelivery, DeliveryResult } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Pill } from '../../components/badges';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useResource } from '../../hooks/use-resource';
import { Link } from '../../router';

const SHOWN = 20;

/** How an attempt went, in words: "sent (HTTP 204)", "refused (HTTP 401), not retryable", "no answer, retryable". */
export function outcomeText(result: Pick<DeliveryResult, 'ok' | 'retryable'> & { status?: number | null }): string {
  const status = result.status === undefined || result.status === null ? 'no answer' : `status ${result.status}`;
  if (result.ok) return `sent (${status})`;
  return `${result.status === undefined || result.status === null ? 'not sent' : 'refused'} (${status}), ${result.retryable ? 'retryable: a later attempt may get through' : 'not retryable'}`;
}

/**
 * A contact point's latest send attempts, tests and alerts alike, newest first, with the provider's own answer:
 * where an admin looks first when someone says they were not told.
 */
export function ContactPointDeliveries(props: { name: string; version: number }): JSX.Element {
  const deliveries = useResource((signal) => hubApi.contactPointDeliveries(props.name, SHOWN, signal), [props.name, props.version]);
  return (
    <div class="contact-point-deliveries" data-deliveries={props.name}>
      <h3 class="card-subtitle">Recent deliveries of {props.name}</h3>
      {deliveries.loading && <Loading what="deliveries" />}
      {!deliveries.data && deliveries.error && <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} compact />}
      {deliveries.data &&
        (deliveries.data.length === 0 ? (
          <Empty title="Nothing sent yet">Send a test message to see how the receiver answers.</Empty>
        ) : (
          <table class="table">
            <caption class="visually-hidden">The latest {SHOWN} send attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">Provider’s answer</th>
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
      <td data-cell="what">{delivery.alertId === null ? 'test message' : <Link href={`/alerts/${delivery.alertId}`}>alert #{delivery.alertId}</Link>}</td>
      <td data-cell="outcome">
        <Pill tone={delivery.ok ? 'ok' : delivery.retryable ? 'warning' : 'critical'}>{outcomeText(delivery)}</Pill>
      </td>
      <td data-cell="answer">{delivery.providerAnswer === '' ? <span class="muted">(empty)</span> : <code>{delivery.providerAnswer}</code>}</td>
    </tr>
  );
}
