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

/**
 * A cache's `readKeys` where it is a map by key: each key read again with `find`; the swap returned sets it, or
 * deletes it when the database no longer has it. `rows` is asked at the swap (caches replace their map when reloaded whole).
 */
export async function rereadKeys<V>(keys: readonly string[], find: (key: string) => Promise<V | undefined>, rows: () => Map<string, V>): Promise<() => void> {
  const read = await Promise.all(keys.map(async (key) => [key, await find(key)] as const));
  return () => {
    const map = rows();
    for (const [key, value] of read) {
      if (value === undefined) map.delete(key);
      else map.set(key, value);
    }
  };
}
