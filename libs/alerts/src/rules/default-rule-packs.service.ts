import type { RulePackChange } from '@hub/api-types';
import type { HubLogger } from '@hub/common';
import type { CatalogueSource, StandardsProfile } from '@hub/contract';
import type { AuditLogRepository, Executor, Store, Tx } from '@hub/store';
import { alertRuleLock } from '../store/alert.repository';
import type { AlertRuleRepository } from '../store/alert-rule.repository';
import { DEFAULT_PACK_KEY, type AlertRulesService, type RuleActor } from './alert-rules.service';
import { parseAlertRuleInput } from './alert-rule.validator';
import { diffDefaultPacks, type PackRule } from './default-pack.diff';
import { DEFAULT_RULE_PACKS } from './default-rule-packs';
import { toAlertRuleDocument } from './alert-rule.document';

/**
 * Moving the county from one standards profile's default rules to another's: the diff (default-pack.diff.ts) and
 * its application through the rule service, so every change is validated, audited under the admin's name and
 * followed by its open alerts, all in one transaction.
 */
export class DefaultRulePacksService {
  constructor(
    private readonly store: Store,
    private readonly rules: AlertRulesService,
    private readonly repository: AlertRuleRepository,
    private readonly audit: AuditLogRepository,
    private readonly catalogue: CatalogueSource,
    private readonly logger: HubLogger,
  ) {}

  /** The pack's rules, validated against the catalogue in force (a retired metric still names its rule). */
  pack(profile: StandardsProfile): PackRule[] {
    const catalogue = this.catalogue.current();
    return DEFAULT_RULE_PACKS[profile].map((document) => {
      const selector = document.selector as { domain: string; metric: string };
      const input = parseAlertRuleInput(document, catalogue, selector);
      return { id: String(input.id), spec: input.spec };
    });
  }

  /** Nothing when no default pack was ever loaded (HUB_ALERT_DEFAULT_RULES=off): the county's rules are all its own. */
  async preview(from: StandardsProfile, to: StandardsProfile, exec: Executor = this.store.db): Promise<RulePackChange[]> {
    if ((await this.repository.setting(DEFAULT_PACK_KEY, exec)) === undefined) return [];
    const stored = new Map((await this.repository.list(exec)).map((rule) => [rule.id, rule]));
    const candidates = [...new Set([...stored.keys(), ...this.pack(from).map((rule) => rule.id), ...this.pack(to).map((rule) => rule.id)])];
    const editors = new Map(await Promise.all(candidates.map(async (ruleId) => [ruleId, await this.lastEditor(ruleId, exec)] as const)));
    return diffDefaultPacks(stored, this.pack(from), this.pack(to), (ruleId) => editors.get(ruleId) ?? null);
  }

  /** Applies the diff as it stands now (not as some earlier preview saw it) and answers it. */
  async apply(from: StandardsProfile, to: StandardsProfile, by: RuleActor, outer?: Tx): Promise<RulePackChange[]> {
    const next = new Map(this.pack(to).map((rule) => [rule.id, rule]));
    return this.store.tx(async (tx) => {
      // Every rule lock this change may need, in one order, before any history is written: an evaluation holds one
      // rule's lock while it waits for the history lock, so taking a rule's lock after writing history could deadlock.
      await tx.lock('alert-rule-ids');
      const involved = [...new Set([...(await this.repository.list(tx.exec)).map((rule) => rule.id), ...next.keys()])].sort();
      for (const ruleId of involved) await tx.lock(alertRuleLock(ruleId));
      const changes = await this.preview(from, to, tx.exec);
      for (const change of changes) {
        const rule = next.get(change.ruleId);
        if (change.change === 'added' && rule !== undefined) {
          await this.rules.create(toAlertRuleDocument({ ...rule.spec, id: rule.id, revision: 1, createdAt: 0, updatedAt: 0 }), by, tx);
        } else if (change.change === 'changed' && rule !== undefined) {
          const current = await this.rules.get(change.ruleId, tx);
          await this.rules.replace(change.ruleId, { ...toAlertRuleDocument({ ...rule.spec, id: rule.id, revision: current.revision, createdAt: 0, updatedAt: 0 }) }, by, tx);
        } else if (change.change === 'removed') {
          await this.rules.delete(change.ruleId, by, tx);
        }
      }
      const count = (kind: RulePackChange['change']): number => changes.filter((change) => change.change === kind).length;
      const summary = { from, to, added: count('added'), changed: count('changed'), removed: count('removed'), kept: count('kept') };
      await this.audit.record({ actor: by.name, action: 'rule.default-pack.switch', targetType: 'rule', targetId: null, detail: summary }, tx.exec);
      this.logger.log({ msg: 'Default rule pack switched', ...summary, by: by.name });
      return changes;
    }, outer);
  }

  /** The newest audited change or deletion of the rule names who edited it. */
  private async lastEditor(ruleId: string, exec: Executor): Promise<string | null> {
    return (await this.audit.list({ targetType: 'rule', targetId: ruleId, limit: 1 }, exec))[0]?.actor ?? null;
  }
}
