import type { SqliteDatabase } from '@hub/store';
import { AlertRule, AlertRuleSpec } from '../rules/alert-rule';

interface RuleRow {
  id: string;
  revision: number;
  spec: string;
  created_at: number;
  updated_at: number;
  evaluated_through: number | null;
}

/**
 * Alert rules in the embedded database. The spec is stored as JSON in the domain model's own form (milliseconds,
 * canonical thresholds); it was validated on the way in.
 */
export class AlertRuleRepository {
  constructor(private readonly db: SqliteDatabase) {}

  list(): AlertRule[] {
    return (this.db.prepare('SELECT * FROM alert_rules ORDER BY id').all() as RuleRow[]).map(toRule);
  }

  get(id: string): AlertRule | undefined {
    const row = this.db.prepare('SELECT * FROM alert_rules WHERE id = ?').get(id) as RuleRow | undefined;
    return row === undefined ? undefined : toRule(row);
  }

  insert(rule: AlertRule): void {
    this.db
      .prepare('INSERT INTO alert_rules (id, revision, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(rule.id, rule.revision, JSON.stringify(specOf(rule)), rule.createdAt, rule.updatedAt);
  }

  /** Stores a new revision; false when the stored revision is not `rule.revision - 1` (someone else changed it). */
  update(rule: AlertRule): boolean {
    return (
      this.db
        .prepare('UPDATE alert_rules SET revision = ?, spec = ?, updated_at = ? WHERE id = ? AND revision = ?')
        .run(rule.revision, JSON.stringify(specOf(rule)), rule.updatedAt, rule.id, rule.revision - 1).changes === 1
    );
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id).changes === 1;
  }

  /** Wall clock of the rule's last completed evaluation, so the first one after a restart reaches back to it. */
  evaluatedThrough(id: string): number | null {
    const row = this.db.prepare('SELECT evaluated_through FROM alert_rules WHERE id = ?').get(id) as { evaluated_through: number | null } | undefined;
    return row?.evaluated_through ?? null;
  }

  setEvaluatedThrough(id: string, at: number): void {
    this.db.prepare('UPDATE alert_rules SET evaluated_through = ? WHERE id = ?').run(at, id);
  }

  setting(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM alert_settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO alert_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
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
