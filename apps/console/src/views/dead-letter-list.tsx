import type { JSX } from 'preact';
import { useCatalogue } from '../api/catalogue';
import type { DeadLetter } from '@hub/api-types';
import { Time } from '../components/time';
import { describeReason } from '../format/reject-reason';
import { formatCount } from '../format/values';
import { t } from '../i18n/i18n';
import { Link } from '../router';

/** Refused messages, newest first; each opens to the raw payload, which is what a field engineer compares with the meter's configuration. */
export function DeadLetterList(props: { items: readonly DeadLetter[]; showDevice?: boolean }): JSX.Element {
  const { catalogue } = useCatalogue();
  const describe = (code: string): string | undefined => describeReason(code, catalogue?.rejectReasons.find((reason) => reason.code === code)?.description);
  return (
    <ul class={`dead-letters${props.showDevice === false ? ' dead-letters-one-device' : ''}`}>
      {props.items.map((letter) => (
        <li key={letter.id} class="dead-letter" data-reason={letter.reason}>
          <details>
            <summary>
              <span class="dead-letter-time">
                <Time value={letter.receivedAt} />
              </span>
              {props.showDevice !== false && (
                <span class="dead-letter-device">{letter.deviceId ?? <span class="muted">{t('deadLetters.unknownDevice')}</span>}</span>
              )}
              <code class="reason" title={describe(letter.reason)}>
                {letter.reason}
              </code>
              <span class="dead-letter-detail">{letter.detail}</span>
            </summary>
            <div class="dead-letter-body">
              <dl class="facts facts-inline">
                <dt>{t('deadLetters.why')}</dt>
                <dd>{describe(letter.reason) ?? letter.reason}</dd>
                <dt>{t('deadLetters.received')}</dt>
                <dd>
                  <Time value={letter.receivedAt} mode="full" />
                </dd>
                <dt>{t('deadLetters.topic')}</dt>
                <dd>
                  <code>{letter.topic}</code>
                </dd>
                <dt>{t('deadLetters.mqttClient')}</dt>
                <dd>
                  <code>{letter.clientId ?? '—'}</code>
                </dd>
                {letter.batchIndex !== null && (
                  <>
                    <dt>{t('deadLetters.batchIndex')}</dt>
                    <dd>{letter.batchIndex}</dd>
                  </>
                )}
                {letter.deviceId && (
                  <>
                    <dt>{t('deadLetters.device')}</dt>
                    <dd>
                      <Link href={`/devices/${encodeURIComponent(letter.deviceId)}`}>{letter.deviceId}</Link>
                    </dd>
                  </>
                )}
              </dl>
              <p class="payload-label">
                {t('deadLetters.payload', {
                  bytes: formatCount(letter.payloadBytes),
                  encoding: letter.payloadEncoding === 'base64' ? 'base64' : 'text',
                  truncated: letter.payloadTruncated ? 'yes' : 'no',
                })}
              </p>
              <pre class="payload">{prettyPayload(letter.payload)}</pre>
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}

function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}
