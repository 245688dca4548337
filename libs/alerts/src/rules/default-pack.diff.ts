import type { AlertRuleDocument, RulePackChange } from '@hub/api-types';
import type { AlertRule, AlertRuleSpec } from './alert-rule';
import { toAlertRuleDocument } from './alert-rule.document';

/** One rule of a pack, validated: its id and spec. */
export interface PackRule {
  readonly id: string;
  readonly spec: AlertRuleSpec;
}

/** Who last changed or deleted a rule (from the audit log); null when nobody is on record. */
export type LastEditor = (ruleId: string) => string | null;

/** Fields the pack does not decide: the hub keeps them per stored rule. */
const BOOKKEEPING = new Set(['id', 'revision', 'createdAt', 'updatedAt']);

/**
 * What replacing the `from` pack by the `to` pack does to the stored rules. A rule counts as the pack's while it is
 * exactly what the `from` pack says (every field but id, revision and timestamps); anything else — an edited
 * threshold, a disabled rule, a rule deleted by an operator, or an operator's own rule under a pack's id — is kept
 * and said so, never overwritten. Pure: the caller applies it.
 *
 * A pack rule edited and edited back counts as the pack's, and one loaded by an older version of the pack that has
 * since changed counts as edited: both err on the side of leaving an operator's rules alone.
 */
export function diffDefaultPacks(stored: ReadonlyMap<string, AlertRule>, from: readonly PackRule[], to: readonly PackRule[], lastEditor: LastEditor): RulePackChange[] {
  const before = new Map(from.map((rule) => [rule.id, rule.spec]));
  const after = new Map(to.map((rule) => [rule.id, rule.spec]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: RulePackChange[] = [];
  for (const ruleId of ids) {
    const was = before.get(ruleId);
    const next = after.get(ruleId);
    const current = stored.get(ruleId);
    if (current === undefined) {
      if (was === undefined && next !== undefined) changes.push({ ruleId, change: 'added', rule: withoutBookkeeping(documentOf(ruleId, next)) });
      else if (was !== undefined && next !== undefined) changes.push(kept(ruleId, 'deleted', lastEditor(ruleId)));
      // Deleted by an operator and in neither pack any more: nothing to say.
      continue;
    }
    const untouched = was !== undefined && fieldChanges(current, was) === undefined;
    if (!untouched) {
      if (next !== undefined && fieldChanges(current, next) === undefined) changes.push({ ruleId, change: 'unchanged' });
      else changes.push(kept(ruleId, was === undefined ? 'not-from-pack' : 'edited', lastEditor(ruleId)));
      continue;
    }
    if (next === undefined) {
      changes.push({ ruleId, change: 'removed' });
      continue;
    }
    const fields = fieldChanges(current, next);
    changes.push(fields === undefined ? { ruleId, change: 'unchanged' } : { ruleId, change: 'changed', fields });
  }
  return changes;
}

function kept(ruleId: string, because: 'edited' | 'deleted' | 'not-from-pack', by: string | null): RulePackChange {
  const who = by === null ? '' : ` by ${by}`;
  const notes = { edited: `kept, edited${who}`, deleted: by === null ? 'kept deleted' : `kept deleted, deleted${who}`, 'not-from-pack': `kept, an operator's rule${who} with this id` };
  const note = notes[because];
  return { ruleId, change: 'kept', kept: { because, by, note } };
}

/** The top-level document fields that differ, from → to; undefined when none do. */
function fieldChanges(current: AlertRuleSpec, next: AlertRuleSpec): Record<string, { from: unknown; to: unknown }> | undefined {
  const was = documentOf('x', current) as unknown as Record<string, unknown>;
  const now = documentOf('x', next) as unknown as Record<string, unknown>;
  const fields: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(now)) {
    if (BOOKKEEPING.has(key)) continue;
    if (JSON.stringify(was[key]) !== JSON.stringify(now[key])) fields[key] = { from: was[key], to: now[key] };
  }
  return Object.keys(fields).length === 0 ? undefined : fields;
}

function withoutBookkeeping(document: AlertRuleDocument): Omit<AlertRuleDocument, 'revision' | 'createdAt' | 'updatedAt'> {
  const { revision: _revision, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = document;
  return rest;
}

function documentOf(id: string, spec: AlertRuleSpec): AlertRuleDocument {
  return toAlertRuleDocument({ ...spec, id, revision: 1, createdAt: 0, updatedAt: 0 });
}
