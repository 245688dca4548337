import { openSqliteDatabase, type SqliteDatabase } from '@hub/store';
import { MAX_DELIVERY_ROWS, NotificationRoutingRepository, type DeliveryRecord } from './notification-routing.repository';

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

describe('NotificationRoutingRepository delivery log', () => {
  let db: SqliteDatabase;
  let state: NotificationRoutingRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    state = new NotificationRoutingRepository(db);
  });

  afterEach(() => db.close());

  it('indexes each row under every alert it carried, and reads an alert’s rows oldest first', () => {
    for (let n = 1; n <= 3; n++) state.recordDelivery(row(n));
    expect(state.deliveriesOfAlert(2).map((entry) => [entry.messageId, entry.kind, entry.alerts.map((alert) => alert.alertId)])).toEqual([
      [1, 'dingtalk', [1, 2]],
      [2, 'dingtalk', [2, 3]],
    ]);
    expect(state.deliveriesOfAlert(5)).toEqual([]);
  });

  it('keeps the newest MAX_DELIVERY_ROWS rows, and trims their per-alert entries with them (no orphans)', () => {
    const total = MAX_DELIVERY_ROWS + 2000;
    state.transaction(() => {
      for (let n = 1; n <= total; n++) state.recordDelivery(row(n));
    });
    // Trimmed at each thousandth row: at row 102000, everything up to row 2000 went.
    const kept = db.prepare('SELECT COUNT(*) AS rows, MIN(id) AS first FROM notification_deliveries').get() as { rows: number; first: number };
    expect(kept).toEqual({ rows: MAX_DELIVERY_ROWS, first: 2001 });
    const orphans = db
      .prepare('SELECT COUNT(*) AS count FROM notification_delivery_alerts WHERE delivery_id NOT IN (SELECT id FROM notification_deliveries)')
      .get() as { count: number };
    expect(orphans.count).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS count FROM notification_delivery_alerts').get() as { count: number }).count).toBe(2 * MAX_DELIVERY_ROWS);
    // Alert 2001 was in rows 2000 (gone) and 2001 (kept); alert 2000 only in gone rows.
    expect(state.deliveriesOfAlert(2001).map((entry) => entry.messageId)).toEqual([2001]);
    expect(state.deliveriesOfAlert(2000)).toEqual([]);
  });
});
