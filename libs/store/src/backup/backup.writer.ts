import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SqliteDatabase } from '../sqlite-database';
import { BACKUP_FORMAT, BackupFile, BackupManifest, CONFIG_ENV_FILE, DATA_FOLDER_FILES, LeftOut, MANIFEST_FILE, sha256Of, SQLITE_FILE } from './backup-manifest';
import { backupName, keepNewest } from './backup-retention';
import { LOCK_FILE } from './data-folder.lock';

export interface BackupRequest {
  /** A connection to the live database: the hub's own, or one the CLI opened read-only. */
  readonly source: SqliteDatabase;
  readonly dataDir: string;
  /** The backups folder (HUB_BACKUP_DIR); the new backup is a timestamped folder in it. */
  readonly root: string;
  /** Newest backups kept in `root` after this one. */
  readonly keep: number;
  /** The configuration variables in force, written to config/hub.env. */
  readonly environment: Readonly<Record<string, string>>;
  readonly hubVersion: string;
  readonly trigger: BackupManifest['trigger'];
  /**
   * Pages copied per step, the event loop free between steps; unset: all after the first step. A step runs on the
   * calling thread, so the hub's own backup goes in small steps (its writes, made on the same connection, are copied
   * as they happen and do not restart it). Another process's copy (the CLI) takes the rest in one step: it blocks
   * nobody there, and writes through another connection restart a copy at its next step, which small steps under a
   * busy hub could meet for ever.
   */
  readonly pagesPerStep?: number;
  readonly now?: () => Date;
}

export interface BackupResult {
  readonly folder: string;
  readonly manifest: BackupManifest;
  /** Older backups deleted to keep the newest `keep`. */
  readonly deleted: readonly string[];
}

/** Tables counted in the manifest: what an operator checks first after a restore. */
const COUNTED_TABLES = ['registry_devices', 'operators', 'api_keys', 'mqtt_clients', 'alert_rules', 'alerts', 'alert_events', 'audit_log', 'device_commands', 'dead_letters'];

const SPOOL_WHY =
  'the outage spool: readings already acknowledged to devices and waiting for InfluxDB. They belong to InfluxDB, which gets them when it answers; back InfluxDB up after the spool has drained (hub_spool_readings 0)';

/**
 * Writes one backup: the database through SQLite's online backup API (a consistent snapshot of a live database in
 * WAL mode, taken while the hub keeps writing; never a copy of the file, which can catch a transaction half written),
 * the data folder's small files, the configuration, and a manifest with each file's SHA-256. It is written under a
 * hidden `.partial` name and renamed when complete, so a crash midway never leaves something that looks like a backup.
 */
export async function writeBackup(request: BackupRequest): Promise<BackupResult> {
  const root = resolve(request.root);
  const at = (request.now ?? (() => new Date()))();
  const name = uniqueName(root, backupName(at));
  const partial = join(root, `.${name}.partial`);
  mkdirSync(join(partial, 'data'), { recursive: true, mode: 0o700 });
  mkdirSync(join(partial, 'config'), { mode: 0o700 });
  chmodSync(partial, 0o700);
  try {
    const database = join(partial, 'data', SQLITE_FILE);
    // A step holds a read transaction: the hub's writes (WAL) do not wait for it, and what it copies is one snapshot.
    const pagesPerStep = request.pagesPerStep;
    await request.source.backup(database, { progress: ({ remainingPages }) => pagesPerStep ?? Math.max(remainingPages, 1) });
    const { schemaVersion, rows } = settleCopy(database);
    const copied: string[] = [join('data', SQLITE_FILE)];
    for (const file of DATA_FOLDER_FILES) {
      if (!existsSync(join(request.dataDir, file))) continue;
      copyFileSync(join(request.dataDir, file), join(partial, 'data', file));
      chmodSync(join(partial, 'data', file), 0o600);
      copied.push(join('data', file));
    }
    writeFileSync(join(partial, 'config', CONFIG_ENV_FILE), envFile(request.environment), { mode: 0o600 });
    copied.push(join('config', CONFIG_ENV_FILE));
    const files: BackupFile[] = [];
    for (const path of copied) files.push({ path, bytes: statSync(join(partial, path)).size, sha256: await sha256Of(join(partial, path)) });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      hubVersion: request.hubVersion,
      createdAt: at.toISOString(),
      schemaVersion,
      trigger: request.trigger,
      source: { dataDir: resolve(request.dataDir) },
      files,
      rows,
      leftOut: leftOut(request.dataDir),
    };
    writeFileSync(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, join(root, name));
    return { folder: join(root, name), manifest, deleted: keepNewest(root, request.keep) };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Reads the copy's schema version and row counts, checks it, and makes it one self-contained file (no -wal). */
function settleCopy(file: string): { schemaVersion: number; rows: Record<string, number> } {
  const copy = new Database(file);
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copied database fails SQLite's quick_check: ${String(check)}`);
    copy.pragma('journal_mode = DELETE');
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    const present = new Set((copy.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((row) => row.name));
    const rows: Record<string, number> = {};
    for (const table of COUNTED_TABLES.filter((each) => present.has(each))) rows[table] = (copy.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { schemaVersion, rows };
  } finally {
    copy.close();
  }
}

/** `NAME='value'`, one a line: readable by a shell (`set -a; . hub.env`) and by systemd's EnvironmentFile=. */
export function envFile(environment: Readonly<Record<string, string>>): string {
  const lines = Object.keys(environment)
    .sort()
    .map((name) => `${name}='${environment[name].replace(/'/g, `'\\''`)}'`);
  return `# The configuration variables the hub was given when this backup was taken. Secrets included: keep this file private.\n${lines.join('\n')}\n`;
}

function leftOut(dataDir: string): LeftOut[] {
  const taken = new Set([SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`, LOCK_FILE, ...DATA_FOLDER_FILES]);
  return readdirSync(dataDir)
    .filter((name) => !taken.has(name))
    .sort()
    .map((name) => ({
      path: name,
      bytes: sizeOf(join(dataDir, name)),
      why: name === 'spool' ? SPOOL_WHY : 'not known to this version of the backup: copy it yourself if it matters',
    }));
}

/** Bytes under `path`; a file the running hub removes meanwhile (a spool segment replayed) counts 0. */
function sizeOf(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

function uniqueName(root: string, name: string): string {
  let candidate = name;
  for (let index = 2; existsSync(join(root, candidate)); index++) candidate = `${name}-${index}`;
  return candidate;
}
