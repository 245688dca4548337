import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SILENT_LOGGER } from '@hub/common';
import { DEAD_LETTER_BUFFER, DeadLetterRepository, DeadLetterWriter, type NewDeadLetter, type PreparedDeadLetter } from '@hub/pipeline';
import { Store, SQLITE_FILE } from '@hub/store';
import { PostgresProcess, repoRoot } from '@hub/test-harness';

/**
 * `npm run bench:dead-letters`: dead letters committed per second on SQLite (a file, WAL, synchronous=NORMAL as the
 * hub opens it) and on PostgreSQL 15 (a cluster started for the run with fsync and synchronous_commit on, as a
 * production server), one transaction per letter (what DeadLetterRepository.insertMany costs a caller alone) against
 * the DeadLetterWriter under concurrent callers (each waits for its commit before sending the next letter, as a
 * connection's PUBACK does). Prints a table and writes artifacts/bench-dead-letters.json.
 * Options: --seconds N (per measurement, default 5), --callers N,N (default 1,50,500).
 */
const PAYLOAD = `{"metrics":{"ph":${'9'.repeat(180)}}}`;

interface Measurement {
  readonly store: string;
  readonly way: string;
  readonly callers: number;
  readonly letters: number;
  readonly seconds: number;
  readonly lettersPerSecond: number;
  readonly transactions: number;
  readonly lettersPerTransaction: number;
}

function option(argv: readonly string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1] : fallback;
}

function letter(index: number): NewDeadLetter {
  return { receivedAt: Date.now(), reason: 'VALUE_OUT_OF_RANGE', detail: 'ph 999 pH is outside [0, 14]', topic: `sensors/water/w-${index % 1000}/telemetry`, clientId: `w-${index % 1000}`, deviceId: `w-${index % 1000}`, domain: 'water', payload: PAYLOAD };
}

/** `callers` loops, each recording one letter and waiting for it, for `seconds`. */
async function drive(seconds: number, callers: number, record: (letter: NewDeadLetter) => Promise<void>): Promise<{ letters: number; seconds: number }> {
  let letters = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < until) {
        await record(letter(letters));
        letters++;
      }
    }),
  );
  return { letters, seconds: (performance.now() - started) / 1000 };
}

async function measure(storeName: string, store: Store, seconds: number, callerCounts: readonly number[]): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const row = (way: string, callers: number, run: { letters: number; seconds: number }, transactions: number): Measurement => {
    const measured = { store: storeName, way, callers, letters: run.letters, seconds: run.seconds, lettersPerSecond: run.letters / run.seconds, transactions, lettersPerTransaction: run.letters / Math.max(transactions, 1) };
    process.stdout.write(`  ${storeName.padEnd(10)} ${way.padEnd(22)} ${String(callers).padStart(4)} callers: ${Math.round(measured.lettersPerSecond).toLocaleString('en')} letters/s (${measured.lettersPerTransaction.toFixed(1)} per transaction)\n`);
    return measured;
  };
  // The bound of a hub's default configuration: eviction runs once a run has filled it, as it would in service.
  const repository = new DeadLetterRepository(store, 100_000, 4096);
  for (const callers of callerCounts) {
    let transactions = 0;
    const perLetter = await drive(seconds, callers, (one) => {
      transactions++;
      return repository.insertMany([one]);
    });
    results.push(row('one per transaction', callers, perLetter, transactions));
  }
  for (const callers of callerCounts) {
    let transactions = 0;
    const counting = { prepare: (one: NewDeadLetter) => repository.prepare(one), insertPrepared: (letters: readonly PreparedDeadLetter[]) => (transactions++, repository.insertPrepared(letters)) };
    const writer = new DeadLetterWriter(counting, SILENT_LOGGER, DEAD_LETTER_BUFFER);
    const grouped = await drive(seconds, callers, (one) => writer.record([one]));
    await writer.close(10_000);
    results.push(row('DeadLetterWriter', callers, grouped, transactions));
  }
  return results;
}

async function main(argv: readonly string[]): Promise<void> {
  const seconds = Number(option(argv, 'seconds', '5'));
  const callerCounts = option(argv, 'callers', '1,50,500').split(',').map(Number);
  if (!(seconds > 0) || callerCounts.some((count) => !(count >= 1))) throw new Error('--seconds takes a positive number, --callers a list like 1,50,500');
  process.stdout.write(`dead-letter writes, ${seconds} s each, ${Buffer.byteLength(PAYLOAD)}-byte payload, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}\n`);
  const results: Measurement[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'bench-dead-letters-'));
  try {
    const sqlite = Store.sqlite(join(dir, SQLITE_FILE));
    try {
      results.push(...(await measure('SQLite', sqlite, seconds, callerCounts)));
    } finally {
      await sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cluster = await PostgresProcess.start({ durable: true });
  try {
    const { url } = await cluster.createDatabase();
    const postgres = await Store.postgres(url, { applicationName: 'bench-dead-letters' });
    try {
      results.push(...(await measure('PostgreSQL', postgres, seconds, callerCounts)));
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.cleanup();
  }

  process.stdout.write('\n| store | callers | one per transaction (letters/s) | DeadLetterWriter (letters/s) | letters per transaction |\n| --- | --- | --- | --- | --- |\n');
  for (const store of ['SQLite', 'PostgreSQL']) {
    for (const callers of callerCounts) {
      const single = results.find((result) => result.store === store && result.callers === callers && result.way === 'one per transaction');
      const grouped = results.find((result) => result.store === store && result.callers === callers && result.way === 'DeadLetterWriter');
      process.stdout.write(`| ${store} | ${callers} | ${Math.round(single?.lettersPerSecond ?? 0).toLocaleString('en')} | ${Math.round(grouped?.lettersPerSecond ?? 0).toLocaleString('en')} | ${grouped?.lettersPerTransaction.toFixed(1)} |\n`);
    }
  }
  const file = join(repoRoot(), 'artifacts', 'bench-dead-letters.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, loadAverage: loadavg()[0], seconds, results }, null, 2)}\n`);
  process.stdout.write(`\n${file}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
