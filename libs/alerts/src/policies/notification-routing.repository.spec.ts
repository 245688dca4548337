import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, openSqliteDatabase, type SqliteDatabase } from '@hub/store';
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

  it('indexes a log written before the per-alert index when migrating, with the kind of the contact points that still exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'delivery-log-'));
    try {
      const file = join(dir, 'hub.db');
      // The schema just before the migration (found by what it creates, wherever it stands in the list), with rows
      // as the code of then wrote them.
      const migration = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE notification_delivery_alerts'));
      const before = openSqliteDatabase(file, migration);
      before.prepare("INSERT INTO contact_points (name, kind, settings, created_at, created_by, updated_at, updated_by) VALUES ('gas-dingtalk', 'dingtalk', '{}', 0, 'admin', 0, 'admin')").run();
      const insert = before.prepare(
        "INSERT INTO notification_deliveries (at, route, contact_point, level, reason, outcome, attempt, alerts, provider_answer) VALUES (?, 'routes[0]', ?, 0, 'new', 'sent', 1, ?, 'ok')",
      );
      insert.run(T0, 'gas-dingtalk', JSON.stringify(row(7).alerts));
      insert.run(T0 + 1, 'deleted-robot', JSON.stringify(row(8).alerts));
      before.close();

      const after = openSqliteDatabase(file);
      const migrated = new NotificationRoutingRepository(after);
      expect(migrated.deliveriesOfAlert(8).map((entry) => [entry.contactPoint, entry.kind, entry.messageId, entry.alerts.map((alert) => alert.alertId)])).toEqual([
        ['gas-dingtalk', 'dingtalk', null, [7, 8]],
        ['deleted-robot', null, null, [8, 9]],
      ]);
      expect(migrated.deliveriesOfAlert(9).map((entry) => entry.contactPoint)).toEqual(['deleted-robot']);
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
