import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { DeliveryLog } from './delivery-log';
import { NotificationRoutingRepository } from './notification-routing.repository';

const KINDS: Record<string, string> = { 'gas-dingtalk': 'dingtalk', 'duty-email': 'email' };

describe.each(TEST_STORES)('DeliveryLog on %s', (_dialect, open) => {
  let test: TestStore;
  let state: NotificationRoutingRepository;
  let log: DeliveryLog;

  beforeEach(async () => {
    test = await open();
    state = new NotificationRoutingRepository(test.store);
    log = new DeliveryLog(test.store, state, (name) => KINDS[name]);
  });

  afterEach(() => test.dispose());

  const entry = (contactPoint: string, outcome: 'queued' | 'sent' | 'failed' | 'given-up', alertId = 1) => ({
    at: 0,
    messageId: 1,
    route: 'routes[0]',
    contactPoint,
    level: 0,
    reason: 'new' as const,
    outcome,
    attempt: outcome === 'queued' ? 0 : 1,
    alerts: [{ alertId, eventId: alertId, deviceId: `g-${alertId}`, event: 'fired' }],
    providerAnswer: '',
  });

  it('stamps each row with the contact point’s kind (null once deleted) and counts it by outcome and kind when committed', async () => {
    await log.transaction(async (tx) => {
      await log.record(entry('gas-dingtalk', 'queued'), tx);
      await log.record(entry('duty-email', 'queued'), tx);
      await log.record(entry('deleted-robot', 'given-up'), tx);
      expect(log.counts.entries()).toEqual([]); // not yet committed
    });
    expect((await state.deliveriesOfAlert(1)).map((row) => [row.contactPoint, row.kind])).toEqual([
      ['gas-dingtalk', 'dingtalk'],
      ['duty-email', 'email'],
      ['deleted-robot', null],
    ]);
    expect([log.counts.of('queued', 'dingtalk'), log.counts.of('queued', 'email'), log.counts.of('given-up', 'unknown'), log.counts.of('sent', 'dingtalk')]).toEqual([1, 1, 1, 0]);
  });

  it('neither keeps nor counts the rows of a transaction that rolled back', async () => {
    await expect(
      log.transaction(async (tx) => {
        await log.record(entry('gas-dingtalk', 'sent'), tx);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await state.deliveriesOfAlert(1)).toEqual([]);
    expect(log.counts.entries()).toEqual([]);
  });

  it('refuses a row written outside its transaction, also with a transaction that has already committed', async () => {
    const foreign = await test.store.tx(async (tx) => {
      await expect(log.record(entry('gas-dingtalk', 'sent'), tx)).rejects.toThrow('DeliveryLog.record outside DeliveryLog.transaction');
      return tx;
    });
    const ended = await log.transaction(async (tx) => tx);
    await expect(log.record(entry('gas-dingtalk', 'sent'), ended)).rejects.toThrow('DeliveryLog.record outside DeliveryLog.transaction');
    await expect(log.record(entry('gas-dingtalk', 'sent'), foreign)).rejects.toThrow('DeliveryLog.record outside DeliveryLog.transaction');
    expect(await state.deliveriesOfAlert(1)).toEqual([]);
  });

  it('counts the rows of two transactions running side by side each with its own commit, and none of the one that rolled back', async () => {
    const held = new Promise<void>((resolve) => setTimeout(resolve, 50));
    const failing = log.transaction(async (tx) => {
      await log.record(entry('gas-dingtalk', 'failed', 2), tx);
      await held;
      throw new Error('connection lost');
    });
    // On SQLite the second waits for the first (one connection); on PostgreSQL it runs while the first is held open.
    const committed = log.transaction(async (tx) => {
      await log.record(entry('duty-email', 'sent', 3), tx);
      await log.record(entry('gas-dingtalk', 'sent', 3), tx);
    });
    await expect(failing).rejects.toThrow('connection lost');
    await committed;
    expect(log.counts.entries()).toEqual([
      { kind: 'email', outcome: 'queued', count: 0 },
      { kind: 'email', outcome: 'sent', count: 1 },
      { kind: 'email', outcome: 'failed', count: 0 },
      { kind: 'email', outcome: 'given-up', count: 0 },
      { kind: 'dingtalk', outcome: 'queued', count: 0 },
      { kind: 'dingtalk', outcome: 'sent', count: 1 },
      { kind: 'dingtalk', outcome: 'failed', count: 0 },
      { kind: 'dingtalk', outcome: 'given-up', count: 0 },
    ]);
    expect(await state.deliveriesOfAlert(2)).toEqual([]);
    expect((await state.deliveriesOfAlert(3)).map((row) => [row.contactPoint, row.outcome])).toEqual([
      ['duty-email', 'sent'],
      ['gas-dingtalk', 'sent'],
    ]);
  });
});
