import type { HubLogger, SharedCacheNotice } from '@hub/common';
import type { ClusterBus } from './cluster-bus';

/** The bus channel on which a node says that it committed a change of rows another node may hold in memory. */
export const CACHE_CHANGED = 'cache.changed';

export interface CacheChangedMessage {
  /** The name the cache was registered under (the same on every node). */
  readonly cache: string;
  /** The keys of the rows that changed; absent: reload the cache whole. */
  readonly keys?: readonly string[];
}

/**
 * How a cache reads its rows again. Both forms read into a new copy and return the function that puts the copy in
 * place, synchronously: the reads may take a while, the swap takes none, and CacheCoherence decides between the two
 * whether the copy may be installed (see CoherentCache).
 */
export interface ReloadableCache {
  readAll(): Promise<() => void>;
  /** The named rows only (a row the database no longer has is forgotten). Absent: every change reloads it whole. */
  readKeys?(keys: readonly string[]): Promise<() => void>;
}

export interface CacheCoherenceOptions {
  /** More keys than this in one message (a 10,000-device import) reload the cache whole: one query, not hundreds. */
  readonly maxKeys?: number;
  /** First pause before a failed reload (database down) is tried again; doubled after each failure up to maxRetryMs. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * Keeps every node's in-memory copies of shared rows in step with the database. A cache registers once; a commit
 * that changed it calls `changed(keys?)` from its afterCommit (after memory took the change), which tells the other
 * nodes on `cache.changed`; they read the named rows (or everything) again. When the link to the others comes back
 * (`onResync`: messages may have been lost) every cache is reloaded whole. The node's own messages are ignored: its
 * memory changed with the commit.
 */
export class CacheCoherence {
  private readonly caches = new Map<string, CoherentCache>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly bus: ClusterBus,
    private readonly logger: HubLogger,
    private readonly options: CacheCoherenceOptions = {},
  ) {
    this.unsubscribe = [
      bus.subscribe<unknown>(CACHE_CHANGED, (message, fromNode) => this.received(message, fromNode)),
      bus.onResync(() => void this.reloadAll('the link to the other nodes came back: changes may have been missed')),
    ];
  }

  /** `name`: the same on every node, unique on each. */
  register(name: string, cache: ReloadableCache): CoherentCache {
    if (this.caches.has(name)) throw new Error(`A cache named ${name} is registered already`);
    const coherent = new CoherentCache(name, cache, this.bus, this.logger, this.options);
    this.caches.set(name, coherent);
    return coherent;
  }

  /** Reads every cache again (after a resync); resolves when all are installed or have failed (they then retry). */
  async reloadAll(why: string): Promise<void> {
    this.logger.log({ msg: 'Reloading every shared cache', why, caches: this.caches.size });
    await Promise.all([...this.caches.values()].map((cache) => cache.refresh().catch(() => undefined)));
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const cache of this.caches.values()) cache.close();
  }

  private received(message: unknown, fromNode: string): void {
    if (fromNode === this.bus.nodeId) return;
    if (!isCacheChanged(message)) {
      this.logger.warn({ msg: 'Unreadable cache.changed message from another node: ignored', fromNode: String(fromNode).slice(0, 64) });
      return;
    }
    const cache = this.caches.get(message.cache);
    // A node of another version may hold a cache this one has not: nothing here to reload.
    if (cache === undefined) return;
    // Failures are logged and retried by the cache itself.
    cache.refresh(message.keys).catch(() => undefined);
  }
}

/**
 * One registered cache: the notice its owner calls after a commit, and the reloads other nodes' changes cause.
 *
 * Reloads of one cache run one at a time; what is asked meanwhile is merged into the next. A reload must not undo
 * a change this node committed while it read: each local `changed()` counts, and a copy read while the count moved
 * is thrown away and read again (its read may predate that commit; the change itself reached memory in its
 * afterCommit, which a later swap would overwrite). A copy read before a commit whose afterCommit has not run yet is
 * safe: that afterCommit runs after the swap and puts the change back.
 */
