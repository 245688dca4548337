import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { freePort } from './free-port';
import { HubProcess } from './hub-process';
import { InfluxdProcess } from './influxd-process';
import { PostgresProcess } from './postgres-process';
import { HaproxyProcess, haproxyNode } from './haproxy-process';
import { RedisProcess } from './redis-process';

export interface ClusterOptions {
  /** Hub nodes (HUB_NODE_ID node-1 … node-N). */
  readonly nodes: number;
  /** A synchronous hot standby beside the PostgreSQL primary, in the nodes' multi-host URL (failover tests). */
  readonly standby?: boolean;
  /** Settings for every node, over the cluster's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Default 'hub_cluster'. */
  readonly influxDatabase?: string;
  /**
   * Default false: the nodes write to InfluxDB every 50 ms and give up on a write after 2 s, so faults show quickly.
   * True: the service's own defaults there (a benchmark).
   */
  readonly serviceDefaults?: boolean;
}

/** Faster than the service's defaults, so that a fault test sees a write fail and spool within seconds. */
const TEST_TIMINGS: Readonly<Record<string, string>> = {
  INFLUX_TIMEOUT: '2s',
  HUB_WRITE_FLUSH_INTERVAL: '50ms',
  HUB_WRITE_RETRY_MAX: '1s',
};

/** The lease of the alert evaluator and notification dispatcher (cluster_leases.name). */
export const ALERTS_LEASE = 'alerts';

/**
 * A whole cluster on 127.0.0.1 for fault tests (issue 21): PostgreSQL 15 (durable, optionally with a synchronous
 * standby), one redis-server, influxd, N real hub nodes (dist/) sharing one database, one Redis and one admin key,
 * and HAProxy in front. Every port comes from freePort(); cleanup() kills and removes all of it.
 */
export class ClusterProcess {
  /** The test's own connection to the database the nodes share (to the primary, following a promotion). */
  readonly sql: postgres.Sql;
  private influxdFrozen = false;

  private constructor(
    readonly nodes: readonly HubProcess[],
    readonly primary: PostgresProcess,
    readonly standby: PostgresProcess | null,
    readonly redis: RedisProcess,
    readonly influxd: InfluxdProcess,
    readonly haproxy: HaproxyProcess,
    readonly databaseUrl: string,
    readonly influxDatabase: string,
  ) {
    this.sql = postgres(databaseUrl.replace(/\?.*$/, ''), { max: 2, target_session_attrs: 'primary', connect_timeout: 5, onnotice: () => undefined });
  }

  static async start(options: ClusterOptions): Promise<ClusterProcess> {
    const started: Array<{ cleanup(): Promise<void> }> = [];
    const keep = <T extends { cleanup(): Promise<void> }>(thing: T): T => {
      started.push(thing);
      return thing;
    };
    try {
      const [primary, redis, influxd] = await Promise.all([
        PostgresProcess.start({ durable: true }).then(keep),
        // The append-only file, as a production Redis runs: a restart keeps sessions, retained messages and queues.
        RedisProcess.start({ appendOnly: true }).then(keep),
        InfluxdProcess.start().then(keep),
      ]);
      await primary.createDatabase({ name: 'hub' });
      let standby: PostgresProcess | null = null;
      if (options.standby === true) {
        // In this order: the standby's copy of the settings then lacks synchronous_standby_names, so that once it is
        // promoted its own commits do not wait for a standby it does not have.
        standby = keep(await primary.startStandby());
        await primary.requireSynchronousStandby();
      }
      const hosts = [primary, ...(standby === null ? [] : [standby])].map((server) => `127.0.0.1:${server.port}`).join(',');
      const databaseUrl = `postgres://hub@${hosts}/hub?target_session_attrs=read-write`;
      const influxDatabase = options.influxDatabase ?? 'hub_cluster';
      const adminKey = randomBytes(24).toString('base64url');
      const proxyPorts = await Promise.all(Array.from({ length: options.nodes }, () => freePort()));
      const env = (index: number): Record<string, string> => ({
        INFLUX_URL: influxd.url,
        INFLUX_DATABASE: influxDatabase,
        ...(options.serviceDefaults === true ? {} : TEST_TIMINGS),
        HUB_ALERT_DEFAULT_RULES: 'off',
        // Every device of a test connects from 127.0.0.1, through HAProxy: the per-address limit is not under test.
        HUB_MQTT_CONNECT_RATE: 'off',
        HUB_DATABASE_URL: databaseUrl,
        HUB_REDIS_URL: redis.url,
        HUB_NODE_ID: nodeIdOf(index),
        HUB_MQTT_PROXY_PORT: String(proxyPorts[index]),
        ...options.env,
      });
      // The first node migrates the database; the others then start together (migrations take an advisory lock
      // anyway, but three nodes starting at once on two cores only slow each other down).
      const first = keep(await HubProcess.start(env(0), { adminKey }));
      const rest = await Promise.allSettled(Array.from({ length: options.nodes - 1 }, (_, offset) => HubProcess.start(env(offset + 1), { adminKey })));
      for (const outcome of rest) if (outcome.status === 'fulfilled') keep(outcome.value);
      const failed = rest.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const nodes = [first, ...rest.map((outcome) => (outcome as PromiseFulfilledResult<HubProcess>).value)];
      // The generated configuration (docker/haproxy) with its production checks: every 2 s, out after 2 misses. Faster
      // checks cascade on this 2-core machine: survivors busy taking a dead node's devices missed them, were marked
      // down and had their sessions cut too (at 300 ms even a first connect storm of 300 devices did that).
      const haproxy = keep(await HaproxyProcess.start(nodes.map(haproxyNode), { checkIntervalMs: 2000, fall: 2, rise: 2 }));
      return new ClusterProcess(nodes, primary, standby, redis, influxd, haproxy, databaseUrl, influxDatabase);
    } catch (error) {
      for (const thing of started.reverse()) await thing.cleanup().catch(() => undefined);
      throw error;
    }
  }

