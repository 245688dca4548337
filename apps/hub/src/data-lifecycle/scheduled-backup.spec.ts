import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { HubLogger } from '@hub/common';
import { AuditLogRepository, MIGRATIONS, openSqliteDatabase, type SqliteDatabase, Store } from '@hub/store';
import { ScheduledBackup } from './scheduled-backup';

describe('ScheduledBackup', () => {
  let root: string;
  let db: SqliteDatabase;
  const entries: unknown[] = [];
  const logger: HubLogger = { log: (entry) => entries.push(['log', entry]), warn: (entry) => entries.push(['warn', entry]), error: (entry) => entries.push(['error', entry]) };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hub-scheduled-backup-'));
    db = openSqliteDatabase(join(root, 'data', 'hub.sqlite'));
    entries.length = 0;
  });

  afterEach(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes a backup in small steps while the hub writes on the same connection, keeps the newest, and counts and logs it', async () => {
    const audit = new AuditLogRepository(db);
    for (let index = 0; index < 2000; index++) audit.record({ actor: 'alice', action: 'rule.update', targetType: 'rule', targetId: String(index), detail: { text: 'x'.repeat(200) } });
    const backup = new ScheduledBackup(Store.sqlite(db), join(root, 'data'), { dir: join(root, 'backups'), everyMs: 60_000, keep: 2 }, { HUB_DATA_DIR: join(root, 'data') }, '0.1.0', logger);
    const running = backup.run();
    // Written on the same connection while the copy runs: SQLite's backup API copies it too, without restarting.
    audit.record({ actor: 'bob', action: 'rule.delete', targetType: 'rule', targetId: 'written-during', detail: {} });
    await running;
    const [first] = entries as Array<[string, { msg: string; folder: string; schemaVersion: number; bytes: number; deleted: string[] }]>;
    expect(first[0]).toBe('log');
    expect(first[1]).toMatchObject({ msg: 'Backup written', schemaVersion: MIGRATIONS.length, deleted: [] });
    expect(first[1].bytes).toBeGreaterThan(2000 * 200);
    const copy = new Database(join(first[1].folder, 'data', 'hub.sqlite'), { readonly: true });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 2001 });
    copy.close();

    await backup.run();
    await backup.run();
    expect(backup).toMatchObject({ written: 3, failed: 0 });
    expect(backup.lastWrittenAt).toBeGreaterThan(0);
    expect(readdirSync(join(root, 'backups'))).toEqual([(entries[1] as [string, { folder: string }])[1].folder, (entries[2] as [string, { folder: string }])[1].folder].map((folder) => folder.slice(join(root, 'backups').length + 1)));
    expect((entries[2] as [string, { deleted: string[] }])[1].deleted).toEqual([first[1].folder.slice(join(root, 'backups').length + 1)]);
  });

  it('counts and logs a failure with its reason, and tries again next time', async () => {
    writeFileSync(join(root, 'not-a-folder'), '');
    const backup = new ScheduledBackup(Store.sqlite(db), join(root, 'data'), { dir: join(root, 'not-a-folder'), everyMs: 60_000, keep: 2 }, {}, '0.1.0', logger);
    await backup.run();
    expect(backup).toMatchObject({ written: 0, failed: 1, lastWrittenAt: 0 });
    expect(entries).toEqual([['error', { msg: 'The scheduled backup failed; the next one tries again', dir: join(root, 'not-a-folder'), error: expect.objectContaining({ code: 'ENOTDIR' }) }]]);
  });
});
