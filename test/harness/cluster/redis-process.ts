import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port';
import { ServerProcess } from '../server-process';

const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A real redis-server (Debian's) for the cluster tests, on a free port and a temp dir of its own; restart() comes back
 * on the same port, so the nodes' reconnect loops find it again. Minimal stand-in until test/harness/redis-process.ts
 * lands on main (same method names, so the switch is an import).
 */
export class RedisProcess {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private server: ServerProcess | undefined,
  ) {}

  static async start(): Promise<RedisProcess> {
    try {
      await access(REDIS_SERVER, constants.X_OK);
    } catch {
      throw new Error(`${REDIS_SERVER} not found: run \`bash scripts/test.sh\`, which installs Debian's redis for the cluster tests`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
    const redis = new RedisProcess(await freePort(), dir, undefined);
    try {
      // No snapshots and no AOF: a restart starts empty, the harshest case for the nodes' shared MQTT state.
      await writeFile(join(dir, 'redis.conf'), [`port ${redis.port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', 'loglevel warning', ''].join('\n'));
      await redis.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async kill(): Promise<void> {
    await this.server?.kill();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({ name: 'redis-server', binary: REDIS_SERVER, args: [join(this.dir, 'redis.conf')], readyTcpPort: this.port });
    // The port accepts while redis loads; commands answer -LOADING until then.
    const deadline = Date.now() + 20_000;
    while ((await ping(this.port).catch(() => false)) !== true) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer PING in 20 s:\n${this.server.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async cleanup(): Promise<void> {
    try {
      await this.kill();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('utf8').startsWith('+PONG'));
    });
    socket.once('timeout', () => socket.destroy(new Error('no PONG')));
    socket.once('error', reject);
  });
}
