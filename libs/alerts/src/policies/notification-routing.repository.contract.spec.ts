import { sql } from 'kysely';
import type { Store } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { MAX_DELIVERY_ROWS, NotificationRoutingRepository, type DeliveryRecord, type OpenAlertRow } from './notification-routing.repository';

const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

/** A log row of message `n` carrying alerts n and n + 1 (so each alert is in two messages). */
function row(n: number): Omit<DeliveryRecord, 'id'> {
  return {
    at: T0 + n,
    messageId: n,
    route: 'routes[0]',
    contactPoint: 'gas-dingtalk',
    kind: 'dingtalk',
    level: 0,
    reason: 'new',
    outcome: 'sent',
    attempt: 1,
    alerts: [n, n + 1].map((alertId) => ({ alertId, eventId: alertId, deviceId: `g-${alertId}`, event: 'fired' })),
    providerAnswer: '200 {"errcode":0}',
  };
}

async function count(store: Store, query: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`${sql.raw(query)}`.execute(store.db);
  return Number(rows[0].n);
}

function openAlert(route: string, groupKey: string, alertId: number, nextLevelAt: number | null): OpenAlertRow {
  return { route, alertId, groupKey, severity: 'critical', firedAt: T0, level: 0, nextLevelAt, payload: `{"alert":${alertId}}` };
}

