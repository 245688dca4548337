import { execFile } from 'node:child_process';
import { access, appendFile, chown, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

/**
 * A real PostgreSQL 15 for tests: its own cluster in a temp dir, on a port of its own, durability switched off (a test
 * cluster is thrown away; fsync would only cost time). As root (CI) it runs as the `postgres` user: initdb and
 * postgres refuse root. Databases are made per test from a migrated template (createDatabase), which is much faster
 * than migrating each.
 */
export class PostgresProcess {
  private admin: postgres.Sql | null = null;
  private counter = 0;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly user: { uid: number; gid: number } | undefined,
    private server: ServerProcess | undefined,
  ) {}

  /** `durable`: fsync and synchronous commit as a production server has them (a benchmark's figures), not off. */
  static async start(options: { readonly durable?: boolean } = {}): Promise<PostgresProcess> {
    try {
      await access(join(BIN, 'initdb'), constants.X_OK);
    } catch {
      throw new Error(`${BIN}/initdb not found: run \`bash scripts/test.sh\`, which installs PostgreSQL 15 for the tests`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'postgres-test-'));
    const user = userInfo().uid === 0 ? await postgresUser() : undefined;
    if (user !== undefined) await chown(dir, user.uid, user.gid);
    const server = new PostgresProcess(await freePort(), dir, user, undefined);
    try {
      await run(join(BIN, 'initdb'), ['-D', server.dataDir, '-U', 'hub', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
        uid: user?.uid,
        gid: user?.gid,
      });
      // In the configuration file rather than on the command line, so that ALTER SYSTEM (requireSynchronousStandby)
      // can override them; a standby copies them with the data folder.
      await appendFile(
        join(server.dataDir, 'postgresql.conf'),
        `\nlisten_addresses = '127.0.0.1'\nmax_connections = 200\n${options.durable === true ? '' : 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'}`,
      );
      await server.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A database of this cluster, as the `hub` superuser. */
  url(database: string): string {
    return `postgres://hub@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  /**
   * A new empty database (or a copy of `template`), named uniquely for this process; answers its URL. Tests that
   * share the cluster never see each other's rows.
   */
  async createDatabase(options: { readonly template?: string; readonly name?: string } = {}): Promise<{ name: string; url: string }> {
    this.counter += 1;
    const name = options.name ?? `hub_${process.pid}_${this.counter}`;
    const template = options.template === undefined ? '' : ` TEMPLATE "${options.template}"`;
    await this.adminClient().unsafe(`CREATE DATABASE "${name}"${template}`);
    return { name, url: this.url(name) };
  }

  async dropDatabase(name: string): Promise<void> {
    await this.adminClient().unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }

  private adminClient(): postgres.Sql {
    this.admin ??= postgres(this.url('postgres'), { max: 1, onnotice: () => undefined });
    return this.admin;
  }

  /** Fast shutdown (SIGINT): open connections are ended, the data stays. */
  async stop(): Promise<void> {
    await this.admin?.end({ timeout: 1 });
    this.admin = null;
    await this.server?.stop();
  }

  /** SIGKILL of the postmaster: a crash. The next start recovers from the WAL. */
  async kill(): Promise<void> {
    await this.admin?.end({ timeout: 0 });
    this.admin = null;
    await this.server?.kill();
  }

  /** Starts the server again on the same port and data (stopping it first if it still runs). */
  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({
      name: 'postgres',
      binary: join(BIN, 'postgres'),
      args: [
        '-D', this.dataDir, '-p', String(this.port), '-k', this.dir,
      ],
      uid: this.user?.uid,
      gid: this.user?.gid,
      stopSignal: 'SIGINT',
      readyTcpPort: this.port,
    });
    // The port accepts before the server takes sessions ("the database system is starting up"): wait for a query.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = postgres(this.url('postgres'), { max: 1, connect_timeout: 2, onnotice: () => undefined });
      try {
        await probe`SELECT 1`;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`postgres did not take queries in 20 s: ${String(error)}\n${this.server.output}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await probe.end({ timeout: 0 });
      }
    }
  }

  /**
   * A hot standby of this server (pg_basebackup with a recovery configuration, streaming from this one), on its own
   * port and folder: half of the primary + standby pair that docs/operations.md describes, for failover tests.
   */
  async startStandby(): Promise<PostgresProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'postgres-standby-'));
    if (this.user !== undefined) await chown(dir, this.user.uid, this.user.gid);
    const standby = new PostgresProcess(await freePort(), dir, this.user, undefined);
    try {
      await run(join(BIN, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'hub', '-D', standby.dataDir, '-R', '-X', 'stream', '-c', 'fast'], {
        uid: this.user?.uid,
        gid: this.user?.gid,
      });
      await standby.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return standby;
  }

  /**
   * Commits wait until a standby has the transaction (synchronous_standby_names = '*', synchronous_commit = on): the
   * setting docs/operations.md asks for, without which a failover loses what the primary had not yet streamed.
   */
  async requireSynchronousStandby(): Promise<void> {
    const admin = this.adminClient();
    await admin`ALTER SYSTEM SET synchronous_standby_names = '*'`;
    await admin`ALTER SYSTEM SET synchronous_commit = 'on'`;
    await admin`SELECT pg_reload_conf()`;
  }

  /** Makes a standby the primary (what a failover manager such as Patroni or repmgr does), waiting until it is. */
  async promote(): Promise<void> {
    await this.adminClient()`SELECT pg_promote(true, 30)`;
  }

  async cleanup(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
