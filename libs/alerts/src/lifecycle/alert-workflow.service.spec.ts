import { AccessDeniedError } from '@hub/access';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
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
  let test: TestStore;
  let alerts: AlertRepository;
  let audit: AuditLogRepository;
  let workflow: AlertWorkflowService;
  let changed: number;
  let id: number;

  beforeEach(async () => {
    test = await sqliteTestStore();
    alerts = new AlertRepository(test.store);
    audit = new AuditLogRepository(null);
    changed = 0;
    workflow = new AlertWorkflowService(test.store, alerts, () => changed++, audit, () => T0 + 60_000);
    const alert = anAlert({ town: 'Ashford' });
    await alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    id = alert.id;
  });

  afterEach(() => test.dispose());

  it('acknowledges a firing alert with who, when and a note, then resolves it', async () => {
    expect(await workflow.acknowledge(id, { note: 'crew sent' }, SMITH)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'j.smith',
      acknowledgedAt: T0 + 60_000,
      acknowledgeNote: 'crew sent',
    });
    expect(await workflow.resolve(id, {}, JONES)).toMatchObject({ state: 'resolved', resolvedBy: 'a.jones', resolution: 'operator', acknowledgedBy: 'j.smith' });
    expect((await workflow.history(id)).map((event) => [event.kind, event.actor, event.fromState, event.toState, event.notify])).toEqual([
      ['fired', 'system', null, 'firing', true],
      ['acknowledged', 'j.smith', 'firing', 'acknowledged', true],
      ['resolved', 'a.jones', 'acknowledged', 'resolved', true],
    ]);
    expect((await alerts.get(id))?.state).toBe('resolved');
    expect(changed).toBe(2);
    expect((await audit.list({ limit: 10 }, test.store.db)).map((entry) => [entry.at, entry.actor, entry.action, entry.targetType, entry.targetId, entry.detail])).toEqual([
      [T0 + 60_000, 'a.jones', 'alert.resolve', 'alert', String(id), { ruleId: 'methane-high', deviceId: 'g-1', domain: 'gas', town: 'Ashford' }],
      [T0 + 60_000, 'j.smith', 'alert.acknowledge', 'alert', String(id), { ruleId: 'methane-high', deviceId: 'g-1', domain: 'gas', town: 'Ashford', note: 'crew sent' }],
    ]);
  });

  it('refuses transitions the state does not allow', async () => {
    await workflow.acknowledge(id, undefined, SMITH);
    await expect(workflow.acknowledge(id, {}, SMITH)).rejects.toThrow(new AlertConflictError(`Alert ${id} is acknowledged; only a firing alert can be acknowledged`));
    await workflow.resolve(id, {}, SMITH);
    await expect(workflow.resolve(id, {}, SMITH)).rejects.toThrow(`Alert ${id} is already resolved`);
    await expect(workflow.acknowledge(999, {}, SMITH)).rejects.toThrow(AlertNotFoundError);
    expect((await audit.list({ limit: 10 }, test.store.db)).map((entry) => entry.action)).toEqual(['alert.resolve', 'alert.acknowledge']);
  });

  it('adds comments to the history without changing the alert or notifying', async () => {
    const event = await workflow.comment(id, { text: 'valve V-12 closed' }, SMITH);
    expect(event).toMatchObject({ alertId: id, kind: 'commented', actor: 'j.smith', note: 'valve V-12 closed', toState: 'firing', notify: false });
    expect((await alerts.get(id))?.updatedAt).toBe(T0 + 1000);
    expect(changed).toBe(0);
  });

  it('refuses a body that names the actor itself, and unknown fields', async () => {
    await expect(workflow.acknowledge(id, { by: 'someone.else', note: 'x' }, SMITH)).rejects.toThrow(
      new InvalidInputError('request', [{ field: 'by', problem: 'is not accepted: the hub records the logged-in operator (or the API key) as the actor' }]),
    );
    await expect(workflow.comment(id, {}, SMITH)).rejects.toThrow('text is required');
    await expect(workflow.resolve(id, { reason: 'x' }, SMITH)).rejects.toThrow('reason is not a known field');
    expect((await alerts.get(id))?.state).toBe('firing');
    expect(await audit.list({ limit: 10 }, test.store.db)).toEqual([]);
  });

  it('keeps an alert of another town or domain from a scoped operator: 403 to read, list or act', async () => {
    const brook = { name: 'b.town', scope: { towns: ['Brook'], domains: [] } };
    const ashfordWater = { name: 'a.water', scope: { towns: ['Ashford'], domains: ['water' as const] } };
    const ashfordGas = { name: 'a.gas', scope: { towns: ['Ashford'], domains: ['gas' as const] } };
    await expect(workflow.get(id, brook)).rejects.toThrow(new AccessDeniedError(`Alert ${id} (gas, Ashford) is outside the scope of b.town (towns Brook)`));
    await expect(workflow.history(id, ashfordWater)).rejects.toThrow(AccessDeniedError);
    await expect(workflow.acknowledge(id, {}, brook)).rejects.toThrow(AccessDeniedError);
    await expect(workflow.comment(id, { text: 'x' }, ashfordWater)).rejects.toThrow(AccessDeniedError);
    expect((await workflow.list({ within: brook.scope, limit: 10 })).items).toEqual([]);
    expect((await workflow.list({ within: ashfordWater.scope, limit: 10 })).matching).toBe(0);
    expect((await workflow.list({ within: ashfordGas.scope, limit: 10 })).items.map((alert) => alert.id)).toEqual([id]);
    expect((await workflow.acknowledge(id, {}, ashfordGas)).acknowledgedBy).toBe('a.gas');
    expect((await alerts.history(id)).map((event) => event.actor)).toEqual(['system', 'a.gas']);
  });

  it('does not show an alert without a town to a town-scoped operator', async () => {
    const unplaced = anAlert({ deviceId: 'g-2', town: null });
    await alerts.save([unplaced], [anEvent(unplaced, 'fired')], notificationPayload);
    const ashford = { name: 'a.town', scope: { towns: ['Ashford'], domains: [] } };
    expect((await workflow.list({ within: ashford.scope, limit: 10 })).items.map((alert) => alert.deviceId)).toEqual(['g-1']);
    await expect(workflow.get(unplaced.id, ashford)).rejects.toThrow(AccessDeniedError);
    expect((await workflow.get(unplaced.id, SMITH)).id).toBe(unplaced.id);
  });
});
