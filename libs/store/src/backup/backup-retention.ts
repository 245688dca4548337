import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from './backup-manifest';

/** hub-backup-20261206T183000123Z: sorts by time as text. */
export const BACKUP_NAME = /^hub-backup-\d{8}T\d{9}Z(-\d+)?$/;

export function backupName(at: Date): string {
  return `hub-backup-${at.toISOString().replace(/[-:.]/g, '')}`;
}

/** The complete backups in `root` (a folder with a manifest: one still being written has neither name nor manifest), oldest first. */
export function listBackups(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && BACKUP_NAME.test(entry.name) && existsSync(join(root, entry.name, MANIFEST_FILE)))
    .map((entry) => entry.name)
    .sort();
}

/** Deletes all but the newest `keep` backups in `root`; answers the names deleted. Other files and folders are left alone. */
export function keepNewest(root: string, keep: number): string[] {
  const all = listBackups(root);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of doomed) rmSync(join(root, name), { recursive: true, force: true });
  return doomed;
}
