import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricCatalogue } from '@hub/contract';
import { SILENT_LOGGER } from '@hub/common';
import { AuditLogRepository, MIGRATIONS, openSqliteDatabase, Store } from '@hub/store';
import { DeviceRegistryService } from '../device-registry.service';
import { RegistryDeviceRepository } from '../registry-device.repository';
import { AreaRepository } from './area.repository';
import { AreasService } from './areas.service';

describe('the areas migration', () => {
  it('makes every town an old database names a first-level area, and replaces a "/" in an old name by ∕, audited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'areas-migration-'));
    try {
      const file = join(dir, 'hub.sqlite');
      const before = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE areas'));
      expect(before).toBeGreaterThan(0);
      const old = openSqliteDatabase(file, before);
      const device = old.prepare('INSERT INTO registry_devices (device_id, domain, town, created_at, created_by, updated_at) VALUES (?, ?, ?, 1, ?, 1)');
      device.run('w-1', 'water', 'Ashford', 'ada');
      device.run('w-2', 'water', 'Ashford', 'ada');
      device.run('w-3', 'water', 'North/South', 'ada');
      device.run('w-4', 'water', null, 'ada');
      old.prepare(`INSERT INTO operators (username, password_hash, role, towns, domains, created_at, created_by, updated_at) VALUES (?, 'x', 'operator', ?, '[]', 1, 'ada', 1)`).run('olga', '["Brookfield","North/South"]');
      old.prepare(`INSERT INTO api_keys (name, key_hash, key_prefix, role, towns, domains, created_at, created_by) VALUES (?, ?, 'p', 'viewer', ?, '[]', 1, 'ada')`).run('scada', 'h1', '["Carlow"]');
      old.prepare(`INSERT INTO mqtt_clients (name, domains, towns, created_at, created_by, updated_at) VALUES (?, '[]', ?, 1, 'ada', 1)`).run('gis', '["Dunmore"]');
      old.prepare('INSERT INTO alert_rules (id, revision, spec, created_at, updated_at) VALUES (?, 1, ?, 1, 1)').run('low', JSON.stringify({ name: 'Low', selector: { domain: 'water', metric: 'pressure_kpa', towns: ['Eastwick', 'North/South'], deviceIds: [] } }));
      old.prepare('INSERT INTO alert_rules (id, revision, spec, created_at, updated_at) VALUES (?, 1, ?, 1, 1)').run('all', JSON.stringify({ name: 'All', selector: { domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: [] } }));
      old.prepare(`INSERT INTO alert_silences (domain, town, starts_at, ends_at, reason, created_by, created_at) VALUES ('water', ?, 1, 2, 'works', 'ada', 1)`).run('Fairholt');
      old
        .prepare(
          `INSERT INTO alerts (rule_id, rule_name, condition_type, severity, domain, metric, unit, device_id, town, state, summary, started_at, fired_at, updated_at,
             condition_active, value, value_at, peak, peak_score, count, flapping, openings)
           VALUES ('low', 'Low', 'threshold', 'warning', 'water', 'pressure_kpa', 'kPa', 'gone-1', ?, 'resolved', 's', 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, '[]')`,
        )
        .run('Glenview');
      old.prepare(`INSERT INTO notification_policy (id, document, updated_at, updated_by) VALUES (1, ?, 1, 'ada')`).run(
        JSON.stringify({ contactPoints: ['duty'], routes: [{ name: 'h', matchers: { towns: ['Hollow'] }, routes: [{ matchers: { towns: ['Ivybridge'], domains: ['gas'] } }] }] }),
      );
      old.close();

      const db = openSqliteDatabase(file);
      const store = Store.sqlite(db);
      const areas = new AreasService({ store, repository: new AreaRepository(store), audit: new AuditLogRepository(db), logger: SILENT_LOGGER });
      const registry = new DeviceRegistryService({ store, repository: new RegistryDeviceRepository(store), audit: new AuditLogRepository(db), catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER });
      await areas.load();
      await registry.load();
      areas.useDevices(registry);
      const towns = ['Ashford', 'Brookfield', 'Carlow', 'Dunmore', 'Eastwick', 'Fairholt', 'Glenview', 'Hollow', 'Ivybridge', 'North∕South'];
      expect(areas.list({ towns: [], domains: [] })).toEqual(
        towns.map((town) => ({ path: town, name: town, parent: null, level: 'town', devices: town === 'Ashford' ? 2 : town === 'North∕South' ? 1 : 0 })),
      );
      expect(registry.find('w-3')).toMatchObject({ town: 'North∕South', village: null });
      expect(registry.find('w-1')).toMatchObject({ town: 'Ashford', village: null });
      expect(db.prepare(`SELECT towns FROM operators WHERE username = 'olga'`).get()).toEqual({ towns: '["Brookfield","North∕South"]' });
      const rule = db.prepare(`SELECT spec FROM alert_rules WHERE id = 'low'`).get() as { spec: string };
      expect(JSON.parse(rule.spec)).toEqual({ name: 'Low', selector: { domain: 'water', metric: 'pressure_kpa', towns: ['Eastwick', 'North∕South'], deviceIds: [] } });
      expect(db.prepare(`SELECT village FROM alerts`).all()).toEqual([{ village: null }]);

      const audit = new AuditLogRepository(db).list({ limit: 100 }).reverse();
      expect(audit.map((entry) => [entry.actor, entry.action, entry.targetId])).toEqual([
        ['migration', 'area.rename', 'North∕South'],
        ...towns.map((town) => ['migration', 'area.create', town]),
      ]);
      expect(audit[0].detail).toEqual({ from: 'North/South', to: 'North∕South', why: 'an area name may not contain "/": it separates a town from its villages' });
      expect(audit[1].detail).toEqual({ name: 'Ashford', level: 'town', via: 'migration' });
      await store.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