describe.each(TEST_STORES)('NotificationRoutingRepository on %s', (dialect, open) => {
  let test: TestStore;
  let state: NotificationRoutingRepository;

  beforeEach(async () => {
    test = await open();
    state = new NotificationRoutingRepository(test.store);
  });

  afterEach(() => test.dispose());

  describe('delivery log', () => {
    it('indexes each row under every alert it carried, and reads an alert’s rows oldest first', async () => {
      for (let n = 1; n <= 3; n++) await state.recordDelivery(row(n));
      expect((await state.deliveriesOfAlert(2)).map((entry) => [entry.messageId, entry.kind, entry.alerts.map((alert) => alert.alertId)])).toEqual([
        [1, 'dingtalk', [1, 2]],
        [2, 'dingtalk', [2, 3]],
      ]);
      expect(await state.deliveriesOfAlert(5)).toEqual([]);
    });

    it('answers each alert its own rows whole, oldest first, and the log newest first; an alert listed twice in a message is indexed once', async () => {
      const ids = [];
      for (let n = 1; n <= 4; n++) ids.push(await state.recordDelivery(row(n * 10)));
      const twice = { ...row(50), alerts: [...row(50).alerts, row(50).alerts[0]] };
      ids.push(await state.recordDelivery(twice));
      expect(ids).toEqual([1, 2, 3, 4, 5]);
      expect(await state.deliveriesOfAlert(50)).toEqual([{ id: 5, ...twice }]);
      expect(await state.deliveriesOfAlert(21)).toEqual([{ id: 2, ...row(20) }]);
      expect((await state.deliveries(3)).map((entry) => entry.id)).toEqual([5, 4, 3]);
      expect(await count(test.store, 'SELECT COUNT(*) AS n FROM notification_delivery_alerts WHERE alert_id = 50')).toBe(1);
    });

    it('keeps the newest rows up to its limit, and trims their per-alert entries with them (no orphans)', async () => {
      // The production limit (MAX_DELIVERY_ROWS, trimmed every 1000) scaled down a hundredfold: the same arithmetic.
      expect(MAX_DELIVERY_ROWS).toBe(100_000);
      const small = new NotificationRoutingRepository(test.store, { keepRows: 1000, trimEvery: 100 });
      const total = 1000 + 200;
      await test.store.tx(async (tx) => {
        for (let n = 1; n <= total; n++) await small.recordDelivery(row(n), tx.exec);
      });
      // Trimmed at each hundredth row: at row 1200, everything up to row 200 went.
      expect(await count(test.store, 'SELECT COUNT(*) AS n FROM notification_deliveries')).toBe(1000);
      expect(await count(test.store, 'SELECT MIN(id) AS n FROM notification_deliveries')).toBe(201);
      expect(await count(test.store, 'SELECT COUNT(*) AS n FROM notification_delivery_alerts WHERE delivery_id NOT IN (SELECT id FROM notification_deliveries)')).toBe(0);
      expect(await count(test.store, 'SELECT COUNT(*) AS n FROM notification_delivery_alerts')).toBe(2 * 1000);
      // Alert 201 was in rows 200 (gone) and 201 (kept); alert 200 only in gone rows.
      expect((await small.deliveriesOfAlert(201)).map((entry) => entry.messageId)).toEqual([201]);
      expect(await small.deliveriesOfAlert(200)).toEqual([]);
    });

    it('trims when its ids skip the trim mark (PostgreSQL skips the ids of rolled-back inserts), and after a restart', async () => {
      const limits = { keepRows: 5, trimEvery: 10 };
      const small = new NotificationRoutingRepository(test.store, limits);
      for (let n = 1; n <= 9; n++) await small.recordDelivery(row(n));
      await expect(
        test.store.tx(async (tx) => {
          for (let n = 100; n < 103; n++) await small.recordDelivery(row(n), tx.exec);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // A restarted hub: its mark comes from the log's highest id.
      const restarted = new NotificationRoutingRepository(test.store, limits);
      const id = await restarted.recordDelivery(row(10));
      const kept = async (): Promise<number[]> => (await restarted.deliveries(100)).map((entry) => entry.id).reverse();
      if (dialect === 'postgres') {
        // Ids 10–12 went with the rollback: 13 is the first at or past the mark of 10 (never a multiple of ten).
        expect(id).toBe(13);
        expect(await kept()).toEqual([9, 13]);
      } else {
        expect(id).toBe(10);
        expect(await kept()).toEqual([6, 7, 8, 9, 10]);
      }
      expect(await count(test.store, 'SELECT COUNT(*) AS n FROM notification_delivery_alerts WHERE delivery_id NOT IN (SELECT id FROM notification_deliveries)')).toBe(0);
      // The next mark is ten ids further on (not the next multiple of ten): nine more rows trim nothing, the tenth does.
      for (let n = 11; n <= 19; n++) await restarted.recordDelivery(row(n));
      expect((await kept())[0]).toBe(dialect === 'postgres' ? 9 : 6);
      expect(await restarted.recordDelivery(row(20))).toBe(id + 10);
      expect(await kept()).toEqual([id + 6, id + 7, id + 8, id + 9, id + 10]);
    });
  });

  describe('routing state', () => {
    it('starts at event 0 and keeps the last event routed', async () => {
      expect(await state.lastEventId()).toBe(0);
      await state.setLastEventId(41);
      await state.setLastEventId(42);
      expect(await state.lastEventId()).toBe(42);
    });

    it('replaces a waiting change of the same alert, and hands a group’s changes over in event order, once', async () => {
      await state.addPending('routes[0]', 'g1', { alertId: 7, eventId: 3, reason: 'new', payload: 'a7-fired' });
      await state.addPending('routes[0]', 'g1', { alertId: 5, eventId: 4, reason: 'new', payload: 'a5-fired' });
      await state.addPending('routes[0]', 'g2', { alertId: 7, eventId: 5, reason: 'new', payload: 'other group' });
      await state.addPending('routes[0]', 'g1', { alertId: 7, eventId: 6, reason: 'resolved', payload: 'a7-resolved' });
      expect(await state.takePending('routes[0]', 'g1')).toEqual([
        { alertId: 5, eventId: 4, reason: 'new', payload: 'a5-fired' },
        { alertId: 7, eventId: 6, reason: 'resolved', payload: 'a7-resolved' },
      ]);
      expect(await state.takePending('routes[0]', 'g1')).toEqual([]);
      expect(await state.takePending('routes[0]', 'g2')).toEqual([{ alertId: 7, eventId: 5, reason: 'new', payload: 'other group' }]);
    });

    it('saves a group over its previous state and finds the groups due, first or repeat', async () => {
      const group = { route: 'routes[0]', groupKey: 'B', severity: 'critical' as const, dueAt: T0 + 10, lastSentAt: null, repeatDueAt: null };
      await state.saveGroup(group);
      await state.saveGroup({ ...group, groupKey: 'A', dueAt: null, lastSentAt: T0 - 5, repeatDueAt: T0 + 5 });
      await state.saveGroup({ ...group, groupKey: 'C', dueAt: T0 + 100 });
      await state.saveGroup({ ...group, groupKey: 'D', dueAt: null });
      expect(await state.group('routes[0]', 'D')).toEqual({ ...group, groupKey: 'D', dueAt: null });
      expect(await state.group('routes[0]', 'E')).toBeUndefined();
      expect((await state.groupsDue(T0 + 10)).map((due) => due.groupKey)).toEqual(['A', 'B']);
      expect((await state.groupsDue(T0 + 4)).map((due) => due.groupKey)).toEqual([]);
    });

    it('finds the escalations due in route, group and alert order, and forgets an alert once closed', async () => {
      await state.saveOpenAlert(openAlert('routes[1]', 'g1', 3, T0));
      await state.saveOpenAlert(openAlert('routes[0]', 'g2', 1, T0 - 1));
      await state.saveOpenAlert(openAlert('routes[0]', 'g1', 9, T0 - 60_000));
      await state.saveOpenAlert(openAlert('routes[0]', 'g1', 4, T0));
      await state.saveOpenAlert(openAlert('routes[0]', 'g1', 5, T0 + 1)); // not yet
      await state.saveOpenAlert(openAlert('routes[0]', 'g1', 6, null)); // its last level is behind it
      const due = async (): Promise<string[]> => (await state.escalationsDue(T0)).map((alert) => `${alert.route} ${alert.groupKey} #${alert.alertId} L${alert.level}`);
      expect(await due()).toEqual(['routes[0] g1 #4 L0', 'routes[0] g1 #9 L0', 'routes[0] g2 #1 L0', 'routes[1] g1 #3 L0']);
      // The next level saved over the row: due again only when its time comes.
      await state.saveOpenAlert({ ...openAlert('routes[0]', 'g1', 9, T0 + 30_000), level: 1 });
      await state.closeAlert(3);
      expect(await due()).toEqual(['routes[0] g1 #4 L0', 'routes[0] g2 #1 L0']);
      expect((await state.openAlertsOf('routes[0]', 'g1')).map((alert) => [alert.alertId, alert.level, alert.nextLevelAt])).toEqual([
        [4, 0, T0],
        [5, 0, T0 + 1],
        [6, 0, null],
        [9, 1, T0 + 30_000],
      ]);
    });

    it('keeps one queue per contact point: the heads are each one’s oldest message, and a retried head stays the head', async () => {
      const queue = (contactPoint: string, at = T0): Promise<number> => state.queue({ route: 'routes[0]', contactPoint, level: 0, reason: 'new', alerts: '[]', nextAttemptAt: at }, T0);
      const ids = [await queue('robot'), await queue('sms'), await queue('robot'), await queue('email'), await queue('email', T0 + 60_000)];
      expect(ids).toEqual([1, 2, 3, 4, 5]);
      const heads = async (): Promise<string[]> => (await state.headsOfQueues()).map((message) => `${message.contactPoint} m${message.id} #${message.attempts} @${message.nextAttemptAt - T0}`);
      expect(await heads()).toEqual(['robot m1 #0 @0', 'sms m2 #0 @0', 'email m4 #0 @0']);
      await state.retryLater(1, 1, T0 + 1000);
      await state.done(2);
      await state.done(4);
      expect(await heads()).toEqual(['robot m1 #1 @1000', 'email m5 #0 @60000']);
      expect((await state.dueOf('robot', T0 + 1000, 10)).map((message) => message.id)).toEqual([1, 3]);
      expect((await state.dueOf('robot', T0 + 999, 10)).map((message) => message.id)).toEqual([3]);
      expect((await state.dueOf('robot', T0 + 1000, 1)).map((message) => message.id)).toEqual([1]);
      expect((await state.dueOf('email', T0, 10)).map((message) => message.id)).toEqual([]);
      expect((await state.headsOfQueues())[0]).toEqual({ id: 1, route: 'routes[0]', contactPoint: 'robot', level: 0, reason: 'new', alerts: '[]', attempts: 1, nextAttemptAt: T0 + 1000, createdAt: T0 });
    });
  });
});
