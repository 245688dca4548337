import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertRepository } from './alert.repository';

describe('AlertRepository: the live feed’s reads', () => {
  let db: SqliteDatabase;
  let repository: AlertRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    repository = new AlertRepository(db);
  });

  afterEach(() => db.close());

  it('has no last event before anything happened', () => {
    expect(repository.lastEventId()).toBe(0);
    expect(repository.eventsAfter(0, 10)).toEqual([]);
  });

  it('gives every alert’s events after a cursor, oldest first, notified or not, up to the limit', () => {
    const gas = anAlert();
    const water = anAlert({ deviceId: 'w-1', ruleId: 'water' });
    repository.save([gas], [anEvent(gas, 'fired')], notificationPayload);
    repository.save([water], [anEvent(water, 'fired', T0 + 2000)], notificationPayload);
    repository.save([], [{ ...anEvent(gas, 'commented', T0 + 3000), notify: false, note: 'crew on the way' }], notificationPayload);
    expect(repository.lastEventId()).toBe(3);
    expect(repository.eventsAfter(0, 10).map((event) => [event.id, event.alertId, event.kind])).toEqual([
      [1, gas.id, 'fired'],
      [2, water.id, 'fired'],
      [3, gas.id, 'commented'],
    ]);
    expect(repository.eventsAfter(1, 1).map((event) => event.id)).toEqual([2]);
    expect(repository.eventsAfter(3, 10)).toEqual([]);
  });
});
