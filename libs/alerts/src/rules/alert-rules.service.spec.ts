import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { AccessDeniedError } from '@hub/access';
import { InvalidInputError } from '@hub/common';
import { AlertConflictError, AlertNotFoundError } from '../lifecycle/alert-operator-actions';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRepository } from '../store/alert.repository';
import { AlertRuleRepository } from '../store/alert-rule.repository';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { RecordingLogger } from '@hub/common/testing';
import { AlertRulesService } from './alert-rules.service';
import { DEFAULT_ALERT_RULES } from './default-alert-rules';

const ADMIN = { name: 'admin', scope: { towns: [], domains: [] } };

const METHANE = {
  id: 'methane-high',
  name: 'Methane high',
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel' },
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10 },
};

describe('AlertRulesService', () => {
  let test: TestStore;
  let alerts: AlertRepository;
  let audit: AuditLogRepository;
  let service: AlertRulesService;
  let rulesChanged: number;
  let alertsChanged: number;
  let now: number;

  beforeEach(async () => {
    test = await sqliteTestStore();
    alerts = new AlertRepository(test.store);
    audit = new AuditLogRepository(null);
    rulesChanged = 0;
    alertsChanged = 0;
    now = T0;
    service = new AlertRulesService(
      test.store,
      new AlertRuleRepository(test.store),
      alerts,
      async () => void rulesChanged++,
      () => alertsChanged++, audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => now);
  });

  afterEach(() => test.dispose());

  async function openAlert(deviceId: string): Promise<number> {
    const alert = anAlert({ ruleId: 'methane-high', deviceId });
    await alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    return alert.id;
  }

  it('creates a rule at revision 1, deriving a free id from the name when none is given', async () => {
    expect(await service.create(METHANE, ADMIN)).toMatchObject({ id: 'methane-high', revision: 1, createdAt: T0, updatedAt: T0 });
    const { id: _id, ...unnamed } = METHANE;
    expect((await service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL!' }, ADMIN)).id).toBe('methane-20-lel');
    expect((await service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL' }, ADMIN)).id).toBe('methane-20-lel-2');
    await expect(service.create(METHANE, ADMIN)).rejects.toThrow(AlertConflictError);
    await expect(service.create({ ...METHANE, id: 'x', severity: 'loud' }, ADMIN)).rejects.toThrow(InvalidInputError);
    expect(rulesChanged).toBe(3);
  });

  it('replaces and patches with a new revision, refusing a change based on an old one', async () => {
    await service.create(METHANE, ADMIN);
    now = T0 + 1000;
    expect(await service.replace('methane-high', { ...METHANE, name: 'Methane alarm', revision: 1 }, ADMIN)).toMatchObject({ name: 'Methane alarm', revision: 2, updatedAt: T0 + 1000 });
    await expect(service.replace('methane-high', { ...METHANE, revision: 1 }, ADMIN)).rejects.toThrow('is at revision 2, not 1');
    expect((await service.patch('methane-high', { condition: { value: 25 } }, ADMIN)).condition).toEqual({
      type: 'threshold',
      operator: 'above',
      high: { trigger: 25, clear: 10 },
      low: null,
      forMs: 0,
      clearForMs: 0,
    });
    expect((await service.patch('methane-high', { condition: { type: 'stuck', window: '30m' } }, ADMIN)).condition).toEqual({ type: 'stuck', windowMs: 1_800_000, tolerance: 0, minReadings: 3 });
    await expect(service.patch('methane-high', { id: 'renamed' }, ADMIN)).rejects.toThrow('cannot be changed');
    await expect(service.patch('nope', {}, ADMIN)).rejects.toThrow(AlertNotFoundError);
  });

  it('resolves the open alerts of a rule that is disabled or deleted, and notifies', async () => {
    await service.create(METHANE, ADMIN);
    const first = await openAlert('g-1');
    await service.patch('methane-high', { enabled: false }, ADMIN);
    expect(await alerts.get(first)).toMatchObject({ state: 'resolved', resolution: 'rule-disabled', resolvedBy: 'system', conditionActive: false });
    await service.patch('methane-high', { enabled: true }, ADMIN);
    const second = await openAlert('g-2');
    await service.delete('methane-high', ADMIN);
    expect(await alerts.get(second)).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });
    expect((await alerts.history(second)).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['resolved', 'rule "Methane high" deleted', true],
    ]);
    expect(alertsChanged).toBe(2);
    await expect(service.get('methane-high')).rejects.toThrow(AlertNotFoundError);
  });

  it('lets open alerts follow a renamed or re-graded rule, and resolves those it no longer watches', async () => {
    await service.create(METHANE, ADMIN);
    const kept = await openAlert('g-1');
    const dropped = await openAlert('g-2');
    await service.patch('methane-high', { name: 'Methane alarm', severity: 'warning', selector: { deviceIds: ['g-1'] } }, ADMIN);
    expect(await alerts.get(kept)).toMatchObject({ state: 'firing', ruleName: 'Methane alarm', severity: 'warning' });
    expect((await alerts.history(kept)).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['rule-updated', 'rule renamed to "Methane alarm"; severity critical → warning', false],
    ]);
    expect(await alerts.get(dropped)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
    await service.patch('methane-high', { selector: { metric: 'pressure_kpa' }, condition: { value: 500, clear: 450 } }, ADMIN);
    expect(await alerts.get(kept)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
  });

  it('loads the default pack on the first start only, even after its rules are deleted', async () => {
    expect(await service.loadDefaultPack()).toBe(DEFAULT_ALERT_RULES.length);
    await service.delete('gas-methane-alarm', ADMIN);
    expect(await service.loadDefaultPack()).toBe(0);
    expect(await service.list()).toHaveLength(DEFAULT_ALERT_RULES.length - 1);
  });

  it('audits who created, changed and deleted a rule, with what changed', async () => {
    await service.create(METHANE, ADMIN);
    now = T0 + 1000;
    await service.patch('methane-high', { severity: 'warning' }, { ...ADMIN, name: 'key:rules-sync' });
    await service.delete('methane-high', ADMIN);
    const entries = (await audit.list({ targetType: 'rule', limit: 10 }, test.store.db)).reverse();
    expect(entries.map((entry) => [entry.actor, entry.action, entry.targetId, entry.at])).toEqual([
      ['admin', 'rule.create', 'methane-high', T0],
      ['key:rules-sync', 'rule.update', 'methane-high', T0 + 1000],
      ['admin', 'rule.delete', 'methane-high', T0 + 1000],
    ]);
    expect(entries[1].detail).toEqual({ revision: { from: 1, to: 2 }, severity: { from: 'critical', to: 'warning' } });
    expect(entries[0].detail.document).toMatchObject({ id: 'methane-high', severity: 'critical' });
  });

  it('lets a scoped admin change only rules of their domains and towns', async () => {
    const water = { name: 'w.admin', scope: { towns: [], domains: ['water' as const] } };
    const ashford = { name: 'a.admin', scope: { towns: ['Ashford'], domains: [] } };
    await expect(service.create(METHANE, water)).rejects.toThrow(new AccessDeniedError('Rule methane-high watches gas, outside the domains of w.admin (water)'));
    await expect(service.create(METHANE, ashford)).rejects.toThrow('Rule methane-high must be limited to towns of a.admin (Ashford) in selector.towns');
    const local = await service.create({ ...METHANE, id: 'ashford-methane', selector: { ...METHANE.selector, towns: ['Ashford'] } }, ashford);
    expect(local.selector.towns).toEqual(['Ashford']);
    // Widening it beyond Ashford, or touching the county's rule, is refused.
    await expect(service.patch('ashford-methane', { selector: { towns: ['Ashford', 'Brook'] } }, ashford)).rejects.toThrow(AccessDeniedError);
    await service.create(METHANE, ADMIN);
    await expect(service.delete('methane-high', ashford)).rejects.toThrow(AccessDeniedError);
    expect((await service.list()).map((rule) => rule.id)).toEqual(['ashford-methane', 'methane-high']);
  });

  it('shows each principal the rules that concern their domains and towns, and answers 403 for the others', async () => {
    await service.create(METHANE, ADMIN);
    await service.create({ ...METHANE, id: 'brook-methane', selector: { ...METHANE.selector, towns: ['Brook'] } }, ADMIN);
    await service.create({ ...METHANE, id: 'two-towns', selector: { ...METHANE.selector, towns: ['Ashford', 'Brook'] } }, ADMIN);
    await service.create({ id: 'pressure-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'threshold', operator: 'below', value: 200 } }, ADMIN);
    const visible = async (scope: { towns: string[]; domains: Array<'gas' | 'water'> }) => (await service.listFor({ name: 'x', scope })).map((rule) => rule.id);
    expect(await visible({ towns: [], domains: [] })).toEqual(['brook-methane', 'methane-high', 'pressure-low', 'two-towns']);
    expect(await visible({ towns: [], domains: ['water'] })).toEqual(['pressure-low']);
    // County-wide rules watch Ashford too; a rule limited to Brook alone does not concern Ashford.
    expect(await visible({ towns: ['Ashford'], domains: [] })).toEqual(['methane-high', 'pressure-low', 'two-towns']);
    expect(await visible({ towns: ['Ashford'], domains: ['water'] })).toEqual(['pressure-low']);

    const ashford = { name: 'a.viewer', scope: { towns: ['Ashford'], domains: [] } };
    expect((await service.getFor('two-towns', ashford)).id).toBe('two-towns');
    await expect(service.getFor('brook-methane', ashford)).rejects.toThrow(new AccessDeniedError('Rule brook-methane (gas, towns Brook) is outside the scope of a.viewer (towns Ashford)'));
    await expect(service.getFor('methane-high', { name: 'key:water', scope: { towns: [], domains: ['water'] } })).rejects.toThrow(
      new AccessDeniedError('Rule methane-high (gas) is outside the scope of key:water (domains water)'),
    );
    await expect(service.getFor('no-such-rule', ashford)).rejects.toThrow(AlertNotFoundError);
  });
});
