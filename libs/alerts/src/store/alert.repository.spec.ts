import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertRepository } from './alert.repository';

describe('AlertRepository (SQLite in memory)', () => {
  let db: SqliteDatabase;
  let repository: AlertRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    repository = new AlertRepository(db);
  });

  afterEach(() => db.close());

  it('stores a new alert with its events, giving both the alert id, and reads it back exactly', () => {
    const alert = anAlert({ peakScore: -Infinity });
    repository.save([alert], [anEvent(alert, 'fired')], notificationPayload);
    expect(alert.id).toBe(1);
    expect(repository.get(1)).toEqual({ ...alert, peakScore: -Number.MAX_VALUE });
    const [event] = repository.history(1);
    expect(event).toEqual({ id: 1, alertId: 1, at: T0 + 1000, kind: 'fired', actor: 'system', note: null, fromState: null, toState: 'firing', notify: true, silenceId: null });
    const payload = JSON.parse((db.prepare('SELECT payload FROM alert_events WHERE id = 1').get() as { payload: string }).payload);
    expect(payload).toMatchObject({ event: 'fired', previousState: null, alert: { id: 1, deviceId: 'g-1', severity: 'critical', state: 'firing' } });
  });

  it('updates in place, and refuses a second open alert for the same rule and device', () => {
    const alert = anAlert();
    repository.save([alert], [], notificationPayload);
    alert.count = 5;
    alert.value = 40;
    repository.save([alert], [], notificationPayload);
    expect(repository.get(alert.id)).toMatchObject({ count: 5, value: 40 });
    expect(() => repository.save([anAlert()], [], notificationPayload)).toThrow(/UNIQUE constraint failed/);
    repository.save([anAlert({ deviceId: 'g-2' }), anAlert({ ruleId: 'other' }), anAlert({ state: 'resolved' })], [], notificationPayload);
    expect(repository.list({ limit: 10 }).matching).toBe(4);
  });

  it('gives each device’s latest alert to reconcile with: open, still active, or recently ended', () => {
    const resolvedLongAgo = anAlert({ deviceId: 'g-1', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 3_600_000 });
    const open = anAlert({ deviceId: 'g-1' });
    const operatorResolvedActive = anAlert({ deviceId: 'g-2', state: 'resolved', resolution: 'operator', conditionActive: true });
    const recentlyEnded = anAlert({ deviceId: 'g-3', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 1000 });
    const oldEnded = anAlert({ deviceId: 'g-4', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 3_600_000 });
    repository.save([resolvedLongAgo, open, operatorResolvedActive, recentlyEnded, oldEnded], [], notificationPayload);
    const latest = repository.latestForRule('methane-high', T0 - 60_000);
    expect([...latest].map(([device, alert]) => [device, alert.id])).toEqual([
      ['g-1', open.id],
      ['g-2', operatorResolvedActive.id],
      ['g-3', recentlyEnded.id],
    ]);
    expect(repository.followedDevices('methane-high').sort()).toEqual(['g-1', 'g-2']);
    expect(repository.openForRule('methane-high').map((alert) => alert.id)).toEqual([open.id]);
  });

  it('lists newest first with filters and a page cursor', () => {
    const alerts = [
      anAlert({ deviceId: 'g-1', severity: 'warning' }),
      anAlert({ deviceId: 'w-1', domain: 'water', ruleId: 'water-low', state: 'acknowledged', startedAt: T0 + 10_000 }),
      anAlert({ deviceId: 'g-2', state: 'resolved', resolvedAt: T0 + 5000, flapping: false }),
      anAlert({ deviceId: 'g-3', flapping: true, town: 'Northfield' }),
    ];
    repository.save(alerts, [], notificationPayload);
    const ids = (filter: Parameters<AlertRepository['list']>[0]): number[] => repository.list(filter).items.map((alert) => alert.id);
    expect(ids({ limit: 10 })).toEqual([4, 3, 2, 1]);
    expect(ids({ states: ['firing', 'acknowledged'], limit: 10 })).toEqual([4, 2, 1]);
    expect(ids({ severity: 'warning', limit: 10 })).toEqual([1]);
    expect(ids({ domain: 'water', limit: 10 })).toEqual([2]);
    expect(ids({ deviceId: 'g-2', limit: 10 })).toEqual([3]);
    expect(ids({ ruleId: 'water-low', limit: 10 })).toEqual([2]);
    expect(ids({ town: 'Northfield', limit: 10 })).toEqual([4]);
    expect(ids({ flapping: true, limit: 10 })).toEqual([4]);
    expect(ids({ from: T0 + 6000, limit: 10 })).toEqual([4, 2, 1]);
    expect(ids({ to: T0 + 10_000, limit: 10 })).toEqual([4, 3, 1]);
    expect(repository.list({ limit: 2 })).toMatchObject({ matching: 4 });
    expect(ids({ limit: 2, beforeId: 3 })).toEqual([2, 1]);
  });

  it('counts open alerts per severity, state and flapping', () => {
    repository.save([anAlert(), anAlert({ deviceId: 'g-2', flapping: true }), anAlert({ deviceId: 'g-3', state: 'acknowledged' }), anAlert({ deviceId: 'g-4', state: 'resolved' })], [], notificationPayload);
    expect(repository.openCounts()).toEqual([
      { severity: 'critical', state: 'acknowledged', flapping: false, count: 1 },
      { severity: 'critical', state: 'firing', flapping: false, count: 1 },
      { severity: 'critical', state: 'firing', flapping: true, count: 1 },
    ]);
  });
});
