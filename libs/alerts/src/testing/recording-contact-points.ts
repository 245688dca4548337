import type { AlertNotification } from '../lifecycle/alert.view';
import type { ContactPointAnswer, ContactPointPort, SendReason } from '../policies/notification-policy';

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

  constructor(private readonly names: readonly string[]) {}

  exists(name: string): boolean {
    return this.names.includes(name);
  }

  /** Every recorded contact point is a webhook. */
  kindOf(name: string): string | undefined {
    return this.exists(name) ? 'webhook' : undefined;
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
