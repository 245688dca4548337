import { AccessDeniedError } from '@hub/access';
import { AuditLogRepository, openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { InvalidInputError } from '@hub/common';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRepository } from '../store/alert.repository';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertConflictError, AlertNotFoundError } from './alert-operator-actions';
import { AlertWorkflowService } from './alert-workflow.service';

const COUNTY = { towns: [], domains: [] };
const SMITH = { name: 'j.smith', scope: COUNTY };
const JONES = { name: 'a.jones', scope: COUNTY };

describe('AlertWorkflowService', () => {
  let db: SqliteDatabase;
  let alerts: AlertRepository;
  let audit: AuditLogRepository;
  let workflow: AlertWorkflowService;
  let changed: number;
  let id: number;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    audit = new AuditLogRepository(db);
    changed = 0;
    workflow = new AlertWorkflowService(alerts, () => changed++, audit, () => T0 + 60_000);
    const alert = anAlert({ town: 'Ashford' });
    alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    id = alert.id;
  });

  afterEach(() => db.close());

  it('acknowledges a firing alert with who, when and a note, then resolves it', () => {
    expect(workflow.acknowledge(id, { note: 'crew sent' }, SMITH)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'j.smith',
      acknowledgedAt: T0 + 60_000,
      acknowledgeNote: 'crew sent',
    });
    expect(workflow.resolve(id, {}, JONES)).toMatchObject({ state: 'resolved', resolvedBy: 'a.jones', resolution: 'operator', acknowledgedBy: 'j.smith' });
    expect(workflow.history(id).map((event) => [event.kind, event.actor, event.fromState, event.toState, event.notify])).toEqual([
      ['fired', 'system', null, 'firing', true],
      ['acknowledged', 'j.smith', 'firing', 'acknowledged', true],
      ['resolved', 'a.jones', 'acknowledged', 'resolved', true],
    ]);
    expect(alerts.get(id)?.state).toBe('resolved');
    expect(changed).toBe(2);
    expect(audit.list({ limit: 10 }).map((entry) => [entry.at, entry.actor, entry.action, entry.targetType, entry.targetId, entry.detail])).toEqual([
      [T0 + 60_000, 'a.jones', 'alert.resolve', 'alert', String(id), { ruleId: 'methane-high', deviceId: 'g-1', domain: 'gas', town: 'Ashford' }],
      [T0 + 60_000, 'j.smith', 'alert.acknowledge', 'alert', String(id), { ruleId: 'methane-high', deviceId: 'g-1', domain: 'gas', town: 'Ashford', note: 'crew sent' }],
    ]);
  });

  it('refuses transitions the state does not allow', () => {
    workflow.acknowledge(id, undefined, SMITH);
    expect(() => workflow.acknowledge(id, {}, SMITH)).toThrow(new AlertConflictError(`Alert ${id} is acknowledged; only a firing alert can be acknowledged`));
    workflow.resolve(id, {}, SMITH);
    expect(() => workflow.resolve(id, {}, SMITH)).toThrow(`Alert ${id} is already resolved`);
    expect(() => workflow.acknowledge(999, {}, SMITH)).toThrow(AlertNotFoundError);
    expect(audit.list({ limit: 10 }).map((entry) => entry.action)).toEqual(['alert.resolve', 'alert.acknowledge']);
  });

  it('adds comments to the history without changing the alert or notifying', () => {
    const event = workflow.comment(id, { text: 'valve V-12 closed' }, SMITH);
    expect(event).toMatchObject({ alertId: id, kind: 'commented', actor: 'j.smith', note: 'valve V-12 closed', toState: 'firing', notify: false });
    expect(alerts.get(id)?.updatedAt).toBe(T0 + 1000);
    expect(changed).toBe(0);
  });

  it('refuses a body that names the actor itself, and unknown fields', () => {
    expect(() => workflow.acknowledge(id, { by: 'someone.else', note: 'x' }, SMITH)).toThrow(
      new InvalidInputError('request', [{ field: 'by', problem: 'is not accepted: the hub records the logged-in operator (or the API key) as the actor' }]),
    );
    expect(() => workflow.comment(id, {}, SMITH)).toThrow('text is required');
    expect(() => workflow.resolve(id, { reason: 'x' }, SMITH)).toThrow('reason is not a known field');
    expect(alerts.get(id)?.state).toBe('firing');
    expect(audit.list({ limit: 10 })).toEqual([]);
  });

  it('keeps an alert of another town or domain from a scoped operator: 403 to read, list or act', () => {
    const brook = { name: 'b.town', scope: { towns: ['Brook'], domains: [] } };
    const ashfordWater = { name: 'a.water', scope: { towns: ['Ashford'], domains: ['water' as const] } };
    const ashfordGas = { name: 'a.gas', scope: { towns: ['Ashford'], domains: ['gas' as const] } };
    expect(() => workflow.get(id, brook)).toThrow(new AccessDeniedError(`Alert ${id} (gas, Ashford) is outside the scope of b.town (towns Brook)`));
    expect(() => workflow.history(id, ashfordWater)).toThrow(AccessDeniedError);
    expect(() => workflow.acknowledge(id, {}, brook)).toThrow(AccessDeniedError);
    expect(() => workflow.comment(id, { text: 'x' }, ashfordWater)).toThrow(AccessDeniedError);
    expect(workflow.list({ within: brook.scope, limit: 10 }).items).toEqual([]);
    expect(workflow.list({ within: ashfordWater.scope, limit: 10 }).matching).toBe(0);
    expect(workflow.list({ within: ashfordGas.scope, limit: 10 }).items.map((alert) => alert.id)).toEqual([id]);
    expect(workflow.acknowledge(id, {}, ashfordGas).acknowledgedBy).toBe('a.gas');
    expect(alerts.history(id).map((event) => event.actor)).toEqual(['system', 'a.gas']);
  });

  it('does not show an alert without a town to a town-scoped operator', () => {
    const unplaced = anAlert({ deviceId: 'g-2', town: null });
    alerts.save([unplaced], [anEvent(unplaced, 'fired')], notificationPayload);
    const ashford = { name: 'a.town', scope: { towns: ['Ashford'], domains: [] } };
    expect(workflow.list({ within: ashford.scope, limit: 10 }).items.map((alert) => alert.deviceId)).toEqual(['g-1']);
    expect(() => workflow.get(unplaced.id, ashford)).toThrow(AccessDeniedError);
    expect(workflow.get(unplaced.id, SMITH).id).toBe(unplaced.id);
  });
});
