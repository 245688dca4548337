import type { AccessScope } from '@hub/access';
import type { Domain } from '@hub/contract';
import type { Executor, HubDatabase, Store } from '@hub/store';
import { type Selectable, sql } from 'kysely';
import { AlertSilence, NewAlertSilence } from '../silences/alert-silence';
import { scopeCondition } from './scope-filter';

type SilenceRow = Selectable<HubDatabase['alert_silences']>;

/** Silences (maintenance windows) in the store. Expired ones are kept: they explain history. */
export class AlertSilenceRepository {
  constructor(private readonly store: Store) {}

  /**
   * Newest first; `activeAt` keeps only those in force then, `endingAfter` those not over by then, `within` those
   * naming a town and domain of the scope (when it has towns or domains).
   */
  async list(filter: { activeAt?: number; endingAfter?: number; within?: AccessScope; limit: number }, exec: Executor = this.store.db): Promise<AlertSilence[]> {
    let query = exec.selectFrom('alert_silences').selectAll();
    if (filter.activeAt !== undefined) query = query.where('starts_at', '<=', filter.activeAt).where('ends_at', '>', filter.activeAt);
    if (filter.endingAfter !== undefined) query = query.where('ends_at', '>', filter.endingAfter);
    const scope = filter.within === undefined ? undefined : scopeCondition(filter.within, sql<string | null>`town`, 'domain');
    if (scope !== undefined) query = query.where(scope);
    return (await query.orderBy('id', 'desc').limit(filter.limit).execute()).map(toSilence);
  }

  /** Silences that were in force at some point of [from, to]: what an evaluation of that window must honour. */
  async overlapping(from: number, to: number, exec: Executor = this.store.db): Promise<AlertSilence[]> {
    return (await exec.selectFrom('alert_silences').selectAll().where('ends_at', '>', from).where('starts_at', '<=', to).orderBy('id').execute()).map(toSilence);
  }

  async get(id: number, exec: Executor = this.store.db): Promise<AlertSilence | undefined> {
    const row = await exec.selectFrom('alert_silences').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toSilence(row);
  }

  async insert(silence: NewAlertSilence, exec: Executor = this.store.db): Promise<AlertSilence> {
    const { id } = await exec
      .insertInto('alert_silences')
      .values({
        domain: silence.domain,
        town: silence.town,
        device_id: silence.deviceId,
        rule_id: silence.ruleId,
        starts_at: silence.startsAt,
        ends_at: silence.endsAt,
        reason: silence.reason,
        created_by: silence.createdBy,
        created_at: silence.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...silence, id };
  }

  async update(id: number, change: { endsAt?: number; reason?: string }, exec: Executor = this.store.db): Promise<void> {
    if (change.endsAt === undefined && change.reason === undefined) return;
    await exec
      .updateTable('alert_silences')
      .set({ ...(change.endsAt === undefined ? {} : { ends_at: change.endsAt }), ...(change.reason === undefined ? {} : { reason: change.reason }) })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('alert_silences').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function toSilence(row: SilenceRow): AlertSilence {
  return {
    id: row.id,
    domain: row.domain as Domain | null,
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
