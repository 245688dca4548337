// aedes-persistence-redis 11.2 ships no types: what the broker uses of it.
declare module 'aedes-persistence-redis' {
  import type { Redis } from 'ioredis';

  interface RedisPersistenceOptions {
    /** A connection of the caller's (with its own 'error' listener) instead of one the persistence opens. */
    readonly conn?: Redis;
    /** Queued messages sent to a client when its session resumes, at most (default 1000). */
    readonly maxSessionDelivery?: number;
  }

  function createRedisPersistence(options?: RedisPersistenceOptions): unknown;
  export = createRedisPersistence;
}
