import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'county-sensing-hub-backup/1';
/** The embedded database's file name in the data folder (and under data/ in a backup). */
export const SQLITE_FILE = 'hub.sqlite';
/** The configuration the hub ran with, under config/ in a backup. */
export const CONFIG_ENV_FILE = 'hub.env';
/**
 * Small files in the data folder a restored hub needs besides the database: the key `npm start` gives the simulator
 * (its hash is in the database, the key itself only here) and, until the first admin changes it, their password.
 */
export const DATA_FOLDER_FILES: readonly string[] = ['bootstrap-api-key', 'initial-admin-password'];

export interface BackupFile {
  /** Relative to the backup folder: `data/hub.sqlite`, `config/hub.env`. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What of the data folder a backup leaves out, and why, so that nobody learns it at restore time. */
export interface LeftOut {
  readonly path: string;
  readonly bytes: number;
  readonly why: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  /** The hub's package version that wrote the backup. */
  readonly hubVersion: string;
  readonly createdAt: string;
  /** PRAGMA user_version of the copied database: the number of migrations it has. */
  readonly schemaVersion: number;
  /** `cli` (npm run backup) or `schedule` (HUB_BACKUP_EVERY). */
  readonly trigger: 'cli' | 'schedule';
  readonly source: { readonly dataDir: string };
  readonly files: readonly BackupFile[];
  /** Rows of the main tables in the copy, for the operator to compare after a restore. */
  readonly rows: Readonly<Record<string, number>>;
  readonly leftOut: readonly LeftOut[];
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
