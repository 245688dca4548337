import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository, openSqliteDatabase, SqliteDatabase } from '@hub/store';
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
  let db: SqliteDatabase;
  let alerts: AlertRepository;
  let audit: AuditLogRepository;
  let service: AlertRulesService;
  let rulesChanged: number;
  let alertsChanged: number;
  let now: number;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    audit = new AuditLogRepository(db);
    rulesChanged = 0;
    alertsChanged = 0;
    now = T0;
    service = new AlertRulesService(new AlertRuleRepository(db), alerts, () => rulesChanged++, () => alertsChanged++, audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => now);
  });

  afterEach(() => db.close());

  function openAlert(deviceId: string): number {
    const alert = anAlert({ ruleId: 'methane-high', deviceId });
    alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    return alert.id;
  }

  it('creates a rule at revision 1, deriving a free id from the name when none is given', () => {
    expect(service.create(METHANE, ADMIN)).toMatchObject({ id: 'methane-high', revision: 1, createdAt: T0, updatedAt: T0 });
    const { id: _id, ...unnamed } = METHANE;
    expect(service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL!' }, ADMIN).id).toBe('methane-20-lel');
    expect(service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL' }, ADMIN).id).toBe('methane-20-lel-2');
    expect(() => service.create(METHANE, ADMIN)).toThrow(AlertConflictError);
    expect(() => service.create({ ...METHANE, id: 'x', severity: 'loud' }, ADMIN)).toThrow(InvalidInputError);
    expect(rulesChanged).toBe(3);
  });

  it('replaces and patches with a new revision, refusing a change based on an old one', () => {
    service.create(METHANE, ADMIN);
    now = T0 + 1000;
    expect(service.replace('methane-high', { ...METHANE, name: 'Methane alarm', revision: 1 }, ADMIN)).toMatchObject({ name: 'Methane alarm', revision: 2, updatedAt: T0 + 1000 });
    expect(() => service.replace('methane-high', { ...METHANE, revision: 1 }, ADMIN)).toThrow('is at revision 2, not 1');
    expect(service.patch('methane-high', { condition: { value: 25 } }, ADMIN).condition).toEqual({
      type: 'threshold',
      operator: 'above',
      high: { trigger: 25, clear: 10 },
      low: null,
      forMs: 0,
      clearForMs: 0,
    });
    expect(service.patch('methane-high', { condition: { type: 'stuck', window: '30m' } }, ADMIN).condition).toEqual({ type: 'stuck', windowMs: 1_800_000, tolerance: 0, minReadings: 3 });
    expect(() => service.patch('methane-high', { id: 'renamed' }, ADMIN)).toThrow('cannot be changed');
    expect(() => service.patch('nope', {}, ADMIN)).toThrow(AlertNotFoundError);
  });

  it('resolves the open alerts of a rule that is disabled or deleted, and notifies', () => {
    service.create(METHANE, ADMIN);
    const first = openAlert('g-1');
    service.patch('methane-high', { enabled: false }, ADMIN);
    expect(alerts.get(first)).toMatchObject({ state: 'resolved', resolution: 'rule-disabled', resolvedBy: 'system', conditionActive: false });
    service.patch('methane-high', { enabled: true }, ADMIN);
    const second = openAlert('g-2');
    service.delete('methane-high', ADMIN);
    expect(alerts.get(second)).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });
    expect(alerts.history(second).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['resolved', 'rule "Methane high" deleted', true],
    ]);
    expect(alertsChanged).toBe(2);
    expect(() => service.get('methane-high')).toThrow(AlertNotFoundError);
  });

  it('lets open alerts follow a renamed or re-graded rule, and resolves those it no longer watches', () => {
    service.create(METHANE, ADMIN);
    const kept = openAlert('g-1');
    const dropped = openAlert('g-2');
    service.patch('methane-high', { name: 'Methane alarm', severity: 'warning', selector: { deviceIds: ['g-1'] } }, ADMIN);
    expect(alerts.get(kept)).toMatchObject({ state: 'firing', ruleName: 'Methane alarm', severity: 'warning' });
    expect(alerts.history(kept).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['rule-updated', 'rule renamed to "Methane alarm"; severity critical → warning', false],
    ]);
    expect(alerts.get(dropped)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
    service.patch('methane-high', { selector: { metric: 'pressure_kpa' }, condition: { value: 500, clear: 450 } }, ADMIN);
    expect(alerts.get(kept)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
  });

  it('loads the default pack on the first start only, even after its rules are deleted', () => {
    expect(service.loadDefaultPack()).toBe(DEFAULT_ALERT_RULES.length);
    service.delete('gas-methane-alarm', ADMIN);
    expect(service.loadDefaultPack()).toBe(0);
    expect(service.list()).toHaveLength(DEFAULT_ALERT_RULES.length - 1);
  });

  it('audits who created, changed and deleted a rule, with what changed', () => {
    service.create(METHANE, ADMIN);
    now = T0 + 1000;
    service.patch('methane-high', { severity: 'warning' }, { ...ADMIN, name: 'key:rules-sync' });
    service.delete('methane-high', ADMIN);
    const entries = audit.list({ targetType: 'rule', limit: 10 }).reverse();
    expect(entries.map((entry) => [entry.actor, entry.action, entry.targetId, entry.at])).toEqual([
      ['admin', 'rule.create', 'methane-high', T0],
      ['key:rules-sync', 'rule.update', 'methane-high', T0 + 1000],
      ['admin', 'rule.delete', 'methane-high', T0 + 1000],
    ]);
    expect(entries[1].detail).toEqual({ revision: { from: 1, to: 2 }, severity: { from: 'critical', to: 'warning' } });
    expect(entries[0].detail.document).toMatchObject({ id: 'methane-high', severity: 'critical' });
  });

  it('lets a scoped admin change only rules of their domains and towns', () => {
    const water = { name: 'w.admin', scope: { towns: [], domains: ['water' as const] } };
    const ashford = { name: 'a.admin', scope: { towns: ['Ashford'], domains: [] } };
    expect(() => service.create(METHANE, water)).toThrow(new AccessDeniedError('Rule methane-high watches gas, outside the domains of w.admin (water)'));
    expect(() => service.create(METHANE, ashford)).toThrow('Rule methane-high must be limited to towns of a.admin (Ashford) in selector.towns');
    const local = service.create({ ...METHANE, id: 'ashford-methane', selector: { ...METHANE.selector, towns: ['Ashford'] } }, ashford);
    expect(local.selector.towns).toEqual(['Ashford']);
    // Widening it beyond Ashford, or touching the county's rule, is refused.
    expect(() => service.patch('ashford-methane', { selector: { towns: ['Ashford', 'Brook'] } }, ashford)).toThrow(AccessDeniedError);
    service.create(METHANE, ADMIN);
    expect(() => service.delete('methane-high', ashford)).toThrow(AccessDeniedError);
    expect(service.list().map((rule) => rule.id)).toEqual(['ashford-methane', 'methane-high']);
  });

  it('shows each principal the rules that concern their domains and towns, and answers 403 for the others', () => {
    service.create(METHANE, ADMIN);
    service.create({ ...METHANE, id: 'brook-methane', selector: { ...METHANE.selector, towns: ['Brook'] } }, ADMIN);
    service.create({ ...METHANE, id: 'two-towns', selector: { ...METHANE.selector, towns: ['Ashford', 'Brook'] } }, ADMIN);
    service.create({ id: 'pressure-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, condition: { type: 'threshold', operator: 'below', value: 200 } }, ADMIN);
    const visible = (scope: { towns: string[]; domains: Array<'gas' | 'water'> }) => service.listFor({ name: 'x', scope }).map((rule) => rule.id);
    expect(visible({ towns: [], domains: [] })).toEqual(['brook-methane', 'methane-high', 'pressure-low', 'two-towns']);
    expect(visible({ towns: [], domains: ['water'] })).toEqual(['pressure-low']);
    // County-wide rules watch Ashford too; a rule limited to Brook alone does not concern Ashford.
    expect(visible({ towns: ['Ashford'], domains: [] })).toEqual(['methane-high', 'pressure-low', 'two-towns']);
    expect(visible({ towns: ['Ashford'], domains: ['water'] })).toEqual(['pressure-low']);

    const ashford = { name: 'a.viewer', scope: { towns: ['Ashford'], domains: [] } };
    expect(service.getFor('two-towns', ashford).id).toBe('two-towns');
    expect(() => service.getFor('brook-methane', ashford)).toThrow(new AccessDeniedError('Rule brook-methane (gas, towns Brook) is outside the scope of a.viewer (towns Ashford)'));
    expect(() => service.getFor('methane-high', { name: 'key:water', scope: { towns: [], domains: ['water'] } })).toThrow(
      new AccessDeniedError('Rule methane-high (gas) is outside the scope of key:water (domains water)'),
    );
    expect(() => service.getFor('no-such-rule', ashford)).toThrow(AlertNotFoundError);
  });
});
