import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { AlertStats } from '../alert-stats';
import type { AlertNotification } from '../lifecycle/alert.view';
import { AlertRepository } from '../store/alert.repository';
import { NotificationOutboxRepository } from '../store/notification-outbox.repository';
import { anAlert, anEvent } from '../testing/alert-fixtures';
import { RecordingLogger } from '@hub/common/testing';
import { notificationPayload } from './alert-notification.payload';
import { NotificationChannel, NotificationDeliveryError } from './notification-channel';
import { NotificationDispatcher } from './notification-dispatcher';

/** A channel that answers with the scripted failures first, then takes everything. */
class ScriptedChannel implements NotificationChannel {
  readonly key = 'test';
  readonly label = 'test';
  readonly attempts: number[] = [];
  readonly delivered: AlertNotification[] = [];

  constructor(private readonly failures: Array<NotificationDeliveryError | undefined> = []) {}

  async deliver(notification: AlertNotification): Promise<void> {
    this.attempts.push(notification.eventId);
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.delivered.push(notification);
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('NotificationDispatcher', () => {
  let test: TestStore;
  let alerts: AlertRepository;
  let outbox: NotificationOutboxRepository;
  let stats: AlertStats;
  let logger: RecordingLogger;
  let dispatcher: NotificationDispatcher | undefined;
  const options = { retryMinMs: 5, retryMaxMs: 20, maxBacklog: 100, pollMs: 20 };

  beforeEach(async () => {
    test = await sqliteTestStore();
    alerts = new AlertRepository(test.store);
    outbox = new NotificationOutboxRepository(test.store);
    stats = new AlertStats();
    logger = new RecordingLogger();
    // The channel exists from the start (a channel seen for the first time skips older history).
    await outbox.cursor('test');
  });

  afterEach(async () => {
    await dispatcher?.stop();
    await test.dispose();
  });

  async function store(deviceId: string, ...kinds: Array<'fired' | 'resolved' | 'commented'>): Promise<void> {
    const alert = anAlert({ deviceId });
    await alerts.save([alert], kinds.map((kind) => anEvent(alert, kind)), notificationPayload);
  }

  function start(channel: NotificationChannel, overrides: Partial<typeof options> = {}): NotificationDispatcher {
    dispatcher = new NotificationDispatcher(channel, outbox, { ...options, ...overrides }, stats, logger);
    dispatcher.start();
    return dispatcher;
  }

  it('delivers every notified event in order, with its event id, and moves the stored cursor', async () => {
    const channel = new ScriptedChannel();
    start(channel);
    await store('g-1', 'fired', 'commented', 'resolved');
    await store('g-2', 'fired');
    dispatcher?.wake();
    await until(() => channel.delivered.length === 3, 'three deliveries');
    expect(channel.delivered.map((n) => [n.eventId, n.event, n.alert.deviceId])).toEqual([
      [1, 'fired', 'g-1'],
      [3, 'resolved', 'g-1'],
      [4, 'fired', 'g-2'],
    ]);
    await until(async () => (await outbox.cursor('test')) === 4, 'cursor at 4');
    expect(stats.channel('test')).toEqual({ delivered: 3, failedAttempts: 0, dropped: 0, backlog: 0 });
  });

  it('retries a failing receiver with growing back-off and keeps the order', async () => {
    const down = (): NotificationDeliveryError => new NotificationDeliveryError('POST answered 500', true);
    const channel = new ScriptedChannel([down(), down(), down()]);
    await store('g-1', 'fired', 'resolved');
    start(channel);
    await until(() => channel.delivered.length === 2, 'both delivered');
    expect(channel.attempts).toEqual([1, 1, 1, 1, 2]);
    expect(stats.channel('test')).toMatchObject({ delivered: 2, failedAttempts: 3, dropped: 0 });
    expect(logger.messages('warn')).toEqual(['Alert notification failed, retrying', 'Alert notification failed, retrying', 'Alert notification failed, retrying']);
    expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => (entry.message as { retryInMs: number }).retryInMs)).toEqual([5, 10, 20]);
  });

  it('drops a notification the receiver refuses for good, logs it, and goes on', async () => {
    const channel = new ScriptedChannel([new NotificationDeliveryError('POST answered 404', false)]);
    await store('g-1', 'fired', 'resolved');
    start(channel);
    await until(() => channel.delivered.length === 1, 'the second delivered');
    expect(channel.delivered[0].eventId).toBe(2);
    expect(stats.channel('test')).toMatchObject({ delivered: 1, failedAttempts: 1, dropped: 1 });
    expect(logger.messages('error')).toEqual(['Alert notification refused, not retried']);
  });

  it('skips the oldest when the backlog is over its bound, counting them', async () => {
    for (let device = 1; device <= 5; device++) await store(`g-${device}`, 'fired');
    const channel = new ScriptedChannel();
    start(channel, { maxBacklog: 2 });
    await until(() => channel.delivered.length === 2, 'the newest two');
    expect(channel.delivered.map((n) => n.eventId)).toEqual([4, 5]);
    expect(stats.channel('test').dropped).toBe(3);
    expect(logger.messages('error')).toEqual(['Alert notification backlog full: oldest notifications skipped']);
  });

  it('starts again from its cursor after a back-off when the database fails (a failover), while it still leads', async () => {
    await store('g-1', 'fired');
    let failures = 2;
    const leader = {
      fence: async () => {
        if (failures-- > 0) throw new Error('Connection terminated unexpectedly');
      },
      heldLocally: () => true,
    };
    const channel = new ScriptedChannel();
    dispatcher = new NotificationDispatcher(channel, outbox, options, stats, logger, leader);
    dispatcher.start();
    await until(() => channel.delivered.length === 1, 'the delivery after the database came back');
    expect(channel.delivered.map((n) => n.eventId)).toEqual([1]);
    expect(logger.messages('error')).toEqual(['Alert notification channel failed; starting again from its cursor', 'Alert notification channel failed; starting again from its cursor']);
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => (entry.message as { retryInMs: number }).retryInMs)).toEqual([5, 10]);
  });

  it('ends when it no longer leads (NotLeaderError), without retrying', async () => {
    await store('g-1', 'fired');
    let fences = 0;
    const notLeader = Object.assign(new Error('node-a no longer holds the alerts lease'), { name: 'NotLeaderError' });
    const leader = {
      fence: async () => {
        fences++;
        throw notLeader;
      },
      heldLocally: () => true,
    };
    const channel = new ScriptedChannel();
    dispatcher = new NotificationDispatcher(channel, outbox, options, stats, logger, leader);
    dispatcher.start();
    await until(() => logger.messages('warn').length === 1, 'the stop');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([fences, channel.attempts, logger.messages('warn'), logger.messages('error')]).toEqual([1, [], ['Alert notification channel stopped: this node no longer leads'], []]);
  });

  it('resumes after a restart where the previous run stopped', async () => {
    await store('g-1', 'fired');
    const first = new ScriptedChannel();
    start(first);
    await until(() => first.delivered.length === 1, 'first run');
    await dispatcher?.stop();
    await store('g-2', 'fired');
    const second = new ScriptedChannel();
    start(second);
    await until(() => second.delivered.length === 1, 'second run');
    expect(second.delivered.map((n) => [n.eventId, n.alert.deviceId])).toEqual([[2, 'g-2']]);
  });
});
