import { type AccessScope, scopeSql } from '@hub/access';
import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import { AlertSilence, NewAlertSilence } from '../silences/alert-silence';

interface SilenceRow {
  id: number;
  domain: Domain | null;
  town: string | null;
  device_id: string | null;
  rule_id: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

/** Silences (maintenance windows) in the embedded database. Expired ones are kept: they explain history. */
export class AlertSilenceRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Newest first; `activeAt` keeps only those in force then, `endingAfter` those not over by then, `within` those
   * naming a town and domain of the scope (when it has towns or domains).
   */
  list(filter: { activeAt?: number; endingAfter?: number; within?: AccessScope; limit: number }): AlertSilence[] {
    const clauses: string[] = [];
    const params: Record<string, number | string> = { limit: filter.limit };
    if (filter.activeAt !== undefined) {
      clauses.push('starts_at <= @activeAt AND ends_at > @activeAt');
      params.activeAt = filter.activeAt;
    }
    if (filter.endingAfter !== undefined) {
      clauses.push('ends_at > @endingAfter');
      params.endingAfter = filter.endingAfter;
    }
    if (filter.within !== undefined) {
      const scope = scopeSql(filter.within, 'town', 'domain');
      clauses.push(...scope.clauses);
      Object.assign(params, scope.params);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return (this.db.prepare(`SELECT * FROM alert_silences ${where} ORDER BY id DESC LIMIT @limit`).all(params) as SilenceRow[]).map(toSilence);
  }

  /** Silences that were in force at some point of [from, to]: what an evaluation of that window must honour. */
  overlapping(from: number, to: number): AlertSilence[] {
    return (this.db.prepare('SELECT * FROM alert_silences WHERE ends_at > ? AND starts_at <= ?').all(from, to) as SilenceRow[]).map(toSilence);
  }

  get(id: number): AlertSilence | undefined {
    const row = this.db.prepare('SELECT * FROM alert_silences WHERE id = ?').get(id) as SilenceRow | undefined;
    return row === undefined ? undefined : toSilence(row);
  }

  insert(silence: NewAlertSilence): AlertSilence {
    const result = this.db
      .prepare(
        `INSERT INTO alert_silences (domain, town, device_id, rule_id, starts_at, ends_at, reason, created_by, created_at)
         VALUES (@domain, @town, @deviceId, @ruleId, @startsAt, @endsAt, @reason, @createdBy, @createdAt)`,
      )
      .run(silence);
    return { ...silence, id: Number(result.lastInsertRowid) };
  }

  update(id: number, change: { endsAt?: number; reason?: string }): void {
    this.db
      .prepare('UPDATE alert_silences SET ends_at = COALESCE(@endsAt, ends_at), reason = COALESCE(@reason, reason) WHERE id = @id')
      .run({ id, endsAt: change.endsAt ?? null, reason: change.reason ?? null });
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM alert_silences WHERE id = ?').run(id).changes === 1;
  }
}

function toSilence(row: SilenceRow): AlertSilence {
  return {
    id: row.id,
    domain: row.domain,
    town: row.town,
    deviceId: row.device_id,
    ruleId: row.rule_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
