import { SILENT_LOGGER } from '@hub/common';
import type { Store } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { AlertEventKind } from '../lifecycle/alert';
import { AlertNotification, toAlertView } from '../lifecycle/alert.view';
import { anAlert, T0 } from '../testing/alert-fixtures';
import { RecordingContactPoints } from '../testing/recording-contact-points';
import { ContactPointSender } from './contact-point.sender';
import { DeliveryLog } from './delivery-log';
import { DEFAULT_POLICY_TREE, NotificationPolicyTree } from './notification-policy';
import { NotificationRouter } from './notification-router';
import { NotificationRoutingRepository, type DeliveryRecord } from './notification-routing.repository';

const MINUTE = 60_000;
const GIVE_UP_AFTER_MS = 10 * MINUTE;

const TREE: NotificationPolicyTree = {
  ...DEFAULT_POLICY_TREE,
  contactPoints: ['county-duty'],
  repeatIntervalMs: 0,
  routes: [
    {
      matchers: { domains: ['gas'], severities: ['critical'] },
      contactPoints: ['gas-dingtalk', 'duty-sms'],
      groupWaitMs: 30_000,
      groupIntervalMs: 5 * MINUTE,
      repeatIntervalMs: 60 * MINUTE,
      escalation: [
        { afterMs: 15 * MINUTE, contactPoints: ['duty-officer'] },
        { afterMs: 30 * MINUTE, contactPoints: ['gas-head-email'] },
      ],
    },
    { matchers: { domains: ['water'] }, contactPoints: ['water-robot'], groupWaitMs: 10_000, quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai' } },
  ],
};

/** The router and sender on one database, with a clock the test moves; a "restart" builds new ones on the same database. */
class Harness {
  now = T0;
  eventId = 0;
  readonly port = new RecordingContactPoints(['county-duty', 'gas-dingtalk', 'duty-sms', 'duty-officer', 'gas-head-email', 'water-robot']);
  router!: NotificationRouter;
  sender!: ContactPointSender;
  log!: DeliveryLog;

  constructor(
    readonly store: Store,
    private readonly tree: NotificationPolicyTree = TREE,
  ) {
    this.restart();
  }

  restart(): void {
    const state = new NotificationRoutingRepository(this.store);
    this.log = new DeliveryLog(this.store, state, (name) => this.port.kindOf(name));
    this.router = new NotificationRouter(state, () => this.tree, this.log, SILENT_LOGGER, (names) => this.port.personalRecipients(names));
    this.sender = new ContactPointSender(this.port, state, this.log, { retryMinMs: 1000, retryMaxMs: 8000, giveUpAfterMs: GIVE_UP_AFTER_MS, claimMs: 30_000 }, SILENT_LOGGER, () => this.now);
  }

  async change(kind: AlertEventKind, id: number, overrides: Parameters<typeof anAlert>[0] = {}): Promise<AlertNotification> {
    const notification: AlertNotification = {
      eventId: ++this.eventId,
      event: kind,
      at: new Date(this.now).toISOString(),
      actor: 'system',
      note: null,
      previousState: null,
      alert: toAlertView(anAlert({ id, deviceId: `g-${id}`, town: 'Ashford', state: kind === 'resolved' ? 'resolved' : kind === 'acknowledged' ? 'acknowledged' : 'firing', ...overrides })),
    };
    await this.router.record(notification, this.now);
    return notification;
  }

  /** Moves the clock in ticks of `stepMs`, sending what is due at each. */
  async advance(ms: number, stepMs = 1000): Promise<void> {
    for (const end = this.now + ms; this.now < end; ) {
      this.now = Math.min(end, this.now + stepMs);
      await this.router.tick(this.now);
      await this.sender.sendDue();
      await this.sender.idle();
    }
  }

  sent(): string[] {
    return this.port.sent.map((message) => `${message.contactPoint} L${message.level} ${message.reason}: ${message.deviceIds.join(',')}`);
  }
}

/**
 * Log rows in time order, as read (oldest first). Rows of the same millisecond from sends to different contact points
 * are in no defined order: the sends run side by side, and on PostgreSQL their transactions commit in either order.
 * Within a millisecond they are compared by attempt, then message; rows of different times must already be in order.
 */
function oldestFirst(entries: DeliveryRecord[]): DeliveryRecord[] {
  expect(entries.map((entry) => entry.at)).toEqual(entries.map((entry) => entry.at).sort((a, b) => a - b));
  return [...entries].sort((a, b) => a.at - b.at || a.attempt - b.attempt || (a.messageId ?? 0) - (b.messageId ?? 0));
}

describe.each(TEST_STORES)('NotificationRouter with ContactPointSender on %s', (_dialect, open) => {
  let test: TestStore;
  let store: Store;
  let hub: Harness;

  beforeEach(async () => {
    test = await open();
    store = test.store;
    hub = new Harness(store);
  });

  afterEach(() => test.dispose());

  it('sends the alerts of one rule that fire within the group wait as one message per contact point, at the end of the wait', async () => {
    for (let id = 1; id <= 30; id++) {
      await hub.change('fired', id);
      await hub.advance(500, 500);
    }
    expect(hub.sent()).toEqual([]); // 15 s in: the 30 s group wait runs
    await hub.advance(15_000);
    const everyDevice = Array.from({ length: 30 }, (_, index) => `g-${index + 1}`).join(',');
    expect(hub.sent()).toEqual([`gas-dingtalk L0 new: ${everyDevice}`, `duty-sms L0 new: ${everyDevice}`]);
    // A later change waits for the group interval after the last message.
    await hub.change('resolved', 3);
    await hub.advance(5 * MINUTE - 1000);
    expect(hub.port.sent).toHaveLength(2);
    await hub.advance(1000);
    expect(hub.sent().slice(2)).toEqual(['gas-dingtalk L0 resolved: g-3', 'duty-sms L0 resolved: g-3']);
  });

  it('escalates an unacknowledged alert level by level, and stops at the acknowledgement', async () => {
    await hub.change('fired', 1);
    await hub.advance(15 * MINUTE, 30_000);
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1', 'duty-sms L0 new: g-1', 'duty-officer L1 escalation: g-1']);
    await hub.change('acknowledged', 1);
    await hub.advance(60 * MINUTE, 30_000);
    expect(hub.port.sent).toHaveLength(3); // neither level 2 nor the hourly repeat
  });

  it('neither repeats a level nor skips one across a restart, and ignores redelivered events', async () => {
    const fired = await hub.change('fired', 1);
    await hub.advance(16 * MINUTE, 30_000);
    hub.restart();
    await hub.router.record(fired, hub.now); // the outbox sends it again after the restart
    await hub.advance(20 * MINUTE, 30_000);
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1', 'duty-sms L0 new: g-1', 'duty-officer L1 escalation: g-1', 'gas-head-email L2 escalation: g-1']);
  });

  it('routes an event recorded twice at once (two hubs, or a redelivery racing the first) exactly once', async () => {
    let routings = 0;
    const counting = (): NotificationPolicyTree => {
      routings++;
      return TREE;
    };
    const nodes = [1, 2].map(() => {
      const state = new NotificationRoutingRepository(store);
      return new NotificationRouter(state, counting, new DeliveryLog(store, state, (name) => hub.port.kindOf(name)), SILENT_LOGGER);
    });
    const notification: AlertNotification = {
      eventId: 1,
      event: 'fired',
      at: new Date(hub.now).toISOString(),
      actor: 'system',
      note: null,
      previousState: null,
      alert: toAlertView(anAlert({ id: 1, deviceId: 'g-1', town: 'Ashford' })),
    };
    await Promise.all(nodes.map((router) => router.record(notification, hub.now)));
    expect(routings).toBe(1);
    hub.eventId = 1;
    await hub.advance(30_000);
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1', 'duty-sms L0 new: g-1']);
  });

  it('queues a due group once when two ticks run at once', async () => {
    await hub.change('fired', 1);
    hub.now += 30_000;
    const other = new NotificationRoutingRepository(store);
    const second = new NotificationRouter(other, () => TREE, new DeliveryLog(store, other, (name) => hub.port.kindOf(name)), SILENT_LOGGER);
    const queued = await Promise.all([hub.router.tick(hub.now), second.tick(hub.now)]);
    expect(queued.sort()).toEqual([0, 2]);
    await hub.advance(1000);
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1', 'duty-sms L0 new: g-1']);
  });

  it('catches up on a level that fell due while it was down, exactly once', async () => {
    await hub.change('fired', 1);
    await hub.advance(60_000);
    hub.restart();
    hub.now += 40 * MINUTE; // down past both levels
    await hub.advance(1000);
    expect(hub.sent().slice(2)).toEqual(['duty-officer L1 escalation: g-1']);
    await hub.advance(1000);
    expect(hub.sent().slice(3)).toEqual(['gas-head-email L2 escalation: g-1']);
  });

  it('repeats a still-firing unacknowledged alert every repeat interval', async () => {
    hub = new Harness(store, { ...TREE, routes: [{ ...TREE.routes[0], escalation: [] }] });
    await hub.change('fired', 1);
    await hub.change('fired', 2);
    await hub.advance(61 * MINUTE, 60_000); // sent at the first tick after the 30 s wait (1 min), repeated an hour later
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1,g-2', 'duty-sms L0 new: g-1,g-2', 'gas-dingtalk L0 repeat: g-1,g-2', 'duty-sms L0 repeat: g-1,g-2']);
    await hub.change('acknowledged', 2);
    await hub.advance(60 * MINUTE, 60_000);
    expect(hub.sent().slice(4)).toEqual(['gas-dingtalk L0 repeat: g-1', 'duty-sms L0 repeat: g-1']);
  });

  it('holds a water warning in quiet hours and sends it when they end', async () => {
    hub.now = Date.UTC(2026, 0, 15, 15, 30, 0); // 23:30 in Shanghai
    await hub.change('fired', 7, { domain: 'water', severity: 'warning', ruleId: 'pressure-low' });
    await hub.advance(7 * 3_600_000 + 29 * MINUTE, 60_000);
    expect(hub.sent()).toEqual([]);
    await hub.advance(MINUTE, 60_000);
    expect(hub.sent()).toEqual(['water-robot L0 new: g-7']);
    expect(new Date(hub.now).toISOString()).toBe('2026-01-15T23:00:00.000Z');
  });

  it('retries a dead contact point with back-off without holding up the others, and logs a refusal for good', async () => {
    const dead = { ok: false, retryable: true, providerAnswer: '503 busy' };
    hub.port.answers.set('gas-dingtalk', [dead, dead, dead]);
    hub.port.answers.set('duty-sms', [{ ok: false, retryable: false, providerAnswer: 'template not registered' }]);
    await hub.change('fired', 1);
    await hub.advance(30_000);
    await hub.advance(1000); // retry 1 after 1 s
    await hub.advance(2000); // retry 2 after 2 s
    await hub.advance(3000);
    expect(hub.sent()).toEqual(['gas-dingtalk L0 new: g-1', 'duty-sms L0 new: g-1', 'gas-dingtalk L0 new: g-1', 'gas-dingtalk L0 new: g-1']);
    await hub.advance(1000); // retry 3 4 s after the second
    const log = oldestFirst((await new NotificationRoutingRepository(store).deliveries(10)).reverse()).map(
      (entry) => `${entry.contactPoint} #${entry.attempt} ${entry.outcome} (${entry.providerAnswer}) +${entry.at - T0}`,
    );
    expect(log).toEqual([
      'gas-dingtalk #0 queued () +30000',
      'duty-sms #0 queued () +30000',
      'gas-dingtalk #1 failed (503 busy) +30000',
      'duty-sms #1 given-up (template not registered) +30000',
      'gas-dingtalk #2 failed (503 busy) +31000',
      'gas-dingtalk #3 failed (503 busy) +33000',
      'gas-dingtalk #4 sent (recorded) +37000',
    ]);
    expect(hub.log.counts.entries()).toEqual([
      { kind: 'webhook', outcome: 'queued', count: 2 },
      { kind: 'webhook', outcome: 'sent', count: 1 },
      { kind: 'webhook', outcome: 'failed', count: 3 },
      { kind: 'webhook', outcome: 'given-up', count: 1 },
    ]);
  });

  it('logs each queued message (attempt 0) and its attempts under one message id, per alert, oldest first', async () => {
    hub.port.answers.set('gas-dingtalk', [{ ok: false, retryable: true, providerAnswer: '503 busy' }]);
    await hub.change('fired', 1);
    await hub.change('fired', 2);
    await hub.advance(31_000);
    await hub.change('resolved', 2);
    await hub.advance(5 * MINUTE);
    const state = new NotificationRoutingRepository(store);
    const line = (entry: DeliveryRecord) =>
      `m${entry.messageId} ${entry.contactPoint} (${entry.kind}) L${entry.level} ${entry.reason} ${entry.outcome} #${entry.attempt} [${entry.alerts.map((alert) => alert.deviceId).join(',')}] ${entry.providerAnswer} +${entry.at - T0}`;
    expect(oldestFirst(await state.deliveriesOfAlert(1)).map(line)).toEqual([
      'm1 gas-dingtalk (webhook) L0 new queued #0 [g-1,g-2]  +30000',
      'm2 duty-sms (webhook) L0 new queued #0 [g-1,g-2]  +30000',
      'm1 gas-dingtalk (webhook) L0 new failed #1 [g-1,g-2] 503 busy +30000',
      'm2 duty-sms (webhook) L0 new sent #1 [g-1,g-2] recorded +30000',
      'm1 gas-dingtalk (webhook) L0 new sent #2 [g-1,g-2] recorded +31000',
    ]);
    // Alert 2's timeline has the group message and its resolution (5 minutes after the group's last message); alert 3 has none.
    expect(oldestFirst(await state.deliveriesOfAlert(2)).map(line).slice(5)).toEqual([
      'm3 gas-dingtalk (webhook) L0 resolved queued #0 [g-2]  +330000',
      'm4 duty-sms (webhook) L0 resolved queued #0 [g-2]  +330000',
      'm3 gas-dingtalk (webhook) L0 resolved sent #1 [g-2] recorded +330000',
      'm4 duty-sms (webhook) L0 resolved sent #1 [g-2] recorded +330000',
    ]);
    expect(await state.deliveriesOfAlert(3)).toEqual([]);
  });

  it('gives up a message still refused HUB_NOTIFY_GIVE_UP_AFTER after it was queued, saying why, and goes on with the next one', async () => {
    const dead = { ok: false, retryable: true, providerAnswer: '503 robot down' };
    hub.port.answers.set('gas-dingtalk', Array.from({ length: 1000 }, () => dead));
    await hub.change('fired', 1);
    await hub.advance(30_000); // queued and first tried at +30 s
    await hub.change('fired', 2, { ruleId: 'other-rule' }); // another group: queued at +60 s behind the first in gas-dingtalk's queue
    // Back-off 1, 2, 4, 8, 8 … s: attempts at +30, 31, 33, 37, 45, 53 … s; the first at or after +30 s + 10 min is
    // attempt 79 at +637 s, and it is the last.
    await hub.advance(GIVE_UP_AFTER_MS + 10_000);
    const state = new NotificationRoutingRepository(store);
    const attempts = (await state.deliveriesOfAlert(1)).filter((entry) => entry.contactPoint === 'gas-dingtalk' && entry.outcome !== 'queued');
    const last = attempts[attempts.length - 1];
    expect([attempts.length, last.outcome, last.attempt, last.at - T0]).toEqual([79, 'given-up', 79, 637_000]);
    expect(last.providerAnswer).toBe('still failing after 10m, 79 attempts: 503 robot down');
    expect(attempts.slice(0, -1).map((entry) => entry.outcome)).toEqual(Array.from({ length: 78 }, () => 'failed'));
    // Dropped from the queue: alert 2's message is now the head, tried at the next tick.
    const second = (await state.deliveriesOfAlert(2)).filter((entry) => entry.contactPoint === 'gas-dingtalk');
    expect(second.slice(0, 2).map((entry) => [entry.outcome, entry.attempt, entry.at - T0])).toEqual([
      ['queued', 0, 60_000],
      ['failed', 1, 638_000],
    ]);
    expect(hub.log.counts.of('given-up', 'webhook')).toBe(1);
  });

  it('sends a named route’s messages, not its escalations, to the operators subscribed to it or a route above it, each with only the alerts in their scope', async () => {
    const named: NotificationPolicyTree = {
      ...TREE,
      routes: [{ name: 'gas', matchers: { domains: ['gas'] }, groupWaitMs: 10_000, routes: [{ name: 'gas-critical', ...TREE.routes[0], matchers: { severities: ['critical'] } }] }],
    };
    hub = new Harness(store, named);
    const ashfordOnly = { destination: '@li.wei/email', covers: (alert: { town: string | null }) => alert.town === 'Ashford' };
    const county = { destination: '@duty/sms', covers: () => true };
    hub.port.subscriptions.set('gas', [ashfordOnly]);
    hub.port.subscriptions.set('gas-critical', [county, ashfordOnly]);
    await hub.change('fired', 1);
    await hub.change('fired', 2, { town: 'Brookfield' });
    await hub.change('fired', 3, { town: 'Brookfield', severity: 'warning' });
    await hub.advance(32_000); // each contact point sends its messages one after the other, a tick apart
    expect(hub.sent()).toEqual([
      'county-duty L0 new: g-3', // the warning stops at "gas" (10 s group wait), whose contact points are the default's; Brookfield is not li.wei's
      'gas-dingtalk L0 new: g-1',
      'duty-sms L0 new: g-1',
      '@li.wei/email L0 new: g-1',
      '@duty/sms L0 new: g-1',
      'gas-dingtalk L0 new: g-2', // Brookfield: not li.wei's
      'duty-sms L0 new: g-2',
      '@duty/sms L0 new: g-2',
    ]);
    await hub.advance(15 * MINUTE, 30_000);
    expect(hub.sent().slice(8)).toEqual(['duty-officer L1 escalation: g-1', 'duty-officer L1 escalation: g-2']);
  });

  it('keeps a DingTalk robot within 20 messages a minute by sending the messages due together as one, dropping none', async () => {
    const port = new RecordingContactPoints(['gas-dingtalk', 'duty-sms', 'county-duty'], { 'gas-dingtalk': 'dingtalk' });
    const robotOnly: NotificationPolicyTree = { ...TREE, routes: [{ ...TREE.routes[0], contactPoints: ['gas-dingtalk'], escalation: [], repeatIntervalMs: 0 }] };
    const state = new NotificationRoutingRepository(store);
    const log = new DeliveryLog(store, state, (name) => port.kindOf(name));
    const router = new NotificationRouter(state, () => robotOnly, log, SILENT_LOGGER);
    const sender = new ContactPointSender(port, state, log, { retryMinMs: 1000, retryMaxMs: 8000, giveUpAfterMs: GIVE_UP_AFTER_MS, claimMs: 30_000 }, SILENT_LOGGER, () => hub.now);
    const fire = (id: number, town: string): Promise<void> =>
      router.record({ eventId: id, event: 'fired', at: new Date(hub.now).toISOString(), actor: 'system', note: null, previousState: null, alert: toAlertView(anAlert({ id, deviceId: `g-${id}`, town })) }, hub.now);
    const run = async (ms: number): Promise<void> => {
      for (const end = hub.now + ms; hub.now < end; ) {
        hub.now += 1000;
        await router.tick(hub.now);
        await sender.sendDue();
        await sender.idle();
      }
    };
    // 18 towns' groups go out one message each, one a tick (a contact point sends one message at a time): within the budget.
    for (let id = 1; id <= 18; id++) await fire(id, `town-${id}`);
    await run(48_000);
    expect(port.sent.map((message) => message.deviceIds.length)).toEqual(Array.from({ length: 18 }, () => 1));
    // 7 more groups due within the minute of those 18 sends, 2 sends left: they go together, as one message of all 7.
    for (let id = 19; id <= 25; id++) await fire(id, `town-${id}`);
    await run(31_000);
    expect(port.sent.slice(18).map((message) => message.deviceIds.join(','))).toEqual(['g-19,g-20,g-21,g-22,g-23,g-24,g-25']);
    const sentRows = (await state.deliveries(1000)).filter((row) => row.outcome === 'sent');
    expect(sentRows).toHaveLength(25); // every message's own row says it was sent
    expect(new Set(sentRows.slice(0, 7).map((row) => row.attempt))).toEqual(new Set([1]));
  });
});
