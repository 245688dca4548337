import { existsSync } from 'node:fs';
import { RedisProcess, SENTINEL_MASTER_NAME } from '../harness/redis-process';

// The harness other cluster tests stand on: what restart keeps, what freeze does, and that Sentinel names the master.
describe('RedisProcess (test harness)', () => {
  let redis: RedisProcess | undefined;
  let sentinel: RedisProcess | undefined;

  afterEach(async () => {
    await sentinel?.cleanup();
    await redis?.cleanup();
    sentinel = undefined;
    redis = undefined;
  });

  it('keeps an append-only server’s data across kill -9 and restart, on the same port', async () => {
    redis = await RedisProcess.start({ appendOnly: true });
    const port = redis.port;
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    expect(await redis.command('SET hub:probe kept')).toBe('+OK\r\n');
    await redis.kill();
    expect(redis.running).toBe(false);
    await redis.restart();
    expect(redis.port).toBe(port);
    expect(await redis.command('GET hub:probe')).toBe('$4\r\nkept\r\n');
  });

  it('loses a plain server’s data on kill -9 (no snapshots, no AOF)', async () => {
    redis = await RedisProcess.start();
    expect(await redis.command('SET hub:probe gone')).toBe('+OK\r\n');
    await redis.kill();
    await redis.restart();
    expect(await redis.command('GET hub:probe')).toBe('$-1\r\n');
  });

  it('freeze leaves connections hanging until thaw answers them', async () => {
    redis = await RedisProcess.start();
    redis.freeze();
    await expect(redis.command('PING', 300)).rejects.toThrow(/did not answer PING within 300 ms/);
    const pending = redis.command('PING', 5_000);
    redis.thaw();
    await expect(pending).resolves.toBe('+PONG\r\n');
  });

  it('a sentinel names the master it monitors; cleanup removes the temp dirs', async () => {
    redis = await RedisProcess.start();
    sentinel = await RedisProcess.startSentinel(redis);
    expect(sentinel.url).toBe(`redis-sentinel://127.0.0.1:${sentinel.port}/${SENTINEL_MASTER_NAME}`);
    expect(await sentinel.command(`SENTINEL get-master-addr-by-name ${SENTINEL_MASTER_NAME}`)).toBe(`*2\r\n$9\r\n127.0.0.1\r\n$${String(redis.port).length}\r\n${redis.port}\r\n`);
    const dirs = [redis.dir, sentinel.dir];
    await sentinel.cleanup();
    await redis.cleanup();
    sentinel = undefined;
    redis = undefined;
    expect(dirs.map((dir) => existsSync(dir))).toEqual([false, false]);
  });
});
