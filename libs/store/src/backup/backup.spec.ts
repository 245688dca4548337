import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLogRepository } from '../audit-log.repository';
import { MIGRATIONS, openSqliteDatabase, SqliteDatabase } from '../sqlite-database';
import { BackupManifest, MANIFEST_FILE, sha256Of } from './backup-manifest';
import { restoreBackup, RestoreRefusedError, verifyBackup } from './backup.restorer';
import { envFile, writeBackup } from './backup.writer';
import { keepNewest, listBackups } from './backup-retention';
import { DataFolderBusyError, DataFolderLock } from './data-folder.lock';

describe('backup and restore of a data folder', () => {
  let root: string;
  let dataDir: string;
  let backups: string;
  let db: SqliteDatabase;
  let clock: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hub-backup-spec-'));
    dataDir = join(root, 'data');
    backups = join(root, 'backups');
    db = openSqliteDatabase(join(dataDir, 'hub.sqlite'));
    clock = Date.UTC(2026, 11, 6, 18, 30, 0);
    const audit = new AuditLogRepository(db);
    for (let index = 0; index < 3; index++) audit.record({ actor: 'alice', action: 'rule.update', targetType: 'rule', targetId: `r-${index}`, detail: { index } });
    writeFileSync(join(dataDir, 'bootstrap-api-key'), 'the-bootstrap-key', { mode: 0o600 });
    mkdirSync(join(dataDir, 'spool'));
    writeFileSync(join(dataDir, 'spool', 'segment-1'), 'x'.repeat(100));
  });

  afterEach(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  const backup = (keep = 5) =>
    writeBackup({ source: db, dataDir, root: backups, keep, environment: { HUB_DATA_DIR: dataDir, INFLUX_PASSWORD: "it's secret" }, hubVersion: '0.1.0', trigger: 'cli', now: () => new Date((clock += 1000)) });
  const auditCount = (file: string): number => {
    const copy = new Database(file, { readonly: true });
    try {
      return (copy.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    } finally {
      copy.close();
    }
  };

  it('writes the database copy, the data folder files, the configuration and a manifest with checksums, and says what it left out', async () => {
    const result = await backup();
    expect(result.folder).toBe(join(backups, 'hub-backup-20261206T183001000Z'));
    expect(readdirSync(result.folder).sort()).toEqual(['config', 'data', MANIFEST_FILE]);
    const manifest = JSON.parse(readFileSync(join(result.folder, MANIFEST_FILE), 'utf8')) as BackupManifest;
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({ format: 'county-sensing-hub-backup/1', hubVersion: '0.1.0', createdAt: '2026-12-06T18:30:01.000Z', schemaVersion: MIGRATIONS.length, trigger: 'cli' });
    expect(manifest.files.map((file) => file.path)).toEqual(['data/hub.sqlite', 'data/bootstrap-api-key', 'config/hub.env']);
    for (const file of manifest.files) {
      expect(await sha256Of(join(result.folder, file.path))).toBe(file.sha256);
      expect(statSync(join(result.folder, file.path)).size).toBe(file.bytes);
    }
    expect(manifest.rows).toMatchObject({ audit_log: 3, alerts: 0, registry_devices: 0 });
    expect(manifest.leftOut).toEqual([{ path: 'spool', bytes: 100, why: expect.stringMatching(/^the outage spool: readings already acknowledged/) }]);
    // One self-contained file: the copy is not left in WAL mode with a -wal beside it.
    expect(readdirSync(join(result.folder, 'data')).sort()).toEqual(['bootstrap-api-key', 'hub.sqlite']);
    expect(auditCount(join(result.folder, 'data', 'hub.sqlite'))).toBe(3);
    expect(readFileSync(join(result.folder, 'config', 'hub.env'), 'utf8')).toBe(
      `# The configuration variables the hub was given when this backup was taken. Secrets included: keep this file private.\nHUB_DATA_DIR='${dataDir}'\nINFLUX_PASSWORD='it'\\''s secret'\n`,
    );
    expect(statSync(result.folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(result.folder, 'config', 'hub.env')).mode & 0o777).toBe(0o600);
  });

  it('copies a database another connection keeps writing to, as one snapshot', async () => {
    const writer = new AuditLogRepository(db);
    const pending = backup();
    // Writes after the backup started land in the live database; the copy holds a whole snapshot either way.
    for (let index = 0; index < 50; index++) writer.record({ actor: 'bob', action: 'alert.acknowledge', targetType: 'alert', targetId: String(index), detail: {} });
    const result = await pending;
    expect([3, 53]).toContain(auditCount(join(result.folder, 'data', 'hub.sqlite')));
  });

  it('keeps the newest N backups and ignores other folders in the backup root', async () => {
    mkdirSync(join(backups, 'notes'), { recursive: true });
    const made = [];
    for (let index = 0; index < 4; index++) made.push(await backup(2));
    expect(listBackups(backups)).toEqual(made.slice(2).map((each) => each.folder.slice(backups.length + 1)));
    expect(made[3].deleted).toEqual([made[1].folder.slice(backups.length + 1)]);
    expect(existsSync(join(backups, 'notes'))).toBe(true);
    expect(keepNewest(backups, 1)).toEqual([made[2].folder.slice(backups.length + 1)]);
  });

  it('restores into an empty folder: the database, the files, identical to the backup', async () => {
    const { folder, manifest } = await backup();
    const target = join(root, 'restored');
    const result = await restoreBackup({ backupDir: folder, dataDir: target, force: false, knownSchemaVersion: MIGRATIONS.length });
    expect(result).toEqual({ manifest, replacedInto: null, configFile: join(folder, 'config', 'hub.env') });
    expect(readdirSync(target).sort()).toEqual(['bootstrap-api-key', 'hub.lock', 'hub.sqlite']);
    expect(await sha256Of(join(target, 'hub.sqlite'))).toBe(manifest.files[0].sha256);
    expect(readFileSync(join(target, 'bootstrap-api-key'), 'utf8')).toBe('the-bootstrap-key');
    const restored = openSqliteDatabase(join(target, 'hub.sqlite'));
    expect(new AuditLogRepository(restored).list({ limit: 10 }).map((entry) => entry.targetId)).toEqual(['r-2', 'r-1', 'r-0']);
    restored.close();
  });

  it('refuses a damaged backup, one from a newer hub, and a folder that is not a backup, changing nothing', async () => {
    const { folder, manifest } = await backup();
    const target = join(root, 'restored');
    const refusal = (backupDir: string, known = MIGRATIONS.length) => restoreBackup({ backupDir, dataDir: target, force: false, knownSchemaVersion: known }).then(() => 'restored', (error: unknown) => error);

    expect(await refusal(dataDir)).toEqual(new RestoreRefusedError('not-a-backup', `${dataDir} is not a hub backup (it has no manifest.json)`));
    expect(await refusal(folder, MIGRATIONS.length - 1)).toMatchObject({
      reason: 'newer-schema',
      message: `Restore refused: the backup's database has schema version ${MIGRATIONS.length}, newer than this hub's ${MIGRATIONS.length - 1}: restore it with the hub version that made it (0.1.0) or a later one. Nothing was changed.`,
    });
    const bytes = readFileSync(join(folder, 'data', 'hub.sqlite'));
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(join(folder, 'data', 'hub.sqlite'), bytes);
    const damaged = (await refusal(folder)) as RestoreRefusedError;
    expect(damaged.reason).toBe('damaged');
    expect(damaged.message).toBe(
      `Restore refused: data/hub.sqlite does not match its checksum (manifest sha256 ${manifest.files[0].sha256}, file ${await sha256Of(join(folder, 'data', 'hub.sqlite'))}): the backup is damaged. Nothing was changed.`,
    );
    expect(existsSync(target)).toBe(false);
    await expect(verifyBackup(folder, MIGRATIONS.length)).rejects.toThrow(/does not match its checksum/);
  });

  it('refuses to overwrite a folder holding a database unless forced, and then moves the replaced files aside', async () => {
    const { folder } = await backup();
    new AuditLogRepository(db).record({ actor: 'carol', action: 'device.provision', targetType: 'device', targetId: 'late', detail: {} });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const refused = await restoreBackup({ backupDir: folder, dataDir, force: false, knownSchemaVersion: MIGRATIONS.length }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RestoreRefusedError);
    expect((refused as RestoreRefusedError).message).toMatch(new RegExp(`^Restore refused: ${dataDir} already holds a hub's database \\(hub.sqlite, hub.sqlite-wal, hub.sqlite-shm, \\d+ bytes\\); restore into an empty folder, or pass --force to replace it`));
    db.close();
    const result = await restoreBackup({ backupDir: folder, dataDir, force: true, knownSchemaVersion: MIGRATIONS.length, now: () => new Date(Date.UTC(2026, 11, 7)) });
    expect(result.replacedInto).toBe(join(dataDir, 'replaced-20261207T000000000Z'));
    expect(readdirSync(result.replacedInto as string).sort()).toEqual(['bootstrap-api-key', 'hub.sqlite']);
    expect(auditCount(join(result.replacedInto as string, 'hub.sqlite'))).toBe(4);
    expect(auditCount(join(dataDir, 'hub.sqlite'))).toBe(3);
    expect(readdirSync(join(dataDir, 'spool'))).toEqual(['segment-1']);
    db = openSqliteDatabase(':memory:');
  });

  it('refuses to restore into a folder whose lock is held, and the lock goes with its holder', async () => {
    const { folder } = await backup();
    const target = join(root, 'running');
    const lock = DataFolderLock.acquire(target, 'hub');
    expect(DataFolderLock.isHeld(target)).toBe(true);
    expect(() => DataFolderLock.acquire(target, 'second hub')).toThrow(DataFolderBusyError);
    const refused = await restoreBackup({ backupDir: folder, dataDir: target, force: true, knownSchemaVersion: MIGRATIONS.length }).catch((error: unknown) => error);
    expect(refused).toEqual(new RestoreRefusedError('hub-running', `a hub is running on the data folder ${target} (it holds ${target}/hub.lock); stop it first, then restore`));
    expect(readdirSync(target)).toEqual(['hub.lock']);
    lock.release();
    expect(DataFolderLock.isHeld(target)).toBe(false);
    await restoreBackup({ backupDir: folder, dataDir: target, force: false, knownSchemaVersion: MIGRATIONS.length });
    expect(existsSync(join(target, 'hub.sqlite'))).toBe(true);
  });

  it('writes an environment file a shell reads back exactly', () => {
    expect(envFile({ B: 'two words', A: "o'clock", C: '$HOME `x`' })).toBe(
      "# The configuration variables the hub was given when this backup was taken. Secrets included: keep this file private.\nA='o'\\''clock'\nB='two words'\nC='$HOME `x`'\n",
    );
  });
});
