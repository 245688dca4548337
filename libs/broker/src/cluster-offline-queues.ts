import type { Redis } from 'ioredis';
import type { OfflineQueueStats } from './bounded-offline-queues';

interface EnqueueingPersistence {
  outgoingEnqueue(sub: { clientId: string }, packet: unknown): Promise<unknown>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: unknown): Promise<unknown>;
}

/**
 * A reservation outlives the node that took it by at most this long (a node killed between the admission and the
 * push): the queue then holds one fewer than the cap allows until it expires, never one more.
 */
const RESERVATION_TTL_MS = 30_000;

/**
 * For each client (KEYS in pairs: its queue list, its reservation counter): admitted when the messages queued plus
 * those being queued right now are fewer than the cap, and then reserved — checked and reserved in one step, so two
 * nodes queueing for the same client at once cannot both take its last place.
 */
const ADMIT = `
local limit = tonumber(ARGV[1])
local admitted = {}
for i = 1, #KEYS, 2 do
  local held = redis.call('LLEN', KEYS[i]) + tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  if held < limit then
    redis.call('INCR', KEYS[i + 1])
    redis.call('PEXPIRE', KEYS[i + 1], ARGV[2])
    admitted[#admitted + 1] = 1
  else
    admitted[#admitted + 1] = 0
  end
end
return admitted`;

/** The messages are in their lists now (or failed to get there): the reservations end. */
const RELEASE = `
for i = 1, #KEYS do
  if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 0`;

/** aedes-persistence-redis 11.2's list of a client's queued messages (`outgoing:` + the encoded client id). */
export function offlineQueueKey(clientId: string): string {
  return `outgoing:${encodeURIComponent(clientId)}`;
}

export function offlineReservationKey(clientId: string): string {
  return `hub:offline-queue-reserved:${encodeURIComponent(clientId)}`;
}

/**
 * The offline-queue cap across nodes, on aedes-persistence-redis. The count is the queue itself: the Redis list in
 * which the persistence keeps a client's unacknowledged QoS 1/2 messages (pushed when queued, removed when a PUBACK
 * clears one, on whatever node), plus reservations of messages that some node is queueing at this moment. A message
 * is queued only when that sum is under the cap, checked and reserved atomically in Redis; so the cap is exact
 * whichever node queues, and the count never drifts (nothing is counted apart from the queue).
 */
export function boundCrossNodeOfflineQueues(persistence: unknown, commands: Redis, limit: number, onDrop: (clientId: string) => void): OfflineQueueStats {
  const queueing = persistence as EnqueueingPersistence;
  const stats: OfflineQueueStats = { dropped: 0 };
  const enqueueCombi = queueing.outgoingEnqueueCombi.bind(queueing);
  const admitted = async (subs: Array<{ clientId: string }>): Promise<Array<{ clientId: string }>> => {
    const keys = subs.flatMap((sub) => [offlineQueueKey(sub.clientId), offlineReservationKey(sub.clientId)]);
    const verdicts = (await commands.eval(ADMIT, keys.length, ...keys, limit, RESERVATION_TTL_MS)) as number[];
    return subs.filter((sub, index) => {
      if (verdicts[index] === 1) return true;
      stats.dropped++;
      onDrop(sub.clientId);
      return false;
    });
  };
  queueing.outgoingEnqueueCombi = async (subs, packet) => {
    if (subs.length === 0) return undefined;
    const taken = await admitted(subs);
    if (taken.length === 0) return undefined;
    const reservations = taken.map((sub) => offlineReservationKey(sub.clientId));
    try {
      return await enqueueCombi(taken, packet);
    } finally {
      await commands.eval(RELEASE, reservations.length, ...reservations);
    }
  };
  // aedes-persistence-redis' own outgoingEnqueue goes through its outgoingEnqueueCombi, but not through this wrapper.
  queueing.outgoingEnqueue = (sub, packet) => queueing.outgoingEnqueueCombi([sub], packet);
  return stats;
}
