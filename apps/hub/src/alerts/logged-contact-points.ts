import { Injectable, Logger } from '@nestjs/common';
import type { AlertNotification, ContactPointAnswer, ContactPointPort, SendReason } from '@hub/alerts';

/**
 * Stands in for the contact points until they land (issue 16, built on another branch): every name exists, and a
 * message is logged and answered "ok"; the routing engine records each attempt in the delivery log
 * (GET /api/notification-policies/deliveries). Replaced by contact points at merge.
 */
@Injectable()
export class LoggedContactPoints implements ContactPointPort {
  private readonly logger = new Logger(LoggedContactPoints.name);

  exists(name: string): boolean {
    return name.trim() !== '';
  }

  send(contactPoint: string, alerts: readonly AlertNotification[], context: { route: string; level: number; reason: SendReason }): Promise<ContactPointAnswer> {
    this.logger.log({ msg: 'Notification for a contact point (not sent: contact points are not built yet)', contactPoint, ...context, alerts: alerts.map((notification) => notification.alert.id) });
    return Promise.resolve({ ok: true, retryable: false, providerAnswer: 'recorded; contact points are not built yet' });
  }
}
