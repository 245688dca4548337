import type { Executor, HubDatabase, Store } from '@hub/store';
import type { Selectable } from 'kysely';
import { AlertRule, AlertRuleSpec } from '../rules/alert-rule';

type RuleRow = Selectable<HubDatabase['alert_rules']>;

/**
 * Alert rules in the store. The spec is stored as JSON in the domain model's own form (milliseconds, canonical
 * thresholds); it was validated on the way in.
 */
export class AlertRuleRepository {
  constructor(private readonly store: Store) {}

  async list(exec: Executor = this.store.db): Promise<AlertRule[]> {
    return (await exec.selectFrom('alert_rules').selectAll().orderBy('id').execute()).map(toRule);
  }

  async get(id: string, exec: Executor = this.store.db): Promise<AlertRule | undefined> {
    const row = await exec.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRule(row);
  }

  async insert(rule: AlertRule, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('alert_rules')
      .values({ id: rule.id, revision: rule.revision, spec: JSON.stringify(specOf(rule)), created_at: rule.createdAt, updated_at: rule.updatedAt, evaluated_through: null })
      .execute();
  }

  /** Stores a new revision; false when the stored revision is not `rule.revision - 1` (someone else changed it). */
  async update(rule: AlertRule, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec
      .updateTable('alert_rules')
      .set({ revision: rule.revision, spec: JSON.stringify(specOf(rule)), updated_at: rule.updatedAt })
      .where('id', '=', rule.id)
      .where('revision', '=', rule.revision - 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Wall clock of the rule's last completed evaluation, so the first one after a restart reaches back to it. */
  async evaluatedThrough(id: string, exec: Executor = this.store.db): Promise<number | null> {
    const row = await exec.selectFrom('alert_rules').select('evaluated_through').where('id', '=', id).executeTakeFirst();
    return row?.evaluated_through ?? null;
  }

  async setEvaluatedThrough(id: string, at: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('alert_rules').set({ evaluated_through: at }).where('id', '=', id).execute();
  }

  async setting(key: string, exec: Executor = this.store.db): Promise<string | undefined> {
    return (await exec.selectFrom('alert_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setSetting(key: string, value: string, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('alert_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute();
  }
}

function specOf(rule: AlertRule): AlertRuleSpec {
  const { name, description, enabled, severity, selector, evaluateEveryMs, condition, activeMonths, flapWindowMs, standard } = rule;
  return { name, description, enabled, severity, selector, evaluateEveryMs, condition, activeMonths, flapWindowMs, standard };
}

function toRule(row: RuleRow): AlertRule {
  // Rules stored before standards were cited have no `standard`.
  return { standard: null, ...(JSON.parse(row.spec) as Partial<AlertRuleSpec> & Omit<AlertRuleSpec, 'standard'>), id: row.id, revision: row.revision, createdAt: row.created_at, updatedAt: row.updated_at };
}
