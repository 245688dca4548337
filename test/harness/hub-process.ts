import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresTestDatabase, TEST_POSTGRES_TEMPLATE } from '@hub/store/testing';
import { freePort } from './free-port';
import { SERVICE_NODE_FLAGS } from '../../apps/hub/src/service-node-flags';
import { repoRoot } from './repo-root';
import type { TestCertificate } from './test-certificates';

const MAIN = join(repoRoot(), 'dist/apps/hub/src/main.js');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface HubLaunchOptions {
  /** Node flags before the script, e.g. `--require` of a preload (the benchmark's CPU profiler). */
  readonly nodeArgs?: readonly string[];
  /**
   * Serve with this certificate (test/harness/test-certificates.ts): MQTT over TLS on its own port, wss, and HTTPS for the
   * API, which get()/request() then call trusting `tls.trusted`.
   */
  readonly tls?: TestCertificate;
  /** Run on this data folder (a restored one, say) instead of a new temporary one; cleanup() removes it all the same. */
  readonly dataDir?: string;
  /** The bootstrap admin key (HUB_BOOTSTRAP_API_KEY), e.g. one shared by the nodes of a cluster; default a random one. */
  readonly adminKey?: string;
}

export interface HubReady {
  readonly httpPort: number;
  readonly mqttPort: number;
  readonly wsPort: number | null;
  /** MQTT over TLS; null without a certificate. */
  readonly mqttsPort: number | null;
}

/**
 * The real service as a child process (the built dist/, exactly what `npm start` runs), on its own ports and data
 * directory. Ports are fixed at creation so that a restart comes back where devices with persistent sessions expect it.
 */
export class HubProcess {
  private child: ChildProcess | null = null;
  private outputTail = '';
  exitCode: number | null = null;
  /** The signal that ended the process, null when it exited by itself (a graceful stop exits 0 with no signal). */
  exitSignal: NodeJS.Signals | null = null;
  /**
   * An admin API key given to the service as HUB_BOOTSTRAP_API_KEY: what tests use to provision devices and call the
   * API. Fixed for the life of this object, so it still works after a restart.
   */
  readonly adminKey: string;

  private constructor(
    readonly env: Record<string, string>,
    readonly dataDir: string,
    readonly ports: HubReady,
    private readonly options: HubLaunchOptions,
    private readonly dropDatabase?: () => Promise<void>,
  ) {
    this.adminKey = options.adminKey ?? randomBytes(24).toString('base64url');
  }

  static async start(env: Record<string, string>, options: HubLaunchOptions = {}): Promise<HubProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (bash scripts/test.sh does it)`);
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'hub-test-')));
    const ports = { httpPort: await freePort(), mqttPort: await freePort(), wsPort: await freePort(), mqttsPort: options.tls === undefined ? null : await freePort() };
    // The integration-pg project runs the same suites with the shared state on PostgreSQL: a database of its own per
    // hub (a copy of the migrated template), dropped by cleanup(). Hubs given HUB_DATABASE_URL in `env` share that
    // database instead (the nodes of a cluster); it is theirs to drop.
    const database = process.env.HUB_TEST_DATABASE === 'postgres' && env.HUB_DATABASE_URL === undefined ? await postgresTestDatabase(TEST_POSTGRES_TEMPLATE) : undefined;
    const hub = new HubProcess(database === undefined ? env : { ...env, HUB_DATABASE_URL: database.url }, dataDir, ports, options, database?.drop);
    try {
      await hub.launch();
    } catch (error) {
      await hub.cleanup();
      throw error;
    }
    return hub;
  }

  get httpUrl(): string {
    return `${this.options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.ports.httpPort}`;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.ports.mqttPort}`;
  }

  /** MQTT over TLS (the service must have been started with `tls`). */
  get mqttsUrl(): string {
    if (this.ports.mqttsPort === null) throw new Error('this hub was started without tls: no MQTT over TLS');
    return `mqtts://127.0.0.1:${this.ports.mqttsPort}`;
  }

  get wsUrl(): string {
    return `${this.options.tls === undefined ? 'ws' : 'wss'}://127.0.0.1:${this.ports.wsPort}`;
  }

  get output(): string {
    return this.outputTail;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resident set size of the service process, from /proc (Linux). */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]) * 1024;
  }

  async launch(): Promise<void> {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...(this.options.nodeArgs ?? []), MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HUB_HTTP_HOST: '127.0.0.1',
        HUB_MQTT_HOST: '127.0.0.1',
        HUB_HTTP_PORT: String(this.ports.httpPort),
        HUB_MQTT_PORT: String(this.ports.mqttPort),
        HUB_MQTT_WS_PORT: String(this.ports.wsPort),
        HUB_DATA_DIR: this.dataDir,
        HUB_BOOTSTRAP_API_KEY: this.adminKey,
        HUB_LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...this.tlsEnv(),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exitCode = null;
    this.exitSignal = null;
    live.add(child);
    child.once('exit', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      live.delete(child);
    });
    const keep = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString('utf8')).slice(-32_768);
    };
    child.stderr?.on('data', keep);
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not become ready in 30 s:\n${this.outputTail}`)), 30_000);
      // Only this launch's output counts: the tail still holds the previous launch's ready line after a restart.
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        keep(chunk);
        stdout = (stdout + chunk.toString('utf8')).slice(-4096);
        if (stdout.includes('"event":"hub-ready"')) {
          clearTimeout(timer);
          resolvePromise();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hub exited with code ${code} before it was ready:\n${this.outputTail}`));
      });
    });
  }

  private tlsEnv(): Record<string, string> {
    const tls = this.options.tls;
    if (tls === undefined) return {};
    return {
      HUB_TLS_CERT_FILE: tls.certFile,
      HUB_TLS_KEY_FILE: tls.keyFile,
      ...(tls.chainFile === undefined ? {} : { HUB_TLS_CA_FILE: tls.chainFile }),
      HUB_MQTTS_PORT: String(this.ports.mqttsPort),
    };
  }

  /** Headers that authenticate a request as the bootstrap admin. */
  get adminHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.adminKey}` };
  }

  /** GET a JSON document from the service's HTTP API, as the bootstrap admin. */
  async get<T>(path: string): Promise<{ status: number; body: T }> {
    return this.request<T>('GET', path);
  }

  /** Any request to the service's HTTP API with a JSON body (or none), as the bootstrap admin unless `headers` say otherwise. */
  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = this.adminHeaders): Promise<{ status: number; body: T }> {
    const allHeaders = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await (this.options.tls === undefined
      ? fetch(`${this.httpUrl}${path}`, { method, headers: allHeaders, body: payload }).then(async (response) => ({ status: response.status, text: await response.text() }))
      : httpsText(`${this.httpUrl}${path}`, method, allHeaders, payload, this.options.tls.trusted));
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status, body: parsed as T };
  }

  /** SIGTERM: a graceful stop. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async cleanup(): Promise<void> {
    await this.signal('SIGKILL');
    await rm(this.dataDir, { recursive: true, force: true });
    await this.dropDatabase?.();
  }

  private async signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return this.exitCode;
    const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));
    child.kill(signal);
    return exited;
  }
}

/** One HTTPS request trusting only `ca` (fetch cannot be given a CA without another package). */
function httpsText(url: string, method: string, headers: Record<string, string>, body: string | undefined, ca: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const request = httpsRequest(url, { method, headers, ca, agent: false, timeout: 30_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolvePromise({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}
