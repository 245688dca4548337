import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { RecordingLogger } from '@hub/common/testing';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRepository } from '../store/alert.repository';
import { AlertRuleRepository } from '../store/alert-rule.repository';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertRulesService } from './alert-rules.service';
import { DEFAULT_RULE_PACKS } from './default-rule-packs';
import { DefaultRulePacksService } from './default-rule-packs.service';

const ADMIN = { name: 'county.admin', scope: { towns: [], domains: [] } };
const OPERATOR = { name: 'dana.ortiz', scope: { towns: [], domains: [] } };

describe('DefaultRulePacksService', () => {
  let test: TestStore;
  let alerts: AlertRepository;
  let audit: AuditLogRepository;
  let rules: AlertRulesService;
  let packs: DefaultRulePacksService;

  beforeEach(async () => {
    test = await sqliteTestStore();
    alerts = new AlertRepository(test.store);
    audit = new AuditLogRepository(null);
    const repository = new AlertRuleRepository(test.store);
    rules = new AlertRulesService(test.store, repository, alerts, async () => undefined, () => undefined, audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => T0);
    packs = new DefaultRulePacksService(test.store, rules, repository, audit, MetricCatalogue.BUILT_IN, new RecordingLogger());
    await rules.loadDefaultPack('eu');
  });

  afterEach(() => test.dispose());

  it('moves eu to cn, leaving the edited rule alone, resolving the removed rule’s open alerts, auditing each change under the admin', async () => {
    await rules.patch('gas-methane-alarm', { condition: { value: 18 } }, OPERATOR);
    const open = anAlert({ ruleId: 'power-voltage-out-of-band', deviceId: 'meter-1' });
    await alerts.save([open], [anEvent(open, 'fired')], notificationPayload);

    const preview = await packs.preview('eu', 'cn');
    expect(preview.find((change) => change.ruleId === 'gas-methane-alarm')).toMatchObject({ change: 'kept', kept: { note: 'kept, edited by dana.ortiz' } });
    expect((await rules.list()).map((rule) => rule.id)).toContain('power-voltage-out-of-band');

    const applied = await packs.apply('eu', 'cn', ADMIN);
    expect(applied).toEqual(preview);
    const byId = new Map((await rules.list()).map((rule) => [rule.id, rule]));
    expect(byId.get('gas-methane-alarm')).toMatchObject({ revision: 2, condition: { high: { trigger: 18 } }, standard: null });
    expect(byId.get('gas-methane-warning')).toMatchObject({ revision: 2, condition: { high: { trigger: 20 } }, standard: expect.stringContaining('GB 15322.1-2019') });
    expect(byId.get('power-voltage-low')).toMatchObject({ revision: 1, standard: expect.stringContaining('GB/T 12325-2008 §4.3') });
    expect(byId.has('power-voltage-out-of-band')).toBe(false);
    expect(byId.size).toBe(DEFAULT_RULE_PACKS.cn.length);
    expect(await alerts.get(open.id)).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });

    const entries = await audit.list({ actor: ADMIN.name, limit: 100 }, test.store.db);
    expect(entries[0]).toMatchObject({ action: 'rule.default-pack.switch', detail: { from: 'eu', to: 'cn', added: 5, removed: 1, kept: 1 } });
    expect(entries.filter((entry) => entry.action === 'rule.update').map((entry) => entry.targetId)).toContain('water-chlorine-low');
    expect(entries.filter((entry) => entry.action === 'rule.delete').map((entry) => entry.targetId)).toEqual(['power-voltage-out-of-band']);
  });

  it('changes no rule of a county that never loaded a default pack (HUB_ALERT_DEFAULT_RULES=off)', async () => {
    const empty = await sqliteTestStore();
    const repository = new AlertRuleRepository(empty.store);
    const own = new AlertRulesService(empty.store, repository, new AlertRepository(empty.store), async () => undefined, () => undefined, audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => T0);
    await own.create({ ...DEFAULT_RULE_PACKS.eu[0] }, ADMIN);
    const service = new DefaultRulePacksService(empty.store, own, repository, audit, MetricCatalogue.BUILT_IN, new RecordingLogger());
    expect(await service.preview('eu', 'cn')).toEqual([]);
    expect(await service.apply('eu', 'cn', ADMIN)).toEqual([]);
    expect((await own.list()).map((rule) => rule.id)).toEqual([String(DEFAULT_RULE_PACKS.eu[0].id)]);
    await empty.dispose();
  });

  it('moves back to eu without touching what is as cn left it', async () => {
    await packs.apply('eu', 'cn', ADMIN);
    const back = await packs.apply('cn', 'eu', ADMIN);
    expect(back.filter((change) => change.change === 'kept')).toEqual([]);
    expect((await rules.list()).map((rule) => rule.id)).toEqual(DEFAULT_RULE_PACKS.eu.map((rule) => String(rule.id)).sort());
    expect(await rules.get('power-voltage-out-of-band')).toMatchObject({ standard: null, condition: { low: { trigger: 207 } } });
  });
});
