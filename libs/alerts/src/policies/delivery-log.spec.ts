import { openSqliteDatabase, type SqliteDatabase } from '@hub/store';
import { DeliveryLog } from './delivery-log';
import { NotificationRoutingRepository } from './notification-routing.repository';

const KINDS: Record<string, string> = { 'gas-dingtalk': 'dingtalk', 'duty-email': 'email' };

describe('DeliveryLog', () => {
  let db: SqliteDatabase;
  let state: NotificationRoutingRepository;
  let log: DeliveryLog;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    state = new NotificationRoutingRepository(db);
    log = new DeliveryLog(state, (name) => KINDS[name]);
  });

  afterEach(() => db.close());

  const entry = (contactPoint: string, outcome: 'queued' | 'sent' | 'failed' | 'given-up') => ({
    at: 0,
    messageId: 1,
    route: 'routes[0]',
    contactPoint,
    level: 0,
    reason: 'new' as const,
    outcome,
    attempt: outcome === 'queued' ? 0 : 1,
    alerts: [{ alertId: 1, eventId: 1, deviceId: 'g-1', event: 'fired' }],
    providerAnswer: '',
  });

  it('stamps each row with the contact point’s kind (null once deleted) and counts it by outcome and kind when committed', () => {
    log.transaction(() => {
      log.record(entry('gas-dingtalk', 'queued'));
      log.record(entry('duty-email', 'queued'));
      log.record(entry('deleted-robot', 'given-up'));
      expect(log.counts.entries()).toEqual([]); // not yet committed
    });
    expect(state.deliveriesOfAlert(1).map((row) => [row.contactPoint, row.kind])).toEqual([
      ['gas-dingtalk', 'dingtalk'],
      ['duty-email', 'email'],
      ['deleted-robot', null],
    ]);
    expect([log.counts.of('queued', 'dingtalk'), log.counts.of('queued', 'email'), log.counts.of('given-up', 'unknown'), log.counts.of('sent', 'dingtalk')]).toEqual([1, 1, 1, 0]);
  });

  it('neither keeps nor counts the rows of a transaction that rolled back', () => {
    expect(() =>
      log.transaction(() => {
        log.record(entry('gas-dingtalk', 'sent'));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(state.deliveriesOfAlert(1)).toEqual([]);
    expect(log.counts.entries()).toEqual([]);
  });

  it('refuses a row written outside its transaction', () => {
    expect(() => log.record(entry('gas-dingtalk', 'sent'))).toThrow('DeliveryLog.record outside DeliveryLog.transaction');
  });
});
