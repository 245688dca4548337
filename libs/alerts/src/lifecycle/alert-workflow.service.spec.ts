import { openSqliteDatabase, SqliteDatabase } from '../../../store/src/sqlite-database';
import { InvalidInputError } from '../json-input.reader';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { AlertRepository } from '../store/alert.repository';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertConflictError, AlertNotFoundError } from './alert-operator-actions';
import { AlertWorkflowService } from './alert-workflow.service';

describe('AlertWorkflowService', () => {
  let db: SqliteDatabase;
  let alerts: AlertRepository;
  let workflow: AlertWorkflowService;
  let changed: number;
  let id: number;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    changed = 0;
    workflow = new AlertWorkflowService(alerts, () => changed++, () => T0 + 60_000);
    const alert = anAlert();
    alerts.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    id = alert.id;
  });

  afterEach(() => db.close());

  it('acknowledges a firing alert with who, when and a note, then resolves it', () => {
    expect(workflow.acknowledge(id, { by: 'j.smith', note: 'crew sent' })).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'j.smith',
      acknowledgedAt: T0 + 60_000,
      acknowledgeNote: 'crew sent',
    });
    expect(workflow.resolve(id, { by: 'a.jones' })).toMatchObject({ state: 'resolved', resolvedBy: 'a.jones', resolution: 'operator', acknowledgedBy: 'j.smith' });
    expect(workflow.history(id).map((event) => [event.kind, event.actor, event.fromState, event.toState, event.notify])).toEqual([
      ['fired', 'system', null, 'firing', true],
      ['acknowledged', 'j.smith', 'firing', 'acknowledged', true],
      ['resolved', 'a.jones', 'acknowledged', 'resolved', true],
    ]);
    expect(alerts.get(id)?.state).toBe('resolved');
    expect(changed).toBe(2);
  });

  it('refuses transitions the state does not allow', () => {
    workflow.acknowledge(id, { by: 'j.smith' });
    expect(() => workflow.acknowledge(id, { by: 'j.smith' })).toThrow(new AlertConflictError(`Alert ${id} is acknowledged; only a firing alert can be acknowledged`));
    workflow.resolve(id, { by: 'j.smith' });
    expect(() => workflow.resolve(id, { by: 'j.smith' })).toThrow(`Alert ${id} is already resolved`);
    expect(() => workflow.acknowledge(999, { by: 'j.smith' })).toThrow(AlertNotFoundError);
  });

  it('adds comments to the history without changing the alert or notifying', () => {
    const event = workflow.comment(id, { by: 'j.smith', text: 'valve V-12 closed' });
    expect(event).toMatchObject({ alertId: id, kind: 'commented', actor: 'j.smith', note: 'valve V-12 closed', toState: 'firing', notify: false });
    expect(alerts.get(id)?.updatedAt).toBe(T0 + 1000);
    expect(changed).toBe(0);
  });

  it('requires who is acting', () => {
    expect(() => workflow.acknowledge(id, { note: 'x' })).toThrow(InvalidInputError);
    expect(() => workflow.comment(id, { by: 'j.smith' })).toThrow('text is required');
    expect(() => workflow.resolve(id, { by: 'j', reason: 'x' })).toThrow('reason is not a known field');
  });
});
