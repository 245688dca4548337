import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_SENTINEL = '/usr/bin/redis-sentinel';
/** The master name Sentinel monitors; the last part of the `redis-sentinel://…/<name>` URL. */
export const SENTINEL_MASTER_NAME = 'hubmaster';

export interface RedisOptions {
  /** The append-only file with `appendfsync always`: what a restart (or a kill -9) keeps. Off: nothing survives a kill. */
  readonly appendOnly?: boolean;
}

/**
 * A real redis-server (Debian's 7.x) for cluster tests: its own temp dir and port on 127.0.0.1, never the Debian
 * service on 6379. restart() comes back on the same port and data, so clients with a reconnect loop (ioredis,
 * mqemitter-redis) find it again; freeze()/thaw() stop the process without closing its sockets — a hung server, which
 * clients only notice by their own timeouts.
 */
export class RedisProcess {
  private frozen = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly configPath: string,
    private readonly binary: string,
    private readonly name: string,
    private server: ServerProcess | undefined,
  ) {}

  static async start(options: RedisOptions = {}): Promise<RedisProcess> {
    await requireBinary(REDIS_SERVER);
    const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
    const redis = new RedisProcess(await freePort(), dir, join(dir, 'redis.conf'), REDIS_SERVER, 'redis-server', undefined);
    try {
      await writeFile(redis.configPath, redisConfig(dir, redis.port, options));
      await redis.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return redis;
  }

  /**
   * A redis-sentinel on a port of its own monitoring `master` (quorum 1: one sentinel decides alone, enough to test
   * that clients find the master through it). Its `url` is `redis-sentinel://127.0.0.1:<port>/hubmaster`.
   */
  static async startSentinel(master: RedisProcess): Promise<RedisProcess> {
    await requireBinary(REDIS_SENTINEL);
    const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-test-'));
    const sentinel = new RedisProcess(await freePort(), dir, join(dir, 'sentinel.conf'), REDIS_SENTINEL, 'redis-sentinel', undefined);
    try {
      // Sentinel rewrites its configuration file (it records what it learns), so the file must be writable and its own.
      await writeFile(sentinel.configPath, sentinelConfig(dir, sentinel.port, master.port));
      await sentinel.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return sentinel;
  }

  /** `redis://127.0.0.1:<port>` for a server, `redis-sentinel://127.0.0.1:<port>/hubmaster` for a sentinel. */
  get url(): string {
    return this.binary === REDIS_SENTINEL ? `redis-sentinel://127.0.0.1:${this.port}/${SENTINEL_MASTER_NAME}` : `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  get output(): string {
    return this.server?.output ?? '';
  }

  /** SIGTERM: redis saves (with appendOnly, the AOF is already on disk) and exits. */
  async stop(): Promise<void> {
    this.thaw();
    await this.server?.stop();
  }

  /** SIGKILL: a crash. Without appendOnly, the data is gone. */
  async kill(): Promise<void> {
    // A stopped process still dies of SIGKILL, but thawing first keeps the bookkeeping honest.
    this.thaw();
    await this.server?.kill();
  }

  /** Starts the server again on the same port and data (stopping it first if it still runs). */
  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({ name: this.name, binary: this.binary, args: [this.configPath], readyTcpPort: this.port });
    if (this.binary === REDIS_SERVER) await this.waitForLoaded();
  }

  /** SIGSTOP: the process hangs with its connections open (a stalled server, not a dead one). */
  freeze(): void {
    const pid = this.server?.pid;
    if (pid === undefined || !this.running) throw new Error(`${this.name} is not running: nothing to freeze`);
    process.kill(pid, 'SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT: the frozen process runs on and answers what waited in its sockets. */
  thaw(): void {
    const pid = this.server?.pid;
    if (!this.frozen || pid === undefined) return;
    this.frozen = false;
    if (this.running) process.kill(pid, 'SIGCONT');
  }

  /** Sends `command` (an inline command, e.g. `DBSIZE`) and answers the raw RESP reply. */
  command(command: string, timeoutMs = 5_000): Promise<string> {
    return rawCommand(this.port, command, timeoutMs);
  }

  async cleanup(): Promise<void> {
    try {
      await this.kill();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  // The port accepts while redis still loads its AOF/RDB, and commands then answer -LOADING: wait for a PING.
  private async waitForLoaded(): Promise<void> {
    const deadline = Date.now() + 20_000;
    let last = '';
    while (Date.now() < deadline) {
      try {
        last = await this.command('PING', 1_000);
        if (last.startsWith('+PONG')) return;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on ${this.port} did not answer PING in 20 s (${last.trim()}):\n${this.output}`);
  }
}

async function requireBinary(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new Error(`${binary} not found: run \`bash scripts/test.sh\`, which installs Debian's redis for the cluster tests`);
  }
}

function redisConfig(dir: string, port: number, options: RedisOptions): string {
  const appendOnly = options.appendOnly === true;
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `dir ${dir}`,
    'daemonize no',
    'logfile ""',
    'loglevel warning',
    // No RDB snapshots: with appendOnly the AOF is the record, without it a test wants nothing kept (and no fork).
    'save ""',
    `appendonly ${appendOnly ? 'yes' : 'no'}`,
    'appendfsync always',
    // A test server has no memory cap worth enforcing; the default (none) is what the hub documents too.
    '',
  ].join('\n');
}

function sentinelConfig(dir: string, port: number, masterPort: number): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    'daemonize no',
    'logfile ""',
    `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 2000`,
    `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 10000`,
    '',
  ].join('\n');
}

/** One inline command over a fresh connection; resolves with its complete RESP reply, unparsed. */
function rawCommand(port: number, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = Buffer.alloc(0);
    const complete = (): boolean => reply.length > 0 && respEnd(reply, 0) >= 0;
    const timer = setTimeout(() => socket.destroy(new Error(`redis on ${port} did not answer ${command} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (complete()) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply.toString('utf8'));
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (!complete()) reject(new Error(`redis on ${port} closed before answering ${command} (got ${JSON.stringify(reply.toString('utf8'))})`));
    });
  });
}

// The end of one RESP value starting at `at` in `reply`, or -1 while it is incomplete: simple replies (+ - :) end at
// their CRLF, a bulk string ($n) after its n bytes, an array (*n) after its n elements.
function respEnd(reply: Buffer, at: number): number {
  const lineEnd = reply.indexOf('\r\n', at);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(reply[at]);
  const count = Number(reply.subarray(at + 1, lineEnd).toString('latin1'));
  if (type === '$') return count < 0 ? lineEnd + 2 : reply.length >= lineEnd + 2 + count + 2 ? lineEnd + 2 + count + 2 : -1;
  if (type !== '*') return lineEnd + 2;
  let next = lineEnd + 2;
  for (let element = 0; element < count; element += 1) {
    next = respEnd(reply, next);
    if (next < 0) return -1;
  }
  return next;
}
