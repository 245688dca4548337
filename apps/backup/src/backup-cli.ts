import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configuredVariables, loadHubConfig } from '@hub/config';
import { DataFolderLock, packageVersion, SQLITE_FILE, writeBackup } from '@hub/store';
import { describeManifest } from './backup-report';
import { runCommand } from './cli-exit';

const USAGE = `Usage: npm run backup -- [--data-dir DIR] [--out DIR] [--keep N]

Backs up the hub's embedded database (SQLite's online backup API: the hub may keep running), the small files of its
data folder and its configuration into a timestamped folder under --out, and keeps the newest --keep there.
Defaults come from the hub's own variables: HUB_DATA_DIR, HUB_BACKUP_DIR, HUB_BACKUP_KEEP.`;

/**
 * `npm run backup`. It opens the database file itself, read-only, rather than asking the running hub over an admin
 * API: it then works the same with the hub stopped (before an upgrade, on a machine whose hub will not start), needs
 * no API key on the command line, and a consistent copy needs nothing from the hub, since SQLite's backup API takes
 * one snapshot from any connection while the hub's WAL-mode writes go on. The hub's own scheduled backup
 * (HUB_BACKUP_EVERY) uses the same writer on its own connection.
 */
async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 64;
  }
  if (args.values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadHubConfig(process.env);
  if (config.databaseUrl !== null) {
    process.stderr.write('This hub keeps its state in PostgreSQL (HUB_DATABASE_URL): npm run backup copies the embedded SQLite database only. Back PostgreSQL up with pg_dump or pgBackRest (docs/operations.md).\n');
    return 1;
  }
  const dataDir = resolve(args.values['data-dir'] ?? config.dataDir);
  const root = resolve(args.values.out ?? config.backup.dir);
  const keep = args.values.keep === undefined ? config.backup.keep : Number(args.values.keep);
  if (!Number.isInteger(keep) || keep < 1) {
    process.stderr.write(`--keep ${JSON.stringify(args.values.keep)}: a whole number of backups, 1 or more\n`);
    return 64;
  }
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) {
    process.stderr.write(`No hub database at ${file}: is HUB_DATA_DIR (or --data-dir) the hub's data folder?\n`);
    return 1;
  }
  const running = DataFolderLock.isHeld(dataDir);
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result = await writeBackup({
      source,
      dataDir,
      root,
      keep,
      environment: configuredVariables(process.env),
      hubVersion: packageVersion(__dirname),
      trigger: 'cli',
    });
    process.stdout.write(`Backed up ${dataDir}${running ? ' (the hub is running: an online copy)' : ''} into ${result.folder}\n`);
    process.stdout.write(describeManifest(result.manifest));
    if (result.deleted.length > 0) process.stdout.write(`Deleted older backups, keeping the newest ${keep}: ${result.deleted.join(', ')}\n`);
    return 0;
  } finally {
    source.close();
  }
}

function parse() {
  return parseArgs({
    options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, keep: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
}

runCommand('Backup', main);
