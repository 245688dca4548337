import type { RulePackChange } from '@hub/api-types';
import type { HubLogger } from '@hub/common';
import type { CatalogueSource, StandardsProfile } from '@hub/contract';
import type { AuditLogRepository } from '@hub/store';
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
  preview(from: StandardsProfile, to: StandardsProfile): RulePackChange[] {
    if (this.repository.setting(DEFAULT_PACK_KEY) === undefined) return [];
    const stored = new Map(this.repository.list().map((rule) => [rule.id, rule]));
    return diffDefaultPacks(stored, this.pack(from), this.pack(to), (ruleId) => this.lastEditor(ruleId));
  }

  /** Applies the diff as it stands now (not as some earlier preview saw it) and answers it. */
  apply(from: StandardsProfile, to: StandardsProfile, by: RuleActor): RulePackChange[] {
    const next = new Map(this.pack(to).map((rule) => [rule.id, rule]));
    return this.repository.transaction(() => {
      const changes = this.preview(from, to);
      for (const change of changes) {
        const rule = next.get(change.ruleId);
        if (change.change === 'added' && rule !== undefined) {
          this.rules.create(toAlertRuleDocument({ ...rule.spec, id: rule.id, revision: 1, createdAt: 0, updatedAt: 0 }), by);
        } else if (change.change === 'changed' && rule !== undefined) {
          const current = this.rules.get(change.ruleId);
          this.rules.replace(change.ruleId, { ...toAlertRuleDocument({ ...rule.spec, id: rule.id, revision: current.revision, createdAt: 0, updatedAt: 0 }) }, by);
        } else if (change.change === 'removed') {
          this.rules.delete(change.ruleId, by);
        }
      }
      const count = (kind: RulePackChange['change']): number => changes.filter((change) => change.change === kind).length;
      const summary = { from, to, added: count('added'), changed: count('changed'), removed: count('removed'), kept: count('kept') };
      this.audit.record({ actor: by.name, action: 'rule.default-pack.switch', targetType: 'rule', targetId: null, detail: summary });
      this.logger.log({ msg: 'Default rule pack switched', ...summary, by: by.name });
      return changes;
    });
  }

  /** The newest audited change or deletion of the rule names who edited it. */
  private lastEditor(ruleId: string): string | null {
    return this.audit.list({ targetType: 'rule', targetId: ruleId, limit: 1 })[0]?.actor ?? null;
  }
}
