import { createHash } from 'node:crypto';
import type { AlertNotification } from '../lifecycle/alert.view';
import { NotificationChannel, NotificationDeliveryError } from './notification-channel';

/**
 * POSTs each notification as JSON to one URL. 2xx is delivered; a timeout, a socket error, 408, 429 or 5xx is
 * retried; any other answer is a permanent refusal (resending the same body cannot change it). The event id is also
 * sent as `X-Hub-Event-Id`, so a receiver can drop the duplicate that at-least-once delivery can produce.
 */
export class WebhookChannel implements NotificationChannel {
  readonly key: string;
  readonly label: string;

  constructor(
    private readonly url: string,
    index: number,
    private readonly timeoutMs: number,
  ) {
    // Keyed by a hash of the URL: the cursor survives a restart but not a change of URL (a new receiver starts fresh).
    this.key = `webhook:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
    this.label = `webhook-${index + 1}`;
  }

  /** Where it goes, without credentials or query string, for logs. */
  get target(): string {
    const parsed = new URL(this.url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  }

  async deliver(notification: AlertNotification): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'county-sensing-hub', 'x-hub-event-id': String(notification.eventId) },
        body: JSON.stringify(notification),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new NotificationDeliveryError(`POST ${this.target} failed: ${describeFetchError(error)}`, true, { cause: error });
    }
    // Drain the body so the connection can be reused.
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new NotificationDeliveryError(`POST ${this.target} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable);
  }
}

function describeFetchError(error: unknown): string {
  if (!hasMessage(error)) return String(error);
  return hasMessage(error.cause) ? `${error.message} (${error.cause.message})` : error.message;
}

/**
 * By shape, not `instanceof Error`: the timeout's DOMException comes from undici's realm, which under jest is not the
 * test's, and the message read should not depend on where it runs.
 */
function hasMessage(value: unknown): value is { message: string; cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
