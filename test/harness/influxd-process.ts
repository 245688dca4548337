import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxQueryClient, InfluxSeries, quoteIdentifier } from '@hub/influx';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

const INFLUXD = '/usr/bin/influxd';

/**
 * A real InfluxDB 1.x for integration tests: its own temp dir and ports, so test files can run in parallel.
 * Keys checked against `influxd config` of Debian's 1.6.7; influxd ignores keys it does not know.
 */
export class InfluxdProcess {
  private readonly clients = new Map<string, InfluxQueryClient>();

  private constructor(
    readonly port: number,
    /** Temp dir holding the config, meta, data and wal. */
    readonly dataDir: string,
    private readonly configPath: string,
    private server: ServerProcess | undefined,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * `retentionCheckInterval`: how often influxd drops shard groups past their retention policy (its default is 30m),
   * e.g. `1s` for a test that shortens a policy and waits for the drop.
   */
  static async start(options: { readonly retentionCheckInterval?: string } = {}): Promise<InfluxdProcess> {
    try {
      await access(INFLUXD, constants.X_OK);
    } catch {
      throw new Error(`${INFLUXD} not found: run \`bash scripts/test.sh\`, which installs InfluxDB 1.x for the integration tests`);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'influxd-test-'));
    const influxd = new InfluxdProcess(await freePort(), dataDir, join(dataDir, 'influxd.toml'), undefined);
    try {
      await writeFile(influxd.configPath, influxdConfig(dataDir, influxd.port, await freePort(), options.retentionCheckInterval ?? '30m'));
      await influxd.restart();
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    return influxd;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** SIGTERM and wait for exit (influxd flushes its WAL on a clean shutdown). */
  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** SIGKILL: a crash or power loss, for outage tests. */
  async kill(): Promise<void> {
    await this.server?.kill();
  }

  /** Starts influxd again on the same port and data dir (stopping it first if it still runs). */
  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({
      name: 'influxd',
      binary: INFLUXD,
      args: ['-config', this.configPath],
      readyUrl: `${this.url}/ping`,
    });
  }

  async cleanup(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  query(database: string, influxql: string): Promise<InfluxSeries[]> {
    let client = this.clients.get(database);
    if (client === undefined) {
      client = new InfluxQueryClient({ api: 'v1', url: this.url, database, timeoutMs: 10_000 });
      this.clients.set(database, client);
    }
    return client.query(influxql);
  }

  async createDatabase(database: string): Promise<void> {
    await this.query(database, `CREATE DATABASE ${quoteIdentifier(database)}`);
  }
}

function influxdConfig(dir: string, httpPort: number, rpcPort: number, retentionCheckInterval: string): string {
  return `# Upstream spells it reporting-disabled, Debian's build reporting-enabled; both are set.
reporting-disabled = true
reporting-enabled = false
# The RPC (backup) port defaults to 8088, which would collide between parallel test files.
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false
  log-enabled = false

[retention]
  check-interval = "${retentionCheckInterval}"

[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
}
