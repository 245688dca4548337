import { DELIVERY_OUTCOMES, type DeliveryOutcome } from '@hub/api-types';
import type { Store, Tx } from '@hub/store';
import type { AlertNotification } from '../lifecycle/alert.view';
import type { DeliveredAlert, DeliveryRecord, NotificationRoutingRepository } from './notification-routing.repository';

/** The kind label of a contact point that no longer exists. */
export const UNKNOWN_KIND = 'unknown';

/** Log rows written since the start, by outcome and contact point kind: hub_notification_deliveries_total. */
export class DeliveryCounts {
  private readonly counts = new Map<string, Map<DeliveryOutcome, number>>();

  add(outcome: DeliveryOutcome, kind: string | null): void {
    const label = kind ?? UNKNOWN_KIND;
    const byOutcome = this.counts.get(label) ?? new Map<DeliveryOutcome, number>(DELIVERY_OUTCOMES.map((each) => [each, 0]));
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.counts.set(label, byOutcome);
  }

  /** Every kind seen, each with all four outcomes (0 included), so a rate over any of them starts from a sample. */
  entries(): Array<{ kind: string; outcome: DeliveryOutcome; count: number }> {
    return [...this.counts].flatMap(([kind, byOutcome]) => [...byOutcome].map(([outcome, count]) => ({ kind, outcome, count })));
  }

  of(outcome: DeliveryOutcome, kind: string): number {
    return this.counts.get(kind)?.get(outcome) ?? 0;
  }
}

/**
 * The delivery log's one writer: the router logs `queued`, the sender each attempt. It stamps the contact point's
 * kind as it is now (the row outlives a deleted contact point) and counts the row for /metrics once the transaction
 * that wrote it (with the queueing, the retry or the removal it records) has committed, so the counts never include a
 * row that was rolled back. The rows waiting to be counted are kept per transaction (transactions may run side by
 * side now that they are awaited).
 */
export class DeliveryLog {
  readonly counts = new DeliveryCounts();
  private readonly uncommitted = new WeakMap<Tx, Array<{ outcome: DeliveryOutcome; kind: string | null }>>();

  constructor(
    private readonly store: Store,
    private readonly state: NotificationRoutingRepository,
    private readonly kindOf: (contactPoint: string) => string | undefined,
  ) {}

  /** Runs `work` in one transaction of the routing state (or joins `outer`); the rows it logs are counted when it commits. */
  transaction<T>(work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
    return this.store.tx((tx) => {
      if (!this.uncommitted.has(tx)) {
        const rows: Array<{ outcome: DeliveryOutcome; kind: string | null }> = [];
        this.uncommitted.set(tx, rows);
        tx.afterCommit(() => {
          this.uncommitted.delete(tx);
          for (const row of rows) this.counts.add(row.outcome, row.kind);
        });
      }
      return work(tx);
    }, outer);
  }

  /** Writes a row; only inside transaction(), with the transaction it gave. */
  async record(entry: Omit<DeliveryRecord, 'id' | 'kind'>, tx: Tx): Promise<void> {
    const rows = this.uncommitted.get(tx);
    if (rows === undefined) throw new Error('DeliveryLog.record outside DeliveryLog.transaction: its row would be counted before it is committed');
    const kind = this.kindOf(entry.contactPoint) ?? null;
    await this.state.recordDelivery({ ...entry, kind }, tx.exec);
    rows.push({ outcome: entry.outcome, kind });
  }
}

/** What a log row keeps of a message's alerts. */
export function deliveredAlerts(alerts: readonly AlertNotification[]): DeliveredAlert[] {
  return alerts.map((notification) => ({ alertId: notification.alert.id, eventId: notification.eventId, deviceId: notification.alert.deviceId, event: notification.event }));
}