export class CoherentCache implements SharedCacheNotice {
  private localChanges = 0;
  private wantsAll = false;
  private readonly wantedKeys = new Set<string>();
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  /** Reloads installed, and copies thrown away because this node changed the cache while they were read. */
  readonly stats = { reloads: 0, discarded: 0, failures: 0 };

  constructor(
    readonly name: string,
    private readonly cache: ReloadableCache,
    private readonly bus: ClusterBus,
    private readonly logger: HubLogger,
    private readonly options: CacheCoherenceOptions,
  ) {}

  /** A commit of this node changed these rows (memory has them already): the other nodes are told. */
  changed(keys?: readonly string[]): void {
    if (keys !== undefined && keys.length === 0) return;
    this.localChanges++;
    const message: CacheChangedMessage = keys === undefined ? { cache: this.name } : { cache: this.name, keys: [...keys] };
    this.bus.publish(CACHE_CHANGED, message);
  }

  /**
   * Reads the rows (the keys, or everything) again and installs them; resolves once that is done, rejects if the
   * read failed (it is retried in the background all the same). For whoever must act on the fresh state (a
   * revocation closes connections only after the cache refuses the old credential).
   */
  refresh(keys?: readonly string[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (keys === undefined || this.cache.readKeys === undefined || keys.length > (this.options.maxKeys ?? 500)) this.wantsAll = true;
    else for (const key of keys) this.wantedKeys.add(key);
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.start();
    return done;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private start(): void {
    if (this.running || this.retryTimer !== null || this.closed) return;
    this.running = true;
    void this.run();
  }

  /** `running` is cleared in the same turn as the last look at what is wanted: a refresh asked later starts a new run. */
  private async run(): Promise<void> {
    for (;;) {
      if (this.closed || (!this.wantsAll && this.wantedKeys.size === 0)) {
        this.running = false;
        return;
      }
      const all = this.wantsAll;
      const keys = [...this.wantedKeys];
      const waiting = this.waiting;
      this.wantsAll = false;
      this.wantedKeys.clear();
      this.waiting = [];
      const before = this.localChanges;
      let install: () => void;
      try {
        install = all || this.cache.readKeys === undefined ? await this.cache.readAll() : await this.cache.readKeys(keys);
      } catch (error) {
        this.putBack(all, keys);
        this.running = false;
        this.failed(error, waiting);
        return;
      }
      if (this.localChanges !== before) {
        this.stats.discarded++;
        this.putBack(all, keys);
        this.waiting.unshift(...waiting);
        continue;
      }
      try {
        install();
      } catch (error) {
        this.logger.error({ msg: 'A shared cache could not install what it read', cache: this.name, error });
        for (const waiter of waiting) waiter.reject(error);
        continue;
      }
      this.stats.reloads++;
      this.failures = 0;
      for (const waiter of waiting) waiter.resolve();
    }
  }

  private putBack(all: boolean, keys: readonly string[]): void {
    if (all) this.wantsAll = true;
    else for (const key of keys) this.wantedKeys.add(key);
  }

  private failed(error: unknown, waiting: ReadonlyArray<{ reject: (error: unknown) => void }>): void {
    this.stats.failures++;
    this.failures++;
    const wait = Math.min(this.options.maxRetryMs ?? 30_000, (this.options.retryMs ?? 500) * 2 ** (this.failures - 1));
    this.logger.error({ msg: 'Could not reload a shared cache; retrying', cache: this.name, retryInMs: wait, error });
    for (const waiter of waiting) waiter.reject(error);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, wait);
    this.retryTimer.unref();
  }
}

function isCacheChanged(message: unknown): message is CacheChangedMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { cache, keys } = message as { cache?: unknown; keys?: unknown };
  return typeof cache === 'string' && (keys === undefined || (Array.isArray(keys) && keys.every((key) => typeof key === 'string')));
}
