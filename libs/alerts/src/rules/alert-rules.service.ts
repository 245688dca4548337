import type { CatalogueSource, StandardsProfile } from '@hub/contract';
import { type AccessScope, type Principal, AccessDeniedError, describeScope, SYSTEM_ACTOR } from '@hub/access';
import { anyAreaCovers, areaPathOf, areasOverlap, type HubLogger, InvalidInputError, isJsonObject } from '@hub/common';
import { Alert, AlertEventDraft } from '../lifecycle/alert';
import { AlertConflictError, AlertNotFoundError, followRuleChange, resolveForRule } from '../lifecycle/alert-operator-actions';
import { notificationPayload } from '../notifications/alert-notification.payload';
import type { Store, Tx } from '@hub/store';
import type { AlertAudit } from '../alert-audit';
import { type AlertRepository, alertRuleLock } from '../store/alert.repository';
import type { AlertRuleRepository } from '../store/alert-rule.repository';
import { AlertRule, AlertRuleSpec, RULE_ID_PATTERN } from './alert-rule';
import { AlertRuleDocument, toAlertRuleDocument } from './alert-rule.document';
import { parseAlertRuleInput } from './alert-rule.validator';
import { DEFAULT_RULE_PACKS } from './default-rule-packs';

/** Set once the first start has loaded a default pack (absent: HUB_ALERT_DEFAULT_RULES=off, no pack to move). */
export const DEFAULT_PACK_KEY = 'default-rules-loaded';

/** Taken by whatever checks which rule ids are free (create, default pack) before taking one. */
const RULE_IDS_LOCK = 'alert-rule-ids';

/** Who changes a rule (an admin: the route decides the role; the scope is checked here). */
export type RuleActor = Pick<Principal, 'name' | 'scope'>;

/**
 * Rule CRUD with its consequences: every change is validated, stored with a new revision, and handed to the
 * scheduler (`rulesChanged`). Open alerts follow their rule: deleted or disabled → resolved; domain, metric or
 * condition type changed → resolved (they were about something else); devices dropped from the selector → theirs
 * resolved; renamed or re-graded → updated in place. Every change is audited. A scoped admin (e.g. the water
 * department's) changes only rules of their domains and, when they have towns, rules limited to those towns — before
 * and after the change, so a rule can neither be taken from nor pushed into someone else's part of the county.
 */
