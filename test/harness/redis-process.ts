import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServerProcess } from './server-process';

const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A real redis-server for integration tests: its own port and temp dir, append-only file on (fsync every second), so
 * that restart() comes back with the sessions, retained messages and queues it held. Removed by cleanup().
 */
export class RedisProcess {
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private server: ServerProcess | undefined,
  ) {}

  /** HUB_REDIS_URL for the hub. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort(), await mkdtemp(join(tmpdir(), 'redis-test-')), undefined);
    try {
      await redis.restart();
    } catch (error) {
      await rm(redis.dataDir, { recursive: true, force: true });
      throw error;
    }
    return redis;
  }

  /** SIGTERM: redis-server writes its data and exits. */
  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** SIGKILL: what the append-only file had (at most the last second lost). */
  async kill(): Promise<void> {
    await this.server?.kill();
  }

  /** Starts it again on the same port and data (stopping it first if it still runs). */
  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({
      name: 'redis-server',
      binary: REDIS_SERVER,
      args: ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dataDir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'no', '--daemonize', 'no'],
      readyTcpPort: this.port,
    });
  }

  async cleanup(): Promise<void> {
    try {
      await this.kill();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }
}
