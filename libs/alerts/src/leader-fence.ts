import type { Store, Tx } from '@hub/store';

/**
 * What the evaluator and the notification dispatchers ask before they write or send: in a cluster the leader lease
 * (@hub/cluster LeaderLease implements this), on its own a node that always leads.
 */
export interface LeaderFence {
  /** Throws (the transaction rolls back, having written nothing) unless this node still leads. Call it first in the transaction. */
  fence(tx: Tx): Promise<void>;
  /** Whether a message to the outside may go now (the lease cannot have expired yet by this process's clock). */
  heldLocally(): boolean;
}

/** Benchmarks and tests that wire the engine alone: it always leads. */
export const ALWAYS_LEADING: LeaderFence = { fence: async () => undefined, heldLocally: () => true };

/** A transaction of leader-only work: fenced first, unless it joins an outer transaction (which its owner fenced). */
export function fencedTx<T>(store: Store, leader: LeaderFence, work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
  if (outer !== undefined) return work(outer);
  return store.tx(async (tx) => {
    await leader.fence(tx);
    return work(tx);
  });
}
