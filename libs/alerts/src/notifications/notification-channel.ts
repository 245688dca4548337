import type { AlertNotification } from '../lifecycle/alert.view';

/** One place notifications go: the MQTT broker, one webhook. */
export interface NotificationChannel {
  /** Stable key of the channel's cursor in the outbox (a webhook's is derived from its URL). */
  readonly key: string;
  /** For logs and metrics: never a URL, which may carry a token. */
  readonly label: string;
  /** Resolves when the receiver took it; rejects with NotificationDeliveryError. */
  deliver(notification: AlertNotification): Promise<void>;
}

export class NotificationDeliveryError extends Error {
  constructor(
    message: string,
    /** False when sending it again cannot help (a 4xx other than 408/429). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotificationDeliveryError';
  }
}