  /** HAProxy's MQTT frontend: what devices connect to. */
  get mqttUrl(): string {
    return this.haproxy.mqttUrl;
  }

  /** HAProxy's HTTP frontend (round robin over the nodes). */
  get httpUrl(): string {
    return this.haproxy.httpUrl;
  }

  get adminKey(): string {
    return this.nodes[0].adminKey;
  }

  nodeId(index: number): string {
    return nodeIdOf(index);
  }

  /** The index of the node whose HUB_NODE_ID is `nodeId`. */
  indexOf(nodeId: string): number {
    const index = this.nodes.findIndex((_, candidate) => nodeIdOf(candidate) === nodeId);
    if (index < 0) throw new Error(`no node ${nodeId} in this cluster`);
    return index;
  }

  /** kill -9 of a node: no goodbye to Redis, PostgreSQL or its devices. */
  async kill(index: number): Promise<void> {
    this.thaw(index);
    await this.nodes[index].kill();
  }

  /** SIGSTOP: the node hangs with every connection open (a long GC pause, a stalled VM). */
  freeze(index: number): void {
    process.kill(this.pidOf(index), 'SIGSTOP');
  }

  /** SIGCONT: the frozen node runs on, believing no time has passed. */
  thaw(index: number): void {
    const pid = this.nodes[index].pid;
    if (pid !== undefined && this.nodes[index].exitCode === null && this.nodes[index].exitSignal === null) process.kill(pid, 'SIGCONT');
  }

  /** Starts a killed (or still running: killed first) node again on its ports and data folder. */
  async restart(index: number): Promise<void> {
    await this.kill(index);
    await this.nodes[index].launch();
  }

  /** SIGSTOP of influxd: writes hang until INFLUX_TIMEOUT (a stalled database, not a refused connection). */
  freezeInfluxd(): void {
    const pid = this.influxd.pid;
    if (pid === undefined || !this.influxd.running) throw new Error('influxd is not running');
    process.kill(pid, 'SIGSTOP');
    this.influxdFrozen = true;
  }

  /** SIGCONT: influxd answers what waited in its sockets and takes writes again. */
  thawInfluxd(): void {
    const pid = this.influxd.pid;
    if (this.influxdFrozen && pid !== undefined && this.influxd.running) process.kill(pid, 'SIGCONT');
    this.influxdFrozen = false;
  }

  /** Whether the node's process still runs (not killed, not crashed). */
  running(index: number): boolean {
    const node = this.nodes[index];
    return node.pid !== undefined && node.exitCode === null && node.exitSignal === null;
  }

  /** The index of the node holding an unexpired 'alerts' lease (by the database clock), or null. */
  async leader(): Promise<number | null> {
    const [row] = await this.sql<Array<{ holder: string }>>`
      SELECT holder FROM cluster_leases
      WHERE name = ${ALERTS_LEASE} AND expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
    return row === undefined ? null : this.indexOf(row.holder);
  }

  /** The lease row itself (holder, epoch, expiry), or undefined before anyone took it. */
  async lease(): Promise<{ holder: string; epoch: number; expiresAt: number } | undefined> {
    const [row] = await this.sql<Array<{ holder: string; epoch: string; expires_at: string }>>`
      SELECT holder, epoch, expires_at FROM cluster_leases WHERE name = ${ALERTS_LEASE}`;
    return row === undefined ? undefined : { holder: row.holder, epoch: Number(row.epoch), expiresAt: Number(row.expires_at) };
  }

  /** Rows and readings in the shared spool (ingest_spool). */
  async sharedSpool(): Promise<{ rows: number; lines: number; nodes: string[] }> {
    const [row] = await this.sql<Array<{ rows: string; lines: string | null; nodes: string[] | null }>>`
      SELECT count(*) AS rows, sum(lines) AS lines, array_agg(DISTINCT node_id) AS nodes FROM ingest_spool`;
    return { rows: Number(row.rows), lines: Number(row.lines ?? 0), nodes: (row.nodes ?? []).filter((node) => node !== null) };
  }

  /**
   * The failover a manager such as Patroni does: the primary killed, the standby promoted. The nodes' multi-host URL
   * leads them to it.
   */
  async failOver(): Promise<void> {
    if (this.standby === null) throw new Error('this cluster was started without a standby');
    await this.primary.kill();
    await this.standby.promote();
  }

  /** Everything stopped and removed (also what a failed test left frozen). */
  async cleanup(): Promise<void> {
    await this.sql.end({ timeout: 1 }).catch(() => undefined);
    await this.haproxy.cleanup().catch(() => undefined);
    this.thawInfluxd();
    await Promise.all(
      this.nodes.map(async (node, index) => {
        this.thaw(index);
        await node.cleanup();
      }),
    );
    await Promise.all([this.redis.cleanup(), this.influxd.cleanup(), this.standby?.cleanup(), this.primary.cleanup()].map((done) => done?.catch(() => undefined)));
  }

  private pidOf(index: number): number {
    const pid = this.nodes[index].pid;
    if (pid === undefined || !this.running(index)) throw new Error(`${nodeIdOf(index)} is not running`);
    return pid;
  }
}

function nodeIdOf(index: number): string {
  return `node-${index + 1}`;
}
