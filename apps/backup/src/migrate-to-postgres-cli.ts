import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadHubConfig } from '@hub/config';
import {
  copySqliteToPostgres,
  CopyMismatchError,
  DataFolderBusyError,
  DataFolderLock,
  describeDatabaseUrl,
  MIGRATIONS,
  openSqliteDatabase,
  SQLITE_FILE,
  Store,
  TargetNotEmptyError,
} from '@hub/store';
import { runCommand } from './cli-exit';

const USAGE = `Usage: npm run db:migrate-to-postgres -- --to postgres://user:password@host:5432/database [--data-dir DIR]

Copies the hub's embedded SQLite database (HUB_DATA_DIR, or --data-dir) into an empty PostgreSQL database: every
table with its ids, so dead-letter, alert-history and audit cursors stay valid. Each table is read back and held to
the source's row count and SHA-256 before the copy commits; a difference, or a target that already holds hub rows,
leaves the target as it was. --to defaults to HUB_DATABASE_URL. Stop the hub first: the copy takes its data folder's
lock, as the hub does, so neither can run while the other does.`;

/** `npm run db:migrate-to-postgres`: moving an existing county from the embedded database to PostgreSQL. */
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
  const url = args.values.to ?? process.env.HUB_DATABASE_URL;
  if (url === undefined || url === '') {
    process.stderr.write(`Say where to copy to: --to postgres://… (or HUB_DATABASE_URL)\n\n${USAGE}\n`);
    return 64;
  }
  const dataDir = resolve(args.values['data-dir'] ?? loadHubConfig(process.env).dataDir);
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) {
    process.stderr.write(`No hub database at ${file}: is HUB_DATA_DIR (or --data-dir) the hub's data folder?\n`);
    return 1;
  }
  let lock: DataFolderLock;
  try {
    lock = DataFolderLock.acquire(dataDir, 'db:migrate-to-postgres');
  } catch (error) {
    if (!(error instanceof DataFolderBusyError)) throw error;
    process.stderr.write(`${error.message}: stop the hub first — a copy of a running hub would miss what it writes meanwhile.\n`);
    return 1;
  }
  try {
    const source = openSqliteDatabase(file);
    try {
      const where = describeDatabaseUrl(url);
      process.stdout.write(`Copying ${file} (schema version ${MIGRATIONS.length}) into ${where}\n`);
      const target = await Store.postgres(url, { applicationName: 'hub-migrate-to-postgres' });
      try {
        const report = await copySqliteToPostgres(source, target, (copy) => {
          if (copy.rows > 0) process.stdout.write(`  ${copy.table.padEnd(32)} ${String(copy.rows).padStart(9)} rows  sha256 ${copy.checksum.slice(0, 16)}…\n`);
        });
        const empty = report.tables.filter((copy) => copy.rows === 0).length;
        process.stdout.write(
          `Copied ${report.rows} rows of ${report.tables.length - empty} tables (${empty} empty) in ${(report.ms / 1000).toFixed(1)} s; ` +
            `every table read back with the same count and checksum.\nNext: set HUB_DATABASE_URL=${where} (with its credentials) and start the hub. ` +
            `The SQLite file is left as it was: keep it until the hub runs well on PostgreSQL.\n`,
        );
        return 0;
      } catch (error) {
        if (error instanceof TargetNotEmptyError || error instanceof CopyMismatchError) {
          process.stderr.write(`Refused: ${error.message}\n`);
          return 1;
        }
        throw error;
      } finally {
        await target.close();
      }
    } finally {
      source.close();
    }
  } finally {
    lock.release();
  }
}

function parse() {
  return parseArgs({
    options: { to: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
}

runCommand('The copy to PostgreSQL', main);
