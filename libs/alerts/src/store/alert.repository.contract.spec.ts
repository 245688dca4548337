import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { Alert, AlertEventDraft } from '../lifecycle/alert';
import { notificationPayload } from '../notifications/alert-notification.payload';
import { anAlert, anEvent, T0 } from '../testing/alert-fixtures';
import { AlertRepository } from './alert.repository';

/**
 * On SQLite the index says so by its columns in the message, on PostgreSQL by the constraint's name. Matched on the
 * message, not with toThrow: better-sqlite3's native part keeps the SqliteError class of the first test file of a jest
 * worker that loaded it, which is not an Error of a later file's realm (toThrow then reports "did not throw").
 */
const ONE_OPEN_REFUSED = { message: expect.stringMatching(/UNIQUE constraint failed: alerts\.rule_id, alerts\.device_id|duplicate key value violates unique constraint "alerts_one_open"/) };

describe.each(TEST_STORES)('AlertRepository on %s', (dialect, open) => {
  let test: TestStore;
  let repository: AlertRepository;
  const save = (alerts: Alert[], events: AlertEventDraft[] = []): Promise<void> => repository.save(alerts, events, notificationPayload);

  beforeEach(async () => {
    test = await open();
    repository = new AlertRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores a new alert with its events, giving both the alert id, and reads it back exactly', async () => {
    const alert = anAlert({ peakScore: -Infinity });
    await save([alert], [anEvent(alert, 'fired')]);
    expect(alert.id).toBe(1);
    expect(await repository.get(1)).toEqual({ ...alert, peakScore: -Number.MAX_VALUE });
    const [event] = await repository.history(1);
    expect(event).toEqual({ id: 1, alertId: 1, at: T0 + 1000, kind: 'fired', actor: 'system', note: null, fromState: null, toState: 'firing', notify: true, silenceId: null });
    const { payload } = await test.store.db.selectFrom('alert_events').select('payload').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(JSON.parse(payload ?? '')).toMatchObject({ event: 'fired', previousState: null, alert: { id: 1, deviceId: 'g-1', severity: 'critical', state: 'firing' } });
  });

  it('walks the state machine: each transition stored is read back identically, with its history in order', async () => {
    const alert = anAlert({ town: 'Ashford', village: 'Mill End', openings: [T0, T0 + 5000], flapping: true });
    await save([alert], [anEvent(alert, 'fired')]);
    const snapshots: Alert[] = [structuredClone(alert)];
    Object.assign(alert, { state: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: T0 + 2000, acknowledgeNote: '工人已出发', updatedAt: T0 + 2000 });
    await save([alert], [{ ...anEvent(alert, 'acknowledged', T0 + 2000), actor: 'alice', note: '工人已出发' }]);
    snapshots.push(structuredClone(alert));
    expect(await repository.get(alert.id)).toEqual(alert);
    Object.assign(alert, { conditionActive: false, conditionEndedAt: T0 + 3000, value: 4.5, valueAt: T0 + 3000, count: 7, peak: 51.25, peakScore: 51.25 });
    Object.assign(alert, { state: 'resolved', resolvedAt: T0 + 3000, resolvedBy: 'system', resolution: 'cleared', updatedAt: T0 + 3000 });
    await save([alert], [{ ...anEvent(alert, 'resolved', T0 + 3000), fromState: 'acknowledged' }]);
    expect(await repository.get(alert.id)).toEqual(alert);
    expect((await repository.history(alert.id)).map((event) => [event.kind, event.fromState, event.toState, event.actor, event.note])).toEqual([
      ['fired', null, 'firing', 'system', null],
      ['acknowledged', 'firing', 'acknowledged', 'alice', '工人已出发'],
      ['resolved', 'acknowledged', 'resolved', 'system', null],
    ]);
    expect(snapshots[1]).toMatchObject({ state: 'acknowledged', resolution: null });
  });

  it('updates in place, and refuses a second open alert for the same rule and device', async () => {
    const alert = anAlert();
    await save([alert]);
    alert.count = 5;
    alert.value = 40;
    await save([alert]);
    expect(await repository.get(alert.id)).toMatchObject({ count: 5, value: 40 });
    await expect(save([anAlert()])).rejects.toMatchObject(ONE_OPEN_REFUSED);
    await save([anAlert({ deviceId: 'g-2' }), anAlert({ ruleId: 'other' }), anAlert({ state: 'resolved' })]);
    expect((await repository.list({ limit: 10 })).matching).toBe(4);
  });

  it('stores nothing of a save that fails half-way (the alerts before the refused one included)', async () => {
    await save([anAlert()]);
    await expect(save([anAlert({ deviceId: 'g-9' }), anAlert()], [])).rejects.toMatchObject(ONE_OPEN_REFUSED);
    expect((await repository.list({ limit: 10 })).items.map((alert) => alert.deviceId)).toEqual(['g-1']);
  });

  it('gives each device’s latest alert to reconcile with: open, still active, or recently ended', async () => {
    const resolvedLongAgo = anAlert({ deviceId: 'g-1', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 3_600_000 });
    const openAlert = anAlert({ deviceId: 'g-1' });
    const operatorResolvedActive = anAlert({ deviceId: 'g-2', state: 'resolved', resolution: 'operator', conditionActive: true });
    const recentlyEnded = anAlert({ deviceId: 'g-3', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 1000 });
    const oldEnded = anAlert({ deviceId: 'g-4', state: 'resolved', conditionActive: false, conditionEndedAt: T0 - 3_600_000 });
    await save([resolvedLongAgo, openAlert, operatorResolvedActive, recentlyEnded, oldEnded]);
    const latest = await repository.latestForRule('methane-high', T0 - 60_000);
    expect([...latest].map(([device, alert]) => [device, alert.id])).toEqual([
      ['g-1', openAlert.id],
      ['g-2', operatorResolvedActive.id],
      ['g-3', recentlyEnded.id],
    ]);
    expect(latest.get('g-2')).toEqual(operatorResolvedActive);
    expect(await repository.followedDevices('methane-high')).toEqual(['g-1', 'g-2']);
    expect((await repository.openForRule('methane-high')).map((alert) => alert.id)).toEqual([openAlert.id]);
    expect(await repository.latestForRule('other-rule', 0)).toEqual(new Map());
  });

  it('lists newest first with filters and a page cursor', async () => {
    const alerts = [
      anAlert({ deviceId: 'g-1', severity: 'warning' }),
      anAlert({ deviceId: 'w-1', domain: 'water', ruleId: 'water-low', state: 'acknowledged', startedAt: T0 + 10_000 }),
      anAlert({ deviceId: 'g-2', state: 'resolved', resolvedAt: T0 + 5000, flapping: false }),
      anAlert({ deviceId: 'g-3', flapping: true, town: 'Northfield' }),
    ];
    await save(alerts);
    const ids = async (filter: Parameters<AlertRepository['list']>[0]): Promise<number[]> => (await repository.list(filter)).items.map((alert) => alert.id);
    expect(await ids({ limit: 10 })).toEqual([4, 3, 2, 1]);
    expect(await ids({ states: ['firing', 'acknowledged'], limit: 10 })).toEqual([4, 2, 1]);
    expect(await ids({ severity: 'warning', limit: 10 })).toEqual([1]);
    expect(await ids({ domain: 'water', limit: 10 })).toEqual([2]);
    expect(await ids({ deviceId: 'g-2', limit: 10 })).toEqual([3]);
    expect(await ids({ ruleId: 'water-low', limit: 10 })).toEqual([2]);
    expect(await ids({ town: 'Northfield', limit: 10 })).toEqual([4]);
    expect(await ids({ town: 'northfield', limit: 10 })).toEqual([]);
    expect(await ids({ flapping: true, limit: 10 })).toEqual([4]);
    expect(await ids({ from: T0 + 6000, limit: 10 })).toEqual([4, 2, 1]);
    expect(await ids({ to: T0 + 10_000, limit: 10 })).toEqual([4, 3, 1]);
    expect(await repository.list({ limit: 2 })).toMatchObject({ matching: 4 });
    expect(await ids({ limit: 2, beforeId: 3 })).toEqual([2, 1]);
    expect(await repository.list({ states: ['firing'], limit: 1, beforeId: 4 })).toMatchObject({ matching: 2, items: [{ id: 1 }] });
  });

  it('keeps a list to a scope: a town with its villages (by the area path), and domains', async () => {
    await save([
      anAlert({ deviceId: 'a-1', town: 'Ashford' }),
      anAlert({ deviceId: 'a-2', town: 'Ashford', village: 'Mill End', domain: 'water', ruleId: 'water-low' }),
      anAlert({ deviceId: 'h-1', town: 'Ashford_Heath' }),
      anAlert({ deviceId: 'n-1', town: null }),
    ]);
    const devices = async (towns: string[], domains: ('gas' | 'water')[]): Promise<string[]> =>
      (await repository.list({ within: { towns, domains }, limit: 10 })).items.map((alert) => alert.deviceId);
    expect(await devices(['Ashford'], [])).toEqual(['a-2', 'a-1']);
    expect(await devices(['Ashford/Mill End'], [])).toEqual(['a-2']);
    expect(await devices(['Ashford'], ['gas'])).toEqual(['a-1']);
    expect(await devices([], ['gas'])).toEqual(['n-1', 'h-1', 'a-1']);
    expect(await devices([], [])).toEqual(['n-1', 'h-1', 'a-2', 'a-1']);
    expect((await repository.list({ within: { towns: ['Ashford'], domains: [] }, limit: 1 })).matching).toBe(2);
  });

  it('counts open alerts per severity, state and flapping', async () => {
    await save([anAlert(), anAlert({ deviceId: 'g-2', flapping: true }), anAlert({ deviceId: 'g-3', state: 'acknowledged' }), anAlert({ deviceId: 'g-4', state: 'resolved' })]);
    expect(await repository.openCounts()).toEqual([
      { severity: 'critical', state: 'acknowledged', flapping: false, count: 1 },
      { severity: 'critical', state: 'firing', flapping: false, count: 1 },
      { severity: 'critical', state: 'firing', flapping: true, count: 1 },
    ]);
  });

  describe('the live feed’s reads', () => {
    it('has no last event before anything happened', async () => {
      expect(await repository.lastEventId()).toBe(0);
      expect(await repository.eventsAfter(0, 10)).toEqual([]);
    });

    it('gives every alert’s events after a cursor, oldest first, notified or not, up to the limit', async () => {
      const gas = anAlert();
      const water = anAlert({ deviceId: 'w-1', ruleId: 'water' });
      await save([gas], [anEvent(gas, 'fired')]);
      await save([water], [anEvent(water, 'fired', T0 + 2000)]);
      await save([], [{ ...anEvent(gas, 'commented', T0 + 3000), notify: false, note: 'crew on the way' }]);
      expect(await repository.lastEventId()).toBe(3);
      expect((await repository.eventsAfter(0, 10)).map((event) => [event.id, event.alertId, event.kind])).toEqual([
        [1, gas.id, 'fired'],
        [2, water.id, 'fired'],
        [3, gas.id, 'commented'],
      ]);
      expect((await repository.eventsAfter(1, 1)).map((event) => event.id)).toEqual([2]);
      expect(await repository.eventsAfter(3, 10)).toEqual([]);
    });

    it('never skips an id: with 20 transactions writing history side by side, a reader tailing between commits sees every event', async () => {
      const writers = 20;
      const seen: number[] = [];
      let cursor = 0;
      let done = false;
      const tail = async (): Promise<void> => {
        for (;;) {
          const finished = done;
          for (const event of await repository.eventsAfter(cursor, 100)) {
            seen.push(event.id);
            cursor = event.id;
          }
          if (finished) return;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      const reader = tail();
      // Each writer draws its ids, then holds its transaction open a while before it commits, so that without the
      // history lock a later writer's ids would commit first and the reader's cursor would pass the earlier ones.
      await Promise.all(
        Array.from({ length: writers }, (_, index) =>
          test.store.tx(async (tx) => {
            const alert = anAlert({ deviceId: `g-${index}` });
            await repository.save([alert], [anEvent(alert, 'fired'), anEvent(alert, 'commented')], notificationPayload, tx);
            await new Promise((resolve) => setTimeout(resolve, (writers - index) * 3));
          }),
        ),
      );
      done = true;
      await reader;
      const stored = (await repository.eventsAfter(0, 1000)).map((event) => event.id);
      expect(stored).toHaveLength(2 * writers);
      expect(seen).toEqual(stored);
      if (dialect === 'sqlite') expect(stored).toEqual(Array.from({ length: 2 * writers }, (_, index) => index + 1));
    });
  });
});
