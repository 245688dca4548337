import type { Redis } from 'ioredis';

/** How long a graceful close of a Redis connection may take before it is cut. */
export const REDIS_CLOSE_MS = 2_000;

/**
 * Closes an ioredis connection without ever hanging a stop. QUIT is only sent on a connection that is ready: with
 * `maxRetriesPerRequest: null` a QUIT on a connection that is down waits in the offline queue behind every waiting
 * command until Redis is back — during an outage, forever, and the process would never exit. A connection that is not
 * ready is cut at once (no socket or retry timer is left to hold the process), and a QUIT not answered within
 * `withinMs` is cut too.
 */
export async function closeRedis(connection: Redis, withinMs = REDIS_CLOSE_MS): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    cut(connection);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
  });
  await Promise.race([connection.quit().then(() => undefined, () => undefined), deadline]);
  clearTimeout(timer);
  if ((connection.status as string) !== 'end') cut(connection);
}

/**
 * disconnect(). Between two reconnect attempts ioredis 5 then only clears the retry timer: the waiting commands stay
 * waiting, never rejected — on purpose: aedes-persistence-redis sends some commands without awaiting them (delWill's
 * LREM), and a rejection there would be unhandled and end the process with code 1 in the middle of its stop.
 */
function cut(connection: Redis): void {
  connection.disconnect();
}

/** Resolves with true when `work` settled within `withinMs`, false when the time ran out first (the work goes on). */
export async function within(work: Promise<unknown>, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
