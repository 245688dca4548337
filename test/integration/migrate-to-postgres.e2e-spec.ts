import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import postgres from 'postgres';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { PostgresProcess } from '../harness/postgres-process';
import { provisionDevices } from '../harness/provision';
import { repoRoot } from '../harness/repo-root';

const CLI = join(repoRoot(), 'dist/apps/backup/src/migrate-to-postgres-cli.js');

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/**
 * Moving a county that ran on the embedded database to PostgreSQL: the built command (what `npm run
 * db:migrate-to-postgres` runs) copies a real hub's data folder into a real PostgreSQL, refuses while the hub runs
 * and refuses a target that already holds hub rows, each with its reason.
 */
describe('npm run db:migrate-to-postgres (real service, real PostgreSQL)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let cluster: PostgresProcess;
  let target: { name: string; url: string };

  beforeAll(async () => {
    [influxd, cluster] = await Promise.all([InfluxdProcess.start(), PostgresProcess.start()]);
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'migrate_pg', HUB_ALERT_DEFAULT_RULES: 'off' });
    target = await cluster.createDatabase();
  });
  afterAll(async () => {
    await hub?.cleanup();
    await cluster?.cleanup();
    await influxd?.cleanup();
  });

  it('refuses while the hub runs, copies once it is stopped, and refuses a second copy into the same database', async () => {
    await provisionDevices(
      hub,
      Array.from({ length: 120 }, (_, index) => ({ deviceId: `meter-${String(index).padStart(3, '0')}`, domain: index % 2 === 0 ? ('water' as const) : ('power' as const), town: index % 3 === 0 ? '城关镇' : 'Ashford' })),
    );
    await createOperator(hub, { username: 'li.wei', password: 'a long enough password 7', role: 'operator' });

    const running = await runCli(['--to', target.url, '--data-dir', hub.dataDir]);
    expect(running.code).toBe(1);
    expect(running.stderr).toBe(
      `The data folder ${hub.dataDir} is in use by a running hub or restore (it holds ${join(hub.dataDir, 'hub.lock')}): stop the hub first — a copy of a running hub would miss what it writes meanwhile.\n`,
    );

    expect(await hub.stop()).toBe(0);
    const source = new Database(join(hub.dataDir, 'hub.sqlite'), { readonly: true });
    const count = (table: string): number => (source.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const expected = { registry: count('registry_devices'), operators: count('operators'), audit: count('audit_log') };
    const sourceDevices = source.prepare('SELECT device_id, domain, town, secret_hash FROM registry_devices ORDER BY device_id').all();
    source.close();
    expect(expected.registry).toBe(120);
    expect(expected.operators).toBe(2);

    // --to falls back to HUB_DATABASE_URL, as the hub itself will read it.
    const copied = await runCli(['--data-dir', hub.dataDir], { HUB_DATABASE_URL: target.url });
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    const where = `postgres://127.0.0.1:${cluster.port}/${target.name}`;
    expect(copied.stdout).toContain(`into ${where}\n`);
    expect(copied.stdout).toMatch(new RegExp(`\\n  registry_devices +${expected.registry} rows  sha256 [0-9a-f]{16}…\\n`));
    expect(copied.stdout).toMatch(new RegExp(`\\n  operators +${expected.operators} rows  sha256 [0-9a-f]{16}…\\n`));
    expect(copied.stdout).toMatch(new RegExp(`\\n  audit_log +${expected.audit} rows  sha256 [0-9a-f]{16}…\\n`));
    expect(copied.stdout).toContain('every table read back with the same count and checksum.');

    const sql = postgres(target.url, { max: 1, onnotice: () => undefined });
    try {
      expect(await sql`SELECT device_id, domain, town, secret_hash FROM registry_devices ORDER BY device_id`).toEqual(sourceDevices);
      expect((await sql`SELECT username FROM operators ORDER BY username`).map((row) => row.username)).toEqual(['admin', 'li.wei']);
    } finally {
      await sql.end();
    }

    const again = await runCli(['--to', target.url, '--data-dir', hub.dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Refused: the PostgreSQL database already holds hub data \(.*registry_devices: 120.*\); copy into an empty database/);
  });

  it('says what is missing when no target is given', async () => {
    const run = await runCli(['--data-dir', hub.dataDir]);
    expect(run.code).toBe(64);
    expect(run.stderr.split('\n')[0]).toBe('Say where to copy to: --to postgres://… (or HUB_DATABASE_URL)');
  });
});
