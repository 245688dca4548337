import { Injectable, Logger } from '@nestjs/common';
import type { AlertNotification, ContactPointAnswer, ContactPointPort, SendReason } from '@hub/alerts';
import { ContactPointSender } from '@hub/notify';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import { ContactPointRepository } from './contact-point.repository';

/**
 * The notification policies' way out: one message (a group's alert changes) to a stored contact point through its
 * kind's sender, each attempt written to the contact point's delivery log once per alert it carried. A contact point
 * deleted since the tree named it answers "not retryable", so the engine records it and moves on.
 */
@Injectable()
export class ContactPointsNotifier implements ContactPointPort {
  private readonly logger = new Logger(ContactPointsNotifier.name);

  constructor(
    private readonly repository: ContactPointRepository,
    private readonly deliveries: ContactPointDeliveryRepository,
    private readonly sender: ContactPointSender,
  ) {}

  exists(name: string): boolean {
    return this.repository.find(name) !== undefined;
  }

  kindOf(name: string): string | undefined {
    return this.repository.find(name)?.point.kind;
  }

  async send(contactPoint: string, alerts: readonly AlertNotification[], context: { route: string; level: number; reason: SendReason }): Promise<ContactPointAnswer> {
    const stored = this.repository.find(contactPoint);
    if (stored === undefined) return { ok: false, retryable: false, providerAnswer: `no contact point ${JSON.stringify(contactPoint)} (deleted since the policy named it?)` };
    const result = await this.sender.sendGroup(stored.point, alerts);
    const at = Date.now();
    for (const notification of alerts) this.deliveries.record(contactPoint, notification.alert.id, at, result);
    // Name and kind only: a contact point's settings carry its secrets.
    this.logger.log({ msg: 'Alert notification sent to a contact point', contactPoint, kind: stored.point.kind, ...context, alerts: alerts.length, ok: result.ok, retryable: result.retryable });
    return { ok: result.ok, retryable: result.retryable, providerAnswer: result.providerAnswer };
  }
}
