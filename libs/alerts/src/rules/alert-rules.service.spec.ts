import { openSqliteDatabase, SqliteDatabase } from '../../../store/src/sqlite-database';
import { InvalidInputError } from '../json-input.reader';
import { AlertConflictError, AlertNotFoundError } from '../lifecycle/alert-operator-actions';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRepository } from '../store/alert.repository';
import { AlertRuleRepository } from '../store/alert-rule.repository';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { RecordingLogger } from '../testing/recording-logger';
import { AlertRulesService } from './alert-rules.service';
import { DEFAULT_ALERT_RULES } from './default-alert-rules';

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
  let service: AlertRulesService;
  let rulesChanged: number;
  let alertsChanged: number;
  let now: number;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    rulesChanged = 0;
    alertsChanged = 0;
    now = T0;
    service = new AlertRulesService(new AlertRuleRepository(db), alerts, () => rulesChanged++, () => alertsChanged++, new RecordingLogger(), () => now);
  });

  afterEach(() => db.close());

  function openAlert(deviceId: string): number {
    const alert = anAlert({ ruleId: 'methane-high', deviceId });
    alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    return alert.id;
  }

  it('creates a rule at revision 1, deriving a free id from the name when none is given', () => {
    expect(service.create(METHANE)).toMatchObject({ id: 'methane-high', revision: 1, createdAt: T0, updatedAt: T0 });
    const { id: _id, ...unnamed } = METHANE;
    expect(service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL!' }).id).toBe('methane-20-lel');
    expect(service.create({ ...unnamed, name: 'Methane ≥ 20 %LEL' }).id).toBe('methane-20-lel-2');
    expect(() => service.create(METHANE)).toThrow(AlertConflictError);
    expect(() => service.create({ ...METHANE, id: 'x', severity: 'loud' })).toThrow(InvalidInputError);
    expect(rulesChanged).toBe(3);
  });

  it('replaces and patches with a new revision, refusing a change based on an old one', () => {
    service.create(METHANE);
    now = T0 + 1000;
    expect(service.replace('methane-high', { ...METHANE, name: 'Methane alarm', revision: 1 })).toMatchObject({ name: 'Methane alarm', revision: 2, updatedAt: T0 + 1000 });
    expect(() => service.replace('methane-high', { ...METHANE, revision: 1 })).toThrow('is at revision 2, not 1');
    expect(service.patch('methane-high', { condition: { value: 25 } }).condition).toEqual({
      type: 'threshold',
      operator: 'above',
      high: { trigger: 25, clear: 10 },
      low: null,
      forMs: 0,
      clearForMs: 0,
    });
    expect(service.patch('methane-high', { condition: { type: 'stuck', window: '30m' } }).condition).toEqual({ type: 'stuck', windowMs: 1_800_000, tolerance: 0, minReadings: 3 });
    expect(() => service.patch('methane-high', { id: 'renamed' })).toThrow('cannot be changed');
    expect(() => service.patch('nope', {})).toThrow(AlertNotFoundError);
  });

  it('resolves the open alerts of a rule that is disabled or deleted, and notifies', () => {
    service.create(METHANE);
    const first = openAlert('g-1');
    service.patch('methane-high', { enabled: false });
    expect(alerts.get(first)).toMatchObject({ state: 'resolved', resolution: 'rule-disabled', resolvedBy: 'system', conditionActive: false });
    service.patch('methane-high', { enabled: true });
    const second = openAlert('g-2');
    service.delete('methane-high');
    expect(alerts.get(second)).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });
    expect(alerts.history(second).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['resolved', 'rule "Methane high" deleted', true],
    ]);
    expect(alertsChanged).toBe(2);
    expect(() => service.get('methane-high')).toThrow(AlertNotFoundError);
  });

  it('lets open alerts follow a renamed or re-graded rule, and resolves those it no longer watches', () => {
    service.create(METHANE);
    const kept = openAlert('g-1');
    const dropped = openAlert('g-2');
    service.patch('methane-high', { name: 'Methane alarm', severity: 'warning', selector: { deviceIds: ['g-1'] } });
    expect(alerts.get(kept)).toMatchObject({ state: 'firing', ruleName: 'Methane alarm', severity: 'warning' });
    expect(alerts.history(kept).map((event) => [event.kind, event.note, event.notify])).toEqual([
      ['fired', null, true],
      ['rule-updated', 'rule renamed to "Methane alarm"; severity critical → warning', false],
    ]);
    expect(alerts.get(dropped)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
    service.patch('methane-high', { selector: { metric: 'pressure_kpa' }, condition: { value: 500, clear: 450 } });
    expect(alerts.get(kept)).toMatchObject({ state: 'resolved', resolution: 'rule-changed' });
  });

  it('loads the default pack on the first start only, even after its rules are deleted', () => {
    expect(service.loadDefaultPack()).toBe(DEFAULT_ALERT_RULES.length);
    service.delete('gas-methane-alarm');
    expect(service.loadDefaultPack()).toBe(0);
    expect(service.list()).toHaveLength(DEFAULT_ALERT_RULES.length - 1);
  });
});
