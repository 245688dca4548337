import type { AlertNotification } from '../lifecycle/alert.view';
import type { ContactPointAnswer, ContactPointPort, PersonalRecipient, SendReason } from '../policies/notification-policy';

export interface RecordedMessage {
  readonly contactPoint: string;
  readonly route: string;
  readonly level: number;
  readonly reason: SendReason;
  readonly deviceIds: string[];
  readonly events: string[];
}

/**
 * A ContactPointPort that keeps what it was asked to send. Named contact points exist; `answers` scripts the next
 * answers of one contact point (then ok), to play a dead or refusing one.
 */
export class RecordingContactPoints implements ContactPointPort {
  readonly sent: RecordedMessage[] = [];
  readonly answers = new Map<string, ContactPointAnswer[]>();

  /** Operators' subscriptions by route name. */
  readonly subscriptions = new Map<string, PersonalRecipient[]>();

  /** kinds: those not named are webhooks. */
  constructor(
    private readonly names: readonly string[],
    private readonly kinds: Readonly<Record<string, string>> = {},
  ) {}

  personalRecipients(routeNames: readonly string[]): readonly PersonalRecipient[] {
    const found = new Map<string, PersonalRecipient>();
    for (const name of routeNames) for (const recipient of this.subscriptions.get(name) ?? []) found.set(recipient.destination, recipient);
    return [...found.values()];
  }

  kindOf(name: string): string | undefined {
    return this.names.includes(name) ? (this.kinds[name] ?? 'webhook') : undefined;
  }

  send(contactPoint: string, alerts: readonly AlertNotification[], context: { route: string; level: number; reason: SendReason }): Promise<ContactPointAnswer> {
    this.sent.push({
      contactPoint,
      ...context,
      deviceIds: alerts.map((notification) => notification.alert.deviceId),
      events: alerts.map((notification) => notification.event),
    });
    return Promise.resolve(this.answers.get(contactPoint)?.shift() ?? { ok: true, retryable: false, providerAnswer: 'recorded' });
  }
}
