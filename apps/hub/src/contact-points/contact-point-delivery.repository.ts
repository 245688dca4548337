import type { DeliveryResult } from '@hub/notify';
import type { ContactPointDeliveriesTable, Executor, Store } from '@hub/store';
import type { Selectable } from 'kysely';

/** One send attempt as GET /api/contact-points/{name}/deliveries shows it. */
export interface ContactPointDelivery {
  id: number;
  contactPoint: string;
  /** Null for a test message. */
  alertId: number | null;
  at: string;
  ok: boolean;
  status: number | null;
  providerAnswer: string;
  retryable: boolean;
}

/** The `contact_point_deliveries` table: every send attempt, kept per contact point up to a cap. */
export class ContactPointDeliveryRepository {
  constructor(
    private readonly store: Store,
    /** Rows kept per contact point; older ones are removed as new ones arrive. */
    private readonly keepPerPoint = 1000,
  ) {}

  /** Two statements (the row, then the trim of the oldest beyond the cap): pass a transaction's executor to make them one change. */
  async record(contactPoint: string, alertId: number | null, at: number, result: DeliveryResult, exec: Executor = this.store.db): Promise<ContactPointDelivery> {
    const { id } = await exec
      .insertInto('contact_point_deliveries')
      .values({
        contact_point: contactPoint,
        alert_id: alertId,
        at,
        ok: result.ok ? 1 : 0,
        status: result.status ?? null,
        provider_answer: result.providerAnswer,
        retryable: result.retryable ? 1 : 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The id of the newest row beyond the cap, if there is one; it and every older row of the point go.
    const oldestBeyond = exec.selectFrom('contact_point_deliveries').select('id').where('contact_point', '=', contactPoint).orderBy('id', 'desc').limit(1).offset(this.keepPerPoint);
    await exec.deleteFrom('contact_point_deliveries').where('contact_point', '=', contactPoint).where('id', '<=', oldestBeyond).execute();
    return { id, contactPoint, alertId, at: new Date(at).toISOString(), ok: result.ok, status: result.status ?? null, providerAnswer: result.providerAnswer, retryable: result.retryable };
  }

  /** Newest first. */
  async list(contactPoint: string, limit: number, exec: Executor = this.store.db): Promise<ContactPointDelivery[]> {
    const rows = await exec.selectFrom('contact_point_deliveries').selectAll().where('contact_point', '=', contactPoint).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  async removeAll(contactPoint: string, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('contact_point_deliveries').where('contact_point', '=', contactPoint).execute();
  }
}

function fromRow(row: Selectable<ContactPointDeliveriesTable>): ContactPointDelivery {
  return {
    id: row.id,
    contactPoint: row.contact_point,
    alertId: row.alert_id,
    at: new Date(row.at).toISOString(),
    ok: row.ok === 1,
    status: row.status,
    providerAnswer: row.provider_answer,
    retryable: row.retryable === 1,
  };
}