export class AlertRulesService {
  constructor(
    private readonly store: Store,
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertRepository,
    /** Called after each committed change: the scheduler (and the engine's copy of the rules) follow. */
    private readonly rulesChanged: () => Promise<void>,
    private readonly alertsChanged: () => void,
    private readonly audit: AlertAudit,
    /** Rules watch a metric the catalogue holds (checked against the catalogue in force at each change). */
    private readonly catalogue: CatalogueSource,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(): Promise<AlertRule[]> {
    return this.rules.list();
  }

  /** The rules that concern the principal's part of the county (see ruleConcerns). */
  async listFor(by: RuleActor): Promise<AlertRule[]> {
    return (await this.rules.list()).filter((rule) => ruleConcerns(by.scope, rule));
  }

  /** One rule, or 403 when it watches only another part of the county than the principal's. */
  async getFor(id: string, by: RuleActor): Promise<AlertRule> {
    const rule = await this.get(id);
    if (!ruleConcerns(by.scope, rule)) {
      const towns = rule.selector.towns.length === 0 ? '' : `, towns ${rule.selector.towns.join(', ')}`;
      throw new AccessDeniedError(`Rule ${rule.id} (${rule.selector.domain}${towns}) is outside the scope of ${by.name} (${describeScope(by.scope)})`);
    }
    return rule;
  }

  async get(id: string, tx?: Tx): Promise<AlertRule> {
    // An id no rule can have is a bad request, not an unknown rule (and is not echoed back whole in a 404).
    if (!RULE_ID_PATTERN.test(id)) {
      throw new InvalidInputError('alert rule id', [{ field: 'id', problem: 'must be lower-case letters, digits and -, starting with a letter or digit, at most 64' }]);
    }
    const rule = await this.rules.get(id, tx?.exec);
    if (rule === undefined) throw new AlertNotFoundError(`alert rule ${id}`);
    return rule;
  }

  async create(body: unknown, by: RuleActor, outer?: Tx): Promise<AlertRule> {
    const input = parseAlertRuleInput(body, this.catalogue.current());
    assertRuleInScope(by, input.spec, input.id ?? input.spec.name);
    const now = this.clock();
    const rule = await this.store.tx(async (tx) => {
      await tx.lock(RULE_IDS_LOCK);
      if (input.id !== undefined && (await this.rules.get(input.id, tx.exec)) !== undefined) throw new AlertConflictError(`Alert rule ${input.id} already exists`);
      const created: AlertRule = { ...input.spec, id: input.id ?? (await this.freeId(input.spec.name, tx)), revision: 1, createdAt: now, updatedAt: now };
      await this.rules.insert(created, tx.exec);
      await this.audit.record({ at: now, actor: by.name, action: 'rule.create', targetType: 'rule', targetId: created.id, detail: { document: toAlertRuleDocument(created) } }, tx.exec);
      return created;
    }, outer);
    this.logger.log({ msg: 'Alert rule created', ruleId: rule.id, name: rule.name, by: by.name });
    await this.changed(outer);
    return rule;
  }

  /** PUT: the whole rule. A `revision` in the body must be the stored one (someone else may have changed it). */
  async replace(id: string, body: unknown, by: RuleActor, outer?: Tx): Promise<AlertRule> {
    const input = parseAlertRuleInput(body, this.catalogue.current(), (await this.rules.get(id, outer?.exec))?.selector);
    if (input.id !== undefined && input.id !== id) throw new InvalidInputError('alert rule', [{ field: 'id', problem: `must be ${id} (the rule in the path) or left out` }]);
    return this.storeChange(await this.get(id, outer), input.spec, input.revision, by, outer);
  }

  /** PATCH: the given fields over the stored document (selector and condition merged one level deep). */
  async patch(id: string, body: unknown, by: RuleActor): Promise<AlertRule> {
    const current = await this.get(id);
    if (!isJsonObject(body)) throw new InvalidInputError('alert rule change', [{ field: '(body)', problem: 'must be a JSON object' }]);
    const document: Record<string, unknown> = { ...toAlertRuleDocument(current) };
    for (const [key, value] of Object.entries(body)) {
      const merged = (key === 'selector' || key === 'condition') && isJsonObject(value) && isJsonObject(document[key]);
      const sameType = key !== 'condition' || !isJsonObject(value) || value.type === undefined || value.type === current.condition.type;
      document[key] = merged && sameType ? { ...(document[key] as object), ...value } : value;
    }
    if (body.revision === undefined) delete document.revision;
    const input = parseAlertRuleInput(document, this.catalogue.current(), current.selector);
    if (input.id !== id) throw new InvalidInputError('alert rule', [{ field: 'id', problem: `cannot be changed (${id})` }]);
    return this.storeChange(current, input.spec, input.revision, by);
  }

  async delete(id: string, by: RuleActor, outer?: Tx): Promise<void> {
    const now = this.clock();
    await this.store.tx(async (tx) => {
      await tx.lock(alertRuleLock(id));
      const rule = await this.get(id, tx);
      assertRuleInScope(by, rule, id);
      await this.resolveAll(await this.alerts.openForRule(id, tx.exec), 'rule-deleted', `rule "${rule.name}" deleted`, now, tx);
      await this.rules.delete(id, tx.exec);
      await this.audit.record({ at: now, actor: by.name, action: 'rule.delete', targetType: 'rule', targetId: id, detail: { document: toAlertRuleDocument(rule) } }, tx.exec);
    }, outer);
    this.logger.log({ msg: 'Alert rule deleted', ruleId: id, by: by.name });
    await this.changed(outer);
  }

  /** Loads the profile's default pack on the very first start (and never again, even if its rules are later deleted). */
  async loadDefaultPack(profile: StandardsProfile = 'eu'): Promise<number> {
    const now = this.clock();
    const loaded = await this.store.tx(async (tx) => {
      await tx.lock(RULE_IDS_LOCK);
      if ((await this.rules.setting(DEFAULT_PACK_KEY, tx.exec)) !== undefined) return undefined;
      let count = 0;
      for (const document of DEFAULT_RULE_PACKS[profile]) {
        const input = parseAlertRuleInput(document, this.catalogue.current());
        if (input.id === undefined || (await this.rules.get(input.id, tx.exec)) !== undefined) continue;
        await this.rules.insert({ ...input.spec, id: input.id, revision: 1, createdAt: now, updatedAt: now }, tx.exec);
        count++;
      }
      await this.rules.setSetting(DEFAULT_PACK_KEY, new Date(now).toISOString(), tx.exec);
      await this.audit.record({ at: now, actor: SYSTEM_ACTOR, action: 'rule.default-pack.load', targetType: 'rule', targetId: null, detail: { rules: count, profile } }, tx.exec);
      return count;
    });
    if (loaded === undefined) return 0;
    this.logger.log({ msg: 'Default alert rules loaded', rules: loaded, profile });
    await this.rulesChanged();
    return loaded;
  }

  document(rule: AlertRule): AlertRuleDocument {
    return toAlertRuleDocument(rule);
  }

  /** Inside a caller's transaction the scheduler follows once it commits; otherwise now (it has). */
  private async changed(outer: Tx | undefined): Promise<void> {
    if (outer === undefined) await this.rulesChanged();
    else {
      outer.afterCommit(() => {
        // The caller's transaction has committed and returned: a failure to follow it is logged, the next change retries.
        this.rulesChanged().catch((error: unknown) => this.logger.error({ msg: 'The scheduler could not follow a rule change', error }));
      });
    }
  }

  private async storeChange(current: AlertRule, spec: AlertRuleSpec, basedOn: number | undefined, by: RuleActor, outer?: Tx): Promise<AlertRule> {
    assertRuleInScope(by, current, current.id);
    assertRuleInScope(by, spec, current.id);
    if (basedOn !== undefined && basedOn !== current.revision) {
      throw new AlertConflictError(`Alert rule ${current.id} is at revision ${current.revision}, not ${basedOn}: fetch it again and reapply the change`, { code: 'rule-changed-meanwhile' });
    }
    const now = this.clock();
    const next: AlertRule = { ...spec, id: current.id, revision: current.revision + 1, createdAt: current.createdAt, updatedAt: now };
    await this.store.tx(async (tx) => {
      await tx.lock(alertRuleLock(current.id));
      if (!(await this.rules.update(next, tx.exec))) throw new AlertConflictError(`Alert rule ${current.id} was changed meanwhile: fetch it again`, { code: 'rule-changed-meanwhile' });
      await this.followRule(current, next, now, tx);
      await this.audit.record({ at: now, actor: by.name, action: 'rule.update', targetType: 'rule', targetId: next.id, detail: ruleChanges(current, next) }, tx.exec);
    }, outer);
    this.logger.log({ msg: 'Alert rule changed', ruleId: next.id, revision: next.revision, by: by.name });
    await this.changed(outer);
    return next;
  }

  private async followRule(before: AlertRule, after: AlertRule, now: number, tx: Tx): Promise<void> {
    const open = await this.alerts.openForRule(after.id, tx.exec);
    if (open.length === 0) return;
    if (!after.enabled) return this.resolveAll(open, 'rule-disabled', `rule "${after.name}" disabled`, now, tx);
    const changedMeaning =
      before.selector.domain !== after.selector.domain || before.selector.metric !== after.selector.metric || before.condition.type !== after.condition.type;
    if (changedMeaning) return this.resolveAll(open, 'rule-changed', `rule "${after.name}" now watches something else`, now, tx);
    const { deviceIds, towns } = after.selector;
    const unselected = open.filter((alert) => (deviceIds.length > 0 && !deviceIds.includes(alert.deviceId)) || (towns.length > 0 && !anyAreaCovers(towns, areaPathOf(alert))));
    await this.resolveAll(unselected, 'rule-changed', `device no longer selected by rule "${after.name}"`, now, tx);
    const events = open.filter((alert) => !unselected.includes(alert)).map((alert) => followRuleChange(alert, after.name, after.severity, now));
    await this.save(open, events.filter((event): event is AlertEventDraft => event !== undefined), tx);
  }

  private async resolveAll(alerts: Alert[], resolution: 'rule-deleted' | 'rule-disabled' | 'rule-changed', note: string, now: number, tx: Tx): Promise<void> {
    await this.save(alerts, alerts.map((alert) => resolveForRule(alert, resolution, note, now)), tx);
  }

  private async save(alerts: Alert[], events: AlertEventDraft[], tx: Tx): Promise<void> {
    if (events.length === 0) return;
    await this.alerts.save(alerts.filter((alert) => events.some((event) => event.alert === alert)), events, notificationPayload, tx);
    tx.afterCommit(() => this.alertsChanged());
  }

  /** A readable id from the name: "Methane ≥ 20 %LEL" → methane-20-lel, with -2, -3 … when taken. */
  private async freeId(name: string, tx: Tx): Promise<string> {
    const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'rule';
    for (let suffix = 1; ; suffix++) {
      const id = suffix === 1 ? base : `${base}-${suffix}`;
      if (RULE_ID_PATTERN.test(id) && (await this.rules.get(id, tx.exec)) === undefined) return id;
    }
  }
}

/**
 * Whether a principal may read a rule: it watches one of their domains, and — when they are limited to towns — it
 * watches the whole domain (so their towns too) or at least one of their towns. Changing a rule asks more (it must
 * lie wholly inside their scope, assertRuleInScope); reading a county-wide rule that raises their own alerts does not.
 */
export function ruleConcerns(scope: AccessScope, rule: Pick<AlertRuleSpec, 'selector'>): boolean {
  const { domain, towns } = rule.selector;
  if (scope.domains.length > 0 && !(scope.domains as readonly string[]).includes(domain)) return false;
  return scope.towns.length === 0 || towns.length === 0 || towns.some((town) => scope.towns.some((own) => areasOverlap(town, own)));
}

function assertRuleInScope(by: RuleActor, rule: Pick<AlertRuleSpec, 'selector'>, ruleName: string): void {
  const { towns, domains } = by.scope;
  if (domains.length > 0 && !(domains as readonly string[]).includes(rule.selector.domain)) {
    throw new AccessDeniedError(`Rule ${ruleName} watches ${rule.selector.domain}, outside the domains of ${by.name} (${domains.join(', ')})`);
  }
  if (towns.length > 0 && (rule.selector.towns.length === 0 || !rule.selector.towns.every((town) => anyAreaCovers(towns, town)))) {
    throw new AccessDeniedError(`Rule ${ruleName} must be limited to towns of ${by.name} (${towns.join(', ')}) in selector.towns`);
  }
}

/** The audit detail of a rule change: the revision, and each top-level field that changed, before and after. */
function ruleChanges(before: AlertRule, after: AlertRule): Record<string, unknown> {
  const was = toAlertRuleDocument(before) as unknown as Record<string, unknown>;
  const now = toAlertRuleDocument(after) as unknown as Record<string, unknown>;
  const changes: Record<string, unknown> = { revision: { from: before.revision, to: after.revision } };
  for (const key of Object.keys(now)) {
    if (key === 'revision' || key === 'updatedAt' || key === 'createdAt') continue;
    if (JSON.stringify(was[key]) !== JSON.stringify(now[key])) changes[key] = { from: was[key], to: now[key] };
  }
  return changes;
}
