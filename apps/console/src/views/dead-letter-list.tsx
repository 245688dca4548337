import type { JSX } from 'preact';
import { useCatalogue } from '../api/catalogue';
import type { DeadLetter } from '@hub/api-types';
import { Time } from '../components/time';
import { Link } from '../router';

/** Refused messages, newest first; each opens to the raw payload, which is what a field engineer compares with the meter's configuration. */
export function DeadLetterList(props: { items: readonly DeadLetter[]; showDevice?: boolean }): JSX.Element {
  const { catalogue } = useCatalogue();
  const describe = (code: string): string | undefined => catalogue?.rejectReasons.find((reason) => reason.code === code)?.description;
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
                <span class="dead-letter-device">{letter.deviceId ?? <span class="muted">unknown device</span>}</span>
              )}
              <code class="reason" title={describe(letter.reason)}>
                {letter.reason}
              </code>
              <span class="dead-letter-detail">{letter.detail}</span>
            </summary>
            <div class="dead-letter-body">
              <dl class="facts facts-inline">
                <dt>Why</dt>
                <dd>{describe(letter.reason) ?? letter.reason}</dd>
                <dt>Received</dt>
                <dd>
                  <Time value={letter.receivedAt} mode="full" />
                </dd>
                <dt>Topic</dt>
                <dd>
                  <code>{letter.topic}</code>
                </dd>
                <dt>MQTT client</dt>
                <dd>
                  <code>{letter.clientId ?? '—'}</code>
                </dd>
                {letter.batchIndex !== null && (
                  <>
                    <dt>Position in batch</dt>
                    <dd>{letter.batchIndex}</dd>
                  </>
                )}
                {letter.deviceId && (
                  <>
                    <dt>Device</dt>
                    <dd>
                      <Link href={`/devices/${encodeURIComponent(letter.deviceId)}`}>{letter.deviceId}</Link>
                    </dd>
                  </>
                )}
              </dl>
              <p class="payload-label">
                Payload ({letter.payloadBytes.toLocaleString()} bytes{letter.payloadEncoding === 'base64' ? ', binary, shown as base64' : ''}{letter.payloadTruncated ? ', cut to what is kept' : ''})
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
