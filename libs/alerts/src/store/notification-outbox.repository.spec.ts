import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent } from '../testing/alert-fixtures';
import { AlertRepository } from './alert.repository';
import { NotificationOutboxRepository } from './notification-outbox.repository';

describe('NotificationOutboxRepository (SQLite in memory)', () => {
  let db: SqliteDatabase;
  let alerts: AlertRepository;
  let outbox: NotificationOutboxRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    alerts = new AlertRepository(db);
    outbox = new NotificationOutboxRepository(db);
  });

  afterEach(() => db.close());

  /** Stores events of one alert: each kind once; `commented` is history only. */
  function store(...kinds: Parameters<typeof anEvent>[1][]): void {
    const alert = anAlert({ deviceId: `g-${Math.random().toString(36).slice(2, 8)}` });
    alerts.save([alert], kinds.map((kind) => anEvent(alert, kind)), notificationPayload);
  }

  it('starts a new channel at the newest event, so old history is not replayed to it', () => {
    store('fired', 'resolved');
    expect(outbox.cursor('webhook:abc')).toBe(2);
    store('fired');
    expect(outbox.pending(outbox.cursor('webhook:abc'), 10).map((entry) => entry.eventId)).toEqual([3]);
  });

  it('hands out only events to notify, oldest first, after the cursor, and keeps the cursor', () => {
    expect(outbox.cursor('mqtt')).toBe(0);
    store('fired', 'commented', 'acknowledged', 'resolved');
    const pending = outbox.pending(0, 10);
    expect(pending.map((entry) => entry.eventId)).toEqual([1, 3, 4]);
    expect(JSON.parse(pending[1].payload)).toMatchObject({ event: 'acknowledged' });
    outbox.advance('mqtt', 3);
    expect(outbox.cursor('mqtt')).toBe(3);
    expect(outbox.backlog(3)).toBe(1);
  });

  it('finds where to skip to so that only the newest N remain', () => {
    store('fired', 'resolved', 'fired', 'resolved', 'fired');
    expect(outbox.backlog(0)).toBe(5);
    expect(outbox.skipTo(0, 2)).toBe(3);
    expect(outbox.backlog(outbox.skipTo(0, 2))).toBe(2);
    expect(outbox.skipTo(0, 10)).toBe(0);
  });
});
