import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent } from '../testing/alert-fixtures';
import { AlertRepository } from './alert.repository';
import { NotificationOutboxRepository } from './notification-outbox.repository';

describe.each(TEST_STORES)('NotificationOutboxRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let alerts: AlertRepository;
  let outbox: NotificationOutboxRepository;
  let devices = 0;

  beforeEach(async () => {
    test = await open();
    alerts = new AlertRepository(test.store);
    outbox = new NotificationOutboxRepository(test.store);
  });
  afterEach(() => test.dispose());

  /** Stores events of one alert: each kind once; `commented` is history only. */
  async function store(...kinds: Parameters<typeof anEvent>[1][]): Promise<void> {
    const alert = anAlert({ deviceId: `g-${++devices}` });
    await alerts.save([alert], kinds.map((kind) => anEvent(alert, kind)), notificationPayload);
  }

  it('starts a new channel at the newest event, so old history is not replayed to it', async () => {
    await store('fired', 'resolved');
    expect(await outbox.cursor('webhook:abc')).toBe(2);
    await store('fired');
    expect((await outbox.pending(await outbox.cursor('webhook:abc'), 10)).map((entry) => entry.eventId)).toEqual([3]);
  });

  it('starts a channel once: first reads side by side agree on where it starts', async () => {
    await store('fired');
    const firsts = Promise.all(Array.from({ length: 5 }, () => outbox.cursor('mqtt')));
    await store('resolved');
    const cursors = await firsts;
    expect(new Set(cursors).size).toBe(1);
    expect(await outbox.cursor('mqtt')).toBe(cursors[0]);
  });

  it('hands out only events to notify, oldest first, after the cursor, and keeps the cursor', async () => {
    expect(await outbox.cursor('mqtt')).toBe(0);
    await store('fired', 'commented', 'acknowledged', 'resolved');
    const pending = await outbox.pending(0, 10);
    expect(pending.map((entry) => entry.eventId)).toEqual([1, 3, 4]);
    expect(JSON.parse(pending[1].payload)).toMatchObject({ event: 'acknowledged' });
    await outbox.advance('mqtt', 3);
    expect(await outbox.cursor('mqtt')).toBe(3);
    expect(await outbox.backlog(3)).toBe(1);
    expect(await outbox.newestEventId()).toBe(4);
  });

  it('finds where to skip to so that only the newest N remain', async () => {
    await store('fired', 'resolved', 'fired', 'resolved', 'fired');
    expect(await outbox.backlog(0)).toBe(5);
    expect(await outbox.skipTo(0, 2)).toBe(3);
    expect(await outbox.backlog(await outbox.skipTo(0, 2))).toBe(2);
    expect(await outbox.skipTo(0, 10)).toBe(0);
  });
});
