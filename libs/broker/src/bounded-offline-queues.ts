import createMemoryPersistence from 'aedes-persistence';

/** The two calls aedes makes to queue a QoS 1/2 message for a persistent session, and the one that settles it. */
interface QueueingPersistence {
  outgoingEnqueue(sub: { clientId: string }, packet: unknown): Promise<unknown>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: unknown): Promise<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
}

export interface OfflineQueueStats {
  /** Messages not queued for a persistent session because its queue was full. */
  dropped: number;
}

/**
 * aedes' in-memory persistence with a cap on each client's queue of unacknowledged QoS 1/2 messages. aedes queues
 * every matching message for a persistent session (clean=false) while its client is away — a SCADA historian offline
 * over a weekend, or a client revoked and never back — without limit, in this process's memory. Past `limit` messages
 * a client's queue takes no more: the newest are not queued (the readings themselves are stored in InfluxDB either
 * way; what is lost is the live copy to that one subscriber), counted and reported once a minute per client.
 * The count follows aedes' own calls: +1 per message queued, −1 when a PUBACK clears one.
 */
export function boundedOfflineQueues(limit: number, onDrop: (clientId: string) => void): { persistence: unknown; stats: OfflineQueueStats } {
  const persistence = createMemoryPersistence() as unknown as QueueingPersistence;
  const queued = new Map<string, number>();
  const stats: OfflineQueueStats = { dropped: 0 };
  const admit = (clientId: string): boolean => {
    const count = queued.get(clientId) ?? 0;
    if (count >= limit) {
      stats.dropped++;
      onDrop(clientId);
      return false;
    }
    queued.set(clientId, count + 1);
    return true;
  };
  const enqueue = persistence.outgoingEnqueue.bind(persistence);
  const enqueueCombi = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingEnqueue = async (sub, packet) => (admit(sub.clientId) ? enqueue(sub, packet) : undefined);
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    const admitted = subs.filter((sub) => admit(sub.clientId));
    return admitted.length === 0 ? undefined : enqueueCombi(admitted, packet);
  };
  persistence.outgoingClearMessageId = async (client, packet) => {
    const cleared = await clear(client, packet);
    if (cleared !== undefined) {
      const count = (queued.get(client.id) ?? 1) - 1;
      if (count <= 0) queued.delete(client.id);
      else queued.set(client.id, count);
    }
    return cleared;
  };
  return { persistence, stats };
}
