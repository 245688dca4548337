import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadHubConfig } from '@hub/config';
import { MIGRATIONS, restoreBackup, RestoreRefusedError } from '@hub/store';
import { describeManifest } from './backup-report';
import { runCommand } from './cli-exit';

const USAGE = `Usage: npm run restore -- <backup-folder> [--data-dir DIR] [--force]

Restores a backup made by npm run backup into the data folder of a STOPPED hub (HUB_DATA_DIR, or --data-dir).
Refused while a hub runs on that folder, when the backup is damaged, and when the folder already holds a database
unless --force is given (the replaced files are moved into a replaced-<time> folder beside them, not deleted).`;

/** `npm run restore`: exit 0 restored, 1 refused or failed (the message says which and why), 64 usage. */
async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
    if (args.values.help !== true && args.positionals.length !== 1) throw new Error('Give exactly one backup folder.');
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
    process.stderr.write('This hub keeps its state in PostgreSQL (HUB_DATABASE_URL): npm run restore writes the embedded SQLite database only. Restore PostgreSQL with its own tools (docs/operations.md).\n');
    return 1;
  }
  const dataDir = resolve(args.values['data-dir'] ?? config.dataDir);
  try {
    const result = await restoreBackup({ backupDir: args.positionals[0], dataDir, force: args.values.force === true, knownSchemaVersion: MIGRATIONS.length });
    const variables = readFileSync(result.configFile, 'utf8').split('\n').filter((line) => /^[A-Z]/.test(line)).length;
    process.stdout.write(`Restored ${resolve(args.positionals[0])} into ${dataDir}\n${describeManifest(result.manifest)}`);
    if (result.replacedInto !== null) process.stdout.write(`The files it replaced are in ${result.replacedInto}\n`);
    process.stdout.write(
      `Configuration: ${result.configFile} holds the ${variables} variables the hub was given. The hub reads its environment, not this file: ` +
        'give them to its service (systemd EnvironmentFile=, docker env_file, or `set -a; . hub.env`) before starting it.\n' +
        'Start the hub: it brings an older database up to its schema at start. Devices reconnect with the secrets they have.\n',
    );
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefusedError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parse() {
  return parseArgs({ options: { 'data-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
}

runCommand('Restore', main);
