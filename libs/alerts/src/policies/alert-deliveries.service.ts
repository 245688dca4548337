import type { AlertDeliveryView } from '@hub/api-types';
import type { AlertActor, AlertWorkflowService } from '../lifecycle/alert-workflow.service';
import type { DeliveryRecord, NotificationRoutingRepository } from './notification-routing.repository';

/**
 * One alert's notifications: every delivery log row that concerns it (queued, each attempt, given up), oldest first.
 * Whoever may read the alert may read these, and nobody else: the alert is looked up through the workflow, so an id
 * outside the caller's scope answers exactly as GET /api/alerts/:id does.
 */
export class AlertDeliveriesService {
  constructor(
    private readonly alerts: Pick<AlertWorkflowService, 'get'>,
    private readonly log: Pick<NotificationRoutingRepository, 'deliveriesOfAlert'>,
  ) {}

  async of(alertId: number, actor: AlertActor): Promise<AlertDeliveryView[]> {
    await this.alerts.get(alertId, actor);
    return (await this.log.deliveriesOfAlert(alertId)).map(toAlertDeliveryView);
  }
}

export function toAlertDeliveryView(entry: DeliveryRecord): AlertDeliveryView {
  return {
    at: new Date(entry.at).toISOString(),
    messageId: entry.messageId,
    route: entry.route,
    contactPoint: entry.contactPoint,
    kind: entry.kind,
    level: entry.level,
    reason: entry.reason,
    outcome: entry.outcome,
    attempt: entry.attempt,
    providerAnswer: entry.providerAnswer,
    alertCount: entry.alerts.length,
  };
}
