import { formatDuration, type HubLogger } from '@hub/common';
import type { AlertNotification } from '../lifecycle/alert.view';
import { deliveredAlerts, type DeliveryLog } from './delivery-log';
import type { ContactPointAnswer, ContactPointPort } from './notification-policy';
import type { DeliveryOutcome, NotificationRoutingRepository, OutgoingMessage } from './notification-routing.repository';

export interface SenderOptions {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** A message still refused (retryable) this long after it was queued is given up. */
  readonly giveUpAfterMs: number;
}

/**
 * Sends the queued messages: each contact point its own in order, one at a time, while the others go on — so a dead
 * contact point (not ok, retryable) waits out its back-off without holding up anyone else, and evaluation never waits
 * for any of them. A message leaves the queue when sent, refused for good, or still refused `giveUpAfterMs` after it
 * was queued (so a contact point dead for a day does not hold its later messages for ever); every attempt is in the
 * delivery log. A crash between the send and its removal sends it again at the next start (at least once out).
 */
export class ContactPointSender {
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly port: ContactPointPort,
    private readonly state: NotificationRoutingRepository,
    private readonly log: DeliveryLog,
    private readonly options: SenderOptions,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts a send for every idle contact point whose next message is due. */
  sendDue(): void {
    const now = this.clock();
    for (const message of this.state.headsOfQueues()) {
      if (message.nextAttemptAt > now || this.busy.has(message.contactPoint)) continue;
      const sending = this.attempt(message).finally(() => this.busy.delete(message.contactPoint));
      this.busy.set(message.contactPoint, sending);
    }
  }

  /** Waits for the sends in flight (stop). */
  async idle(): Promise<void> {
    await Promise.all(this.busy.values());
  }

  private async attempt(message: OutgoingMessage): Promise<void> {
    const alerts = JSON.parse(message.alerts) as AlertNotification[];
    const attempt = message.attempts + 1;
    const context = { route: message.route, level: message.level, reason: message.reason };
    let answer: ContactPointAnswer;
    try {
      answer = await this.port.send(message.contactPoint, alerts, context);
    } catch (error) {
      // A bug or an outage in the sender itself: retried like a retryable refusal.
      this.logger.error({ msg: 'Contact point send threw', contactPoint: message.contactPoint, route: message.route, error });
      answer = { ok: false, retryable: true, providerAnswer: error instanceof Error ? error.message : String(error) };
    }
    const now = this.clock();
    const { outcome, providerAnswer } = this.judge(answer, message, attempt, now);
    this.log.transaction(() => {
      this.log.record({ at: now, messageId: message.id, route: message.route, contactPoint: message.contactPoint, level: message.level, reason: message.reason, outcome, attempt, alerts: deliveredAlerts(alerts), providerAnswer });
      if (outcome === 'failed') this.state.retryLater(message.id, attempt, now + this.backoff(attempt));
      else this.state.done(message.id);
    });
    if (outcome === 'failed') {
      this.logger.warn({ msg: 'Contact point refused a message, retrying', contactPoint: message.contactPoint, route: message.route, attempt, retryInMs: this.backoff(attempt), providerAnswer });
    } else if (outcome === 'given-up') {
      this.logger.error({ msg: 'Contact point message given up, not retried', contactPoint: message.contactPoint, route: message.route, attempt, providerAnswer });
    }
  }

  /** sent; failed (retried); or given-up: refused for good, or still refused after the bound (the answer says which). */
  private judge(answer: ContactPointAnswer, message: OutgoingMessage, attempt: number, now: number): { outcome: DeliveryOutcome; providerAnswer: string } {
    if (answer.ok) return { outcome: 'sent', providerAnswer: answer.providerAnswer };
    if (!answer.retryable) return { outcome: 'given-up', providerAnswer: answer.providerAnswer };
    if (now - message.createdAt < this.options.giveUpAfterMs) return { outcome: 'failed', providerAnswer: answer.providerAnswer };
    const attempts = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
    return { outcome: 'given-up', providerAnswer: `still failing after ${formatDuration(this.options.giveUpAfterMs)}, ${attempts}: ${answer.providerAnswer}` };
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** Math.min(attempt - 1, 30));
  }
}
