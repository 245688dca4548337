import type { DeliveryResult } from '@hub/notify';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';

const REFUSED: DeliveryResult = { ok: false, status: 200, providerAnswer: '{"errcode":130101,"errmsg":"send too fast"}', retryable: true };
const SENT: DeliveryResult = { ok: true, status: 204, providerAnswer: '', retryable: false };

describe.each(TEST_STORES)('ContactPointDeliveryRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let deliveries: ContactPointDeliveryRepository;

  beforeEach(async () => {
    test = await open();
    deliveries = new ContactPointDeliveryRepository(test.store, 3);
  });
  afterEach(() => test.dispose());

  it('records an attempt with its id, and lists a contact point’s attempts newest first', async () => {
    const first = await deliveries.record('duty', 7, 1000, SENT);
    const second = await deliveries.record('duty', null, 2000, REFUSED);
    const noStatus = await deliveries.record('duty', 8, 3000, { ok: false, providerAnswer: 'connect ECONNREFUSED', retryable: true });
    expect(first).toEqual({ id: first.id, contactPoint: 'duty', alertId: 7, at: '1970-01-01T00:00:01.000Z', ok: true, status: 204, providerAnswer: '', retryable: false });
    expect([second.id, noStatus.id]).toEqual([first.id + 1, first.id + 2]);
    expect(await deliveries.list('duty', 10)).toEqual([
      { id: noStatus.id, contactPoint: 'duty', alertId: 8, at: '1970-01-01T00:00:03.000Z', ok: false, status: null, providerAnswer: 'connect ECONNREFUSED', retryable: true },
      { id: second.id, contactPoint: 'duty', alertId: null, at: '1970-01-01T00:00:02.000Z', ok: false, status: 200, providerAnswer: REFUSED.providerAnswer, retryable: true },
      first,
    ]);
    expect((await deliveries.list('duty', 2)).map((each) => each.id)).toEqual([noStatus.id, second.id]);
    expect(await deliveries.list('Duty', 10)).toEqual([]);
  });

  it('keeps only the newest attempts of each contact point (the trim by LIMIT 1 OFFSET), leaving other contact points alone', async () => {
    const ids: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) ids.push((await deliveries.record('duty', attempt, 1000 + attempt, SENT)).id);
    const other = await deliveries.record('other', null, 999, REFUSED);
    // Exactly at the cap nothing goes.
    expect((await deliveries.list('duty', 10)).map((each) => each.id)).toEqual([...ids].reverse());
    for (let attempt = 3; attempt < 6; attempt++) ids.push((await deliveries.record('duty', attempt, 1000 + attempt, SENT)).id);
    expect((await deliveries.list('duty', 10)).map((each) => each.alertId)).toEqual([5, 4, 3]);
    expect(await deliveries.list('other', 10)).toEqual([other]);
    const rows = await test.store.db.selectFrom('contact_point_deliveries').select(['contact_point', 'alert_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { contact_point: 'other', alert_id: null },
      { contact_point: 'duty', alert_id: 3 },
      { contact_point: 'duty', alert_id: 4 },
      { contact_point: 'duty', alert_id: 5 },
    ]);
  });

  it('removes every attempt of one contact point', async () => {
    await deliveries.record('duty', 1, 1000, SENT);
    await deliveries.record('duty', 2, 1001, SENT);
    const other = await deliveries.record('other', 3, 1002, SENT);
    await deliveries.removeAll('duty');
    expect(await deliveries.list('duty', 10)).toEqual([]);
    expect(await deliveries.list('other', 10)).toEqual([other]);
  });

  it('records several attempts in one transaction, or none of them', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await deliveries.record('duty', 1, 1000, SENT, tx.exec);
        await deliveries.record('duty', 2, 1000, SENT, tx.exec);
        expect((await deliveries.list('duty', 10, tx.exec)).map((each) => each.alertId)).toEqual([2, 1]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await deliveries.list('duty', 10)).toEqual([]);
    await test.store.tx(async (tx) => {
      for (const alertId of [1, 2, 3, 4]) await deliveries.record('duty', alertId, 1000, SENT, tx.exec);
    });
    expect((await deliveries.list('duty', 10)).map((each) => each.alertId)).toEqual([4, 3, 2]);
  });
});
