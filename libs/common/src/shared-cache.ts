/**
 * What a cache of shared rows tells the hub's other nodes after a commit of this node changed some of them, so that
 * they read those rows again (issue 21: several nodes on one database). `keys`: the rows' keys when the cache can
 * reload them one by one; none: reload it whole. Called from `tx.afterCommit`, after memory took the change.
 * The implementation is @hub/cluster's CacheCoherence; the libs that own a cache only see this interface.
 */
export interface SharedCacheNotice {
  changed(keys?: readonly string[]): void;
}

/** One process alone (tests, tools): nobody else to tell. */
export const UNSHARED_CACHE: SharedCacheNotice = { changed: () => undefined };
