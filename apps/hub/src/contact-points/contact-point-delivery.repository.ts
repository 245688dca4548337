import type { DeliveryResult } from '@hub/notify';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

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

interface DeliveryRow {
  id: number;
  contact_point: string;
  alert_id: number | null;
  at: number;
  ok: number;
  status: number | null;
  provider_answer: string;
  retryable: number;
}

/** The `contact_point_deliveries` table: every send attempt, kept per contact point up to a cap. */
export class ContactPointDeliveryRepository {
  private readonly insertRow: Statement;
  private readonly newest: Statement;
  private readonly trim: Statement;
  private readonly deleteAll: Statement;

  constructor(
    db: SqliteDatabase,
    /** Rows kept per contact point; older ones are removed as new ones arrive. */
    private readonly keepPerPoint = 1000,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO contact_point_deliveries (contact_point, alert_id, at, ok, status, provider_answer, retryable)
       VALUES (@contactPoint, @alertId, @at, @ok, @status, @providerAnswer, @retryable)`,
    );
    this.newest = db.prepare('SELECT * FROM contact_point_deliveries WHERE contact_point = ? ORDER BY id DESC LIMIT ?');
    this.trim = db.prepare(
      `DELETE FROM contact_point_deliveries WHERE contact_point = @contactPoint AND id <= (
         SELECT id FROM contact_point_deliveries WHERE contact_point = @contactPoint ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    this.deleteAll = db.prepare('DELETE FROM contact_point_deliveries WHERE contact_point = ?');
  }

  record(contactPoint: string, alertId: number | null, at: number, result: DeliveryResult): ContactPointDelivery {
    const { lastInsertRowid } = this.insertRow.run({
      contactPoint,
      alertId,
      at,
      ok: result.ok ? 1 : 0,
      status: result.status ?? null,
      providerAnswer: result.providerAnswer,
      retryable: result.retryable ? 1 : 0,
    });
    this.trim.run({ contactPoint, keep: this.keepPerPoint });
    return { id: Number(lastInsertRowid), contactPoint, alertId, at: new Date(at).toISOString(), ok: result.ok, status: result.status ?? null, providerAnswer: result.providerAnswer, retryable: result.retryable };
  }

  /** Newest first. */
  list(contactPoint: string, limit: number): ContactPointDelivery[] {
    return (this.newest.all(contactPoint, limit) as DeliveryRow[]).map((row) => ({
      id: row.id,
      contactPoint: row.contact_point,
      alertId: row.alert_id,
      at: new Date(row.at).toISOString(),
      ok: row.ok === 1,
      status: row.status,
      providerAnswer: row.provider_answer,
      retryable: row.retryable === 1,
    }));
  }

  removeAll(contactPoint: string): void {
    this.deleteAll.run(contactPoint);
  }
}
