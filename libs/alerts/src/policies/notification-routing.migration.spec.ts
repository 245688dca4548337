import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, openSqliteDatabase, Store } from '@hub/store';
import { NotificationRoutingRepository } from './notification-routing.repository';

const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

const alertsOf = (n: number) => [n, n + 1].map((alertId) => ({ alertId, eventId: alertId, deviceId: `g-${alertId}`, event: 'fired' }));

// SQLite only: the migration that added the per-alert index is SQLite history (PostgreSQL starts from a baseline
// that already has it).
describe('NotificationRoutingRepository after the per-alert index migration (SQLite)', () => {
  it('indexes a log written before the per-alert index when migrating, with the kind of the contact points that still exist', async () => {
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
      insert.run(T0, 'gas-dingtalk', JSON.stringify(alertsOf(7)));
      insert.run(T0 + 1, 'deleted-robot', JSON.stringify(alertsOf(8)));
      before.close();

      const store = Store.sqlite(file);
      try {
        const migrated = new NotificationRoutingRepository(store);
        expect((await migrated.deliveriesOfAlert(8)).map((entry) => [entry.contactPoint, entry.kind, entry.messageId, entry.alerts.map((alert) => alert.alertId)])).toEqual([
          ['gas-dingtalk', 'dingtalk', null, [7, 8]],
          ['deleted-robot', null, null, [8, 9]],
        ]);
        expect((await migrated.deliveriesOfAlert(9)).map((entry) => entry.contactPoint)).toEqual(['deleted-robot']);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
