import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKUP_FORMAT, BackupManifest, CONFIG_ENV_FILE, MANIFEST_FILE, sha256Of, SQLITE_FILE } from './backup-manifest';
import { DataFolderBusyError, DataFolderLock } from './data-folder.lock';

export type RestoreRefusal = 'not-a-backup' | 'damaged' | 'newer-schema' | 'hub-running' | 'data-present';

/** A restore that did nothing, and why, in words for the person who ran it. */
export class RestoreRefusedError extends Error {
  constructor(
    readonly reason: RestoreRefusal,
    message: string,
  ) {
    super(`Restore refused: ${message}. Nothing was changed.`);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreRequest {
  readonly backupDir: string;
  readonly dataDir: string;
  /** Replace a data folder that already holds a hub's database (its files are moved aside, not deleted). */
  readonly force: boolean;
  /** The newest schema this hub knows (MIGRATIONS.length): a backup from a newer hub cannot be opened by it. */
  readonly knownSchemaVersion: number;
  readonly now?: () => Date;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  /** Where the replaced files went (with --force), or null. */
  readonly replacedInto: string | null;
  /** The configuration file of the backup, for the operator to give to the hub's service. */
  readonly configFile: string;
}

/**
 * Checks a backup, then restores it into a data folder: the database and the data folder's files, each copied under a
 * temporary name and renamed, after its checksum was verified again. Refused, with nothing changed, when the backup is
 * not one or is damaged (a checksum, the schema version, SQLite's own check), when a hub runs on the folder (its lock,
 * held while this runs so none starts meanwhile), or when the folder already holds a database and `force` is not set.
 */
export async function restoreBackup(request: RestoreRequest): Promise<RestoreResult> {
  const backupDir = resolve(request.backupDir);
  const dataDir = resolve(request.dataDir);
  const manifest = await verifyBackup(backupDir, request.knownSchemaVersion);
  let lock: DataFolderLock;
  try {
    lock = DataFolderLock.acquire(dataDir, 'restore');
  } catch (error) {
    if (error instanceof DataFolderBusyError) {
      throw new RestoreRefusedError('hub-running', `a hub is running on the data folder ${dataDir} (it holds ${dataDir}/hub.lock); stop it first, then restore`);
    }
    throw error;
  }
  try {
    const present = [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`].filter((name) => existsSync(join(dataDir, name)));
    if (present.length > 0 && !request.force) {
      const size = statSync(join(dataDir, present[0])).size;
      throw new RestoreRefusedError('data-present', `${dataDir} already holds a hub's database (${present.join(', ')}, ${size} bytes); restore into an empty folder, or pass --force to replace it (its files are moved aside, not deleted)`);
    }
    const restored = manifest.files.filter((file) => file.path.startsWith('data/')).map((file) => file.path.slice('data/'.length));
    const replacing = [...new Set([...present, ...restored])].filter((name) => existsSync(join(dataDir, name)));
    let replacedInto: string | null = null;
    if (replacing.length > 0) {
      replacedInto = join(dataDir, `replaced-${(request.now ?? (() => new Date()))().toISOString().replace(/[-:.]/g, '')}`);
      mkdirSync(replacedInto, { mode: 0o700 });
      for (const name of replacing) renameSync(join(dataDir, name), join(replacedInto, name));
    }
    for (const file of manifest.files.filter((each) => each.path.startsWith('data/'))) {
      const name = file.path.slice('data/'.length);
      const temporary = join(dataDir, `.${name}.restoring`);
      copyFileSync(join(backupDir, file.path), temporary);
      chmodSync(temporary, 0o600);
      if ((await sha256Of(temporary)) !== file.sha256) throw new Error(`${temporary} does not match its checksum after copying: the disk of ${dataDir} is failing?`);
      renameSync(temporary, join(dataDir, name));
    }
    return { manifest, replacedInto, configFile: join(backupDir, 'config', CONFIG_ENV_FILE) };
  } finally {
    lock.release();
  }
}

/** Reads and checks a backup folder: its manifest, each file's size and SHA-256, and the database's schema and integrity. */
export async function verifyBackup(backupDir: string, knownSchemaVersion: number): Promise<BackupManifest> {
  const manifestFile = join(backupDir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new RestoreRefusedError('not-a-backup', `${backupDir} is not a hub backup (it has no ${MANIFEST_FILE})`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new RestoreRefusedError('damaged', `${manifestFile} is not valid JSON (${(error as Error).message})`);
  }
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.files)) {
    throw new RestoreRefusedError('not-a-backup', `${manifestFile} is not a manifest this hub reads (format ${JSON.stringify(manifest.format)}, expected ${BACKUP_FORMAT})`);
  }
  const database = `data/${SQLITE_FILE}`;
  if (!manifest.files.some((file) => file.path === database)) throw new RestoreRefusedError('damaged', `the manifest lists no ${database}`);
  for (const file of manifest.files) {
    // Only data/<name> and config/<name>: a manifest cannot make the restore write outside the data folder.
    if (!/^(data|config)\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file.path)) throw new RestoreRefusedError('damaged', `the manifest names an unexpected file ${JSON.stringify(file.path)}`);
    const path = join(backupDir, file.path);
    if (!existsSync(path)) throw new RestoreRefusedError('damaged', `${file.path} is missing from the backup`);
    const sha256 = await sha256Of(path);
    if (sha256 !== file.sha256) throw new RestoreRefusedError('damaged', `${file.path} does not match its checksum (manifest sha256 ${file.sha256}, file ${sha256}): the backup is damaged`);
  }
  if (manifest.schemaVersion > knownSchemaVersion) {
    throw new RestoreRefusedError('newer-schema', `the backup's database has schema version ${manifest.schemaVersion}, newer than this hub's ${knownSchemaVersion}: restore it with the hub version that made it (${manifest.hubVersion}) or a later one`);
  }
  const copy = new Database(join(backupDir, database), { readonly: true, fileMustExist: true });
  try {
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    if (schemaVersion !== manifest.schemaVersion) throw new RestoreRefusedError('damaged', `the database has schema version ${schemaVersion} but the manifest says ${manifest.schemaVersion}`);
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new RestoreRefusedError('damaged', `the database fails SQLite's quick_check (${String(check)})`);
  } finally {
    copy.close();
  }
  return manifest;
}
