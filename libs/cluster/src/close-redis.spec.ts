import { SILENT_LOGGER } from '@hub/common';
import { Redis } from 'ioredis';
import { RedisBus } from './cluster-bus';
import { closeRedis, within } from './close-redis';
import { redisOptions } from './redis-options';

/**
 * Redis down (nothing listens on the port): the connection reconnects forever, and with `maxRetriesPerRequest: null`
 * its commands wait. A stop must still end: QUIT queued behind them would wait for Redis to come back.
 */
describe('closing a Redis connection while Redis is down', () => {
  // Port 1 on the loopback: privileged, nothing listens there, every connect is refused at once.
  const port = 1;
  const endpoint = () => ({ kind: 'server' as const, host: '127.0.0.1', port, db: 0 });

  it('cuts a connection that is not ready at once, and it tries no more reconnects', async () => {
    const connection = new Redis(redisOptions(endpoint(), 'test:close'));
    let errors = 0;
    connection.on('error', () => errors++);
    void connection.get('k').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(connection.status).not.toBe('ready');
    expect(await within(closeRedis(connection, 60_000), 1_000)).toBe(true);
    const seen = errors;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).toBe(seen);
  });

  it('a RedisBus with a message waiting closes within a second', async () => {
    const bus = new RedisBus('n1', redisOptions(endpoint(), 'test'), SILENT_LOGGER);
    bus.subscribe('c', () => undefined);
    bus.publish('c', { a: 1 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await within(bus.close(), 1_000)).toBe(true);
  });

  it('within() says whether the work settled in time', async () => {
    expect(await within(Promise.resolve(), 50)).toBe(true);
    expect(await within(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await within(new Promise(() => undefined), 50)).toBe(false);
  });
});
