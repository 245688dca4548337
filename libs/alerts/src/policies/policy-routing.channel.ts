import type { AlertNotification } from '../lifecycle/alert.view';
import type { NotificationChannel } from '../notifications/notification-channel';
import type { NotificationRouter } from './notification-router';

/**
 * The notification policies as one more outbox channel: the dispatcher hands it every alert change in order, at
 * least once, also after restarts, and it only records them for the router — never waiting on a contact point.
 */
export class PolicyRoutingChannel implements NotificationChannel {
  readonly key = 'notification-policies';
  readonly label = 'notification-policies';

  constructor(
    private readonly router: NotificationRouter,
    private readonly clock: () => number,
    private readonly routed: () => void,
  ) {}

  async deliver(notification: AlertNotification): Promise<void> {
    await this.router.record(notification, this.clock());
    this.routed();
  }
}
