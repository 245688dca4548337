import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HaproxyConfigOptions, type HaproxyNode, renderHaproxyConfig } from '../../apps/hub/src/cluster/haproxy-config';
import { freePort } from './free-port';
import type { HubProcess } from './hub-process';
import { httpGet, ServerProcess } from './server-process';
import { waitFor } from './wait-for';

const HAPROXY = '/usr/sbin/haproxy';

/** A hub node started with HUB_NODE_ID and HUB_MQTT_PROXY_PORT in its env, as HAProxy sees it. */
export function haproxyNode(hub: Pick<HubProcess, 'env' | 'ports'>): HaproxyNode {
  const name = hub.env.HUB_NODE_ID;
  const mqttProxyPort = Number(hub.env.HUB_MQTT_PROXY_PORT);
  if (name === undefined || !Number.isInteger(mqttProxyPort) || mqttProxyPort < 1) {
    throw new Error('a hub behind HAProxy needs HUB_NODE_ID and HUB_MQTT_PROXY_PORT (a port from freePort()) in its env');
  }
  return { name, host: '127.0.0.1', mqttProxyPort, httpPort: hub.ports.httpPort };
}

/** What the cluster tests may tune; the rest is the generated configuration as docker/haproxy/haproxy.cfg has it. */
export type HaproxyTestOptions = Pick<HaproxyConfigOptions, 'checkIntervalMs' | 'fall' | 'rise' | 'httpTimeoutMs' | 'eventStreamTimeoutMs'>;

/** One row of HAProxy's statistics (`/stats;csv`): a frontend, a backend, or one server of a backend. */
export interface HaproxyStatsRow {
  /** Frontend or backend name: mqtt, hub_mqtt, http, hub_http, hub_events, stats. */
  readonly proxy: string;
  /** FRONTEND, BACKEND, or the server's (node's) name. */
  readonly service: string;
  /** UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up), OPEN (frontends), no check… */
  readonly status: string;
  /** Connections open now. */
  readonly current: number;
  /** Connections since start. */
  readonly total: number;
}

/**
 * A real HAProxy 2.6 (Debian's) running the configuration apps/hub/src/cluster/haproxy-config.ts generates, in front of
 * the given hub nodes: MQTT, HTTP and its statistics page on ports of their own on 127.0.0.1. Runs in master-worker
 * mode, so that reload() swaps the configuration (a node list changed) the way `systemctl reload haproxy` does.
 */
export class HaproxyProcess {
  private constructor(
    readonly mqttPort: number,
    readonly httpPort: number,
    readonly statsPort: number,
    readonly dir: string,
    private readonly options: HaproxyTestOptions,
    private server: ServerProcess | undefined,
  ) {}

  static async start(nodes: readonly HaproxyNode[], options: HaproxyTestOptions = {}): Promise<HaproxyProcess> {
    try {
      await access(HAPROXY, constants.X_OK);
    } catch {
      throw new Error(`${HAPROXY} not found: run \`bash scripts/test.sh\`, which installs Debian's haproxy for the cluster tests`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'haproxy-test-'));
    const haproxy = new HaproxyProcess(await freePort(), await freePort(), await freePort(), dir, options, undefined);
    try {
      await writeFile(haproxy.configPath, haproxy.render(nodes));
      haproxy.server = await ServerProcess.start({
        name: 'haproxy',
        binary: HAPROXY,
        // -W: master-worker (SIGUSR2 reloads); -db: stay in the foreground, logs on stdout.
        args: ['-W', '-db', '-f', haproxy.configPath],
        readyUrl: `${haproxy.statsUrl};csv`,
      });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return haproxy;
  }

  get configPath(): string {
    return join(this.dir, 'haproxy.cfg');
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get statsUrl(): string {
    return `http://127.0.0.1:${this.statsPort}/stats`;
  }

  /** HAProxy's log (one line per connection or request: which node took it, how it ended) and its warnings. */
  get output(): string {
    return this.server?.output ?? '';
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  /** The configuration for these nodes on this process's ports: what start() and reload() write. */
  render(nodes: readonly HaproxyNode[]): string {
    return renderHaproxyConfig({
      nodes,
      mqttBind: { host: '127.0.0.1', port: this.mqttPort },
      httpBind: { host: '127.0.0.1', port: this.httpPort },
      statsBind: { host: '127.0.0.1', port: this.statsPort },
      // A test machine's descriptor limit, not a production figure.
      maxConnections: 4_096,
      stickTableSize: 100_000,
      checkIntervalMs: 500,
      fall: 2,
      rise: 1,
      ...this.options,
    });
  }

  /** Rewrites the configuration for `nodes` and reloads (SIGUSR2 to the master); resolves when the new workers serve it. */
  async reload(nodes: readonly HaproxyNode[]): Promise<void> {
    const pid = this.server?.pid;
    if (pid === undefined || !this.running) throw new Error('haproxy is not running: nothing to reload');
    await writeFile(this.configPath, this.render(nodes));
    process.kill(pid, 'SIGUSR2');
    const names = nodes.map((node) => node.name).sort();
    await waitFor(
      async () => (await this.stats().catch(() => [])).filter((row) => row.proxy === 'hub_mqtt' && !['FRONTEND', 'BACKEND'].includes(row.service)).map((row) => row.service).sort(),
      (servers) => JSON.stringify(servers) === JSON.stringify(names),
      10_000,
      `haproxy to serve the nodes ${names.join(', ')} after a reload`,
    );
  }

  /** Every row of the statistics page. */
  async stats(): Promise<HaproxyStatsRow[]> {
    const { status, body } = await httpGet(`${this.statsUrl};csv`, 5_000);
    if (status !== 200) throw new Error(`haproxy stats answered HTTP ${status}: ${body.slice(0, 200)}`);
    const [header, ...rows] = body.trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const at = (name: string): number => {
      const index = columns.indexOf(name);
      if (index < 0) throw new Error(`haproxy stats have no ${name} column: ${header}`);
      return index;
    };
    const [proxy, service, statusColumn, current, total] = ['pxname', 'svname', 'status', 'scur', 'stot'].map(at);
    return rows.map((line) => {
      const cells = line.split(',');
      return { proxy: cells[proxy], service: cells[service], status: cells[statusColumn], current: Number(cells[current]), total: Number(cells[total]) };
    });
  }

  /** One server's row in a backend (hub_mqtt, hub_http, hub_events); throws when there is none. */
  async serverRow(backend: string, node: string): Promise<HaproxyStatsRow> {
    const row = (await this.stats()).find((candidate) => candidate.proxy === backend && candidate.service === node);
    if (row === undefined) throw new Error(`haproxy has no server ${node} in ${backend}`);
    return row;
  }

  /** Waits until the node's status in `backend` is exactly `status` (UP or DOWN, once the checks have settled). */
  async waitForStatus(backend: string, node: string, status: 'UP' | 'DOWN', timeoutMs = 10_000): Promise<void> {
    await waitFor(
      async () => (await this.serverRow(backend, node)).status,
      (seen) => seen === status,
      timeoutMs,
      `haproxy to see ${node} ${status} in ${backend}`,
    );
  }

  /** SIGTERM to the master: HAProxy stops at once, closing every connection (SIGKILL after 5 s). */
  async stop(): Promise<void> {
    await this.server?.stop(5_000);
  }

  async cleanup(): Promise<void> {
    try {
      await this.server?.kill();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
