import { SILENT_LOGGER } from '@hub/common';
import { LinkedBuses } from './testing/linked-buses';
import { CACHE_CHANGED, CacheCoherence, type ReloadableCache } from './cache-coherence';
import { LocalBus } from './cluster-bus';

/** The shared database of the pretend nodes: rows by key. */
class Table {
  readonly rows = new Map<string, string>();
  /** Reads wait for this gate when set (to let something happen while a reload reads). */
  gate: Promise<void> | null = null;
  failNext = 0;
  reads: string[] = [];

  async read(keys?: readonly string[]): Promise<Map<string, string | undefined>> {
    this.reads.push(keys === undefined ? '*' : keys.join(','));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unreachable');
    }
    const snapshot = new Map<string, string | undefined>(keys === undefined ? this.rows : keys.map((key) => [key, this.rows.get(key)]));
    await this.gate;
    return snapshot;
  }
}

/** A node's in-memory copy of the table, reloadable whole or by key. */
class NodeCopy implements ReloadableCache {
  memory = new Map<string, string>();

  constructor(
    private readonly table: Table,
    private readonly byKey = true,
  ) {}

  async readAll(): Promise<() => void> {
    const read = await this.table.read();
    return () => (this.memory = new Map([...read].filter((entry): entry is [string, string] => entry[1] !== undefined)));
  }

  get readKeys(): ((keys: readonly string[]) => Promise<() => void>) | undefined {
    if (!this.byKey) return undefined;
    return async (keys) => {
      const read = await this.table.read(keys);
      return () => {
        for (const [key, value] of read) {
          if (value === undefined) this.memory.delete(key);
          else this.memory.set(key, value);
        }
      };
    };
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('CacheCoherence', () => {
  let coherences: CacheCoherence[] = [];
  afterEach(() => {
    for (const coherence of coherences) coherence.close();
    coherences = [];
  });

  function node(buses: LinkedBuses, id: string, table: Table, options: { byKey?: boolean; maxKeys?: number; retryMs?: number } = {}) {
    const coherence = new CacheCoherence(buses.bus(id), SILENT_LOGGER, { maxKeys: options.maxKeys, retryMs: options.retryMs });
    coherences.push(coherence);
    const copy = new NodeCopy(table, options.byKey ?? true);
    const cache = coherence.register('things', copy);
    return { coherence, copy, cache };
  }

  /** A change committed through `on`: the row, memory after the commit, then the notice (as an afterCommit does). */
  function commit(table: Table, on: { copy: NodeCopy; cache: { changed(keys?: readonly string[]): void } }, key: string, value: string | undefined, whole = false): void {
    if (value === undefined) {
      table.rows.delete(key);
      on.copy.memory.delete(key);
    } else {
      table.rows.set(key, value);
      on.copy.memory.set(key, value);
    }
    on.cache.changed(whole ? undefined : [key]);
  }

  it('reloads on the other nodes the rows a node changed, by key, and not on the node itself', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const a = node(buses, 'a', table);
    const b = node(buses, 'b', table);
    commit(table, a, 'x', '1');
    await settle();
    expect(b.copy.memory).toEqual(new Map([['x', '1']]));
    expect(table.reads).toEqual(['x']);
    expect(buses.bus('a').published).toEqual([{ channel: CACHE_CHANGED, message: { cache: 'things', keys: ['x'] } }]);
    commit(table, b, 'x', undefined);
    await settle();
    expect(a.copy.memory).toEqual(new Map());
    expect(a.cache.stats).toEqual({ reloads: 1, discarded: 0, failures: 0 });
  });

  it('reloads whole a cache that cannot read by key, or when a message names more keys than maxKeys', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    table.rows.set('old', '0');
    const a = node(buses, 'a', table, { maxKeys: 2 });
    const b = node(buses, 'b', table, { maxKeys: 2 });
    table.rows.set('p', '1');
    table.rows.set('q', '2');
    table.rows.set('r', '3');
    a.cache.changed(['p', 'q', 'r']);
    await settle();
    expect(table.reads).toEqual(['*']);
    expect(b.copy.memory).toEqual(new Map([['old', '0'], ['p', '1'], ['q', '2'], ['r', '3']]));

    const buses2 = new LinkedBuses();
    const table2 = new Table();
    const c = node(buses2, 'c', table2);
    const d = node(buses2, 'd', table2, { byKey: false });
    commit(table2, c, 'k', 'v');
    await settle();
    expect(table2.reads).toEqual(['*']);
    expect(d.copy.memory).toEqual(new Map([['k', 'v']]));
  });

  it('throws away a copy read while this node committed a change of the same cache, and reads it again', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const a = node(buses, 'a', table);
    const b = node(buses, 'b', table);
    let open!: () => void;
    table.gate = new Promise((resolve) => (open = resolve));
    commit(table, a, 'x', 'from a');
    await settle();
    // b is reading x (a's value) when b itself commits a newer value, whose afterCommit has already run.
    commit(table, b, 'x', 'from b');
    table.gate = null;
    open();
    await settle();
    expect(b.copy.memory.get('x')).toBe('from b');
    expect(b.cache.stats).toEqual({ reloads: 1, discarded: 1, failures: 0 });
    expect(table.reads).toEqual(['x', 'x', 'x']); // b's first read, its second; a's reload of b's change
    expect(a.copy.memory.get('x')).toBe('from b');
  });

  it('merges what is asked during a reload into the next one, and resolves every refresh once it is installed', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const b = node(buses, 'b', table);
    let open!: () => void;
    table.gate = new Promise((resolve) => (open = resolve));
    table.rows.set('x', '1');
    const first = b.cache.refresh(['x']);
    table.rows.set('y', '2');
    table.rows.set('z', '3');
    const second = b.cache.refresh(['y']);
    const third = b.cache.refresh(['z']);
    table.gate = null;
    open();
    await Promise.all([first, second, third]);
    expect(table.reads).toEqual(['x', 'y,z']);
    expect(b.copy.memory).toEqual(new Map([['x', '1'], ['y', '2'], ['z', '3']]));
  });

  it('reloads every cache whole when the link to the others comes back, and hears nothing while cut off', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const a = node(buses, 'a', table);
    const b = node(buses, 'b', table);
    buses.cut('b');
    commit(table, a, 'x', '1');
    await settle();
    expect(b.copy.memory).toEqual(new Map());
    buses.resync('b');
    await settle();
    expect(table.reads).toEqual(['*']);
    expect(b.copy.memory).toEqual(new Map([['x', '1']]));
  });

  it('retries a reload the database refused, and rejects the refresh that waited for it', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const b = node(buses, 'b', table, { retryMs: 30 });
    table.rows.set('x', '1');
    table.failNext = 1;
    await expect(b.cache.refresh(['x'])).rejects.toThrow('database unreachable');
    expect(b.copy.memory).toEqual(new Map());
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(b.copy.memory).toEqual(new Map([['x', '1']]));
    expect(b.cache.stats).toEqual({ reloads: 1, discarded: 0, failures: 1 });
  });

  it('ignores unreadable messages and caches it does not hold', async () => {
    const buses = new LinkedBuses();
    const table = new Table();
    const warnings: unknown[] = [];
    const coherence = new CacheCoherence(buses.bus('b'), { ...SILENT_LOGGER, warn: (message) => warnings.push(message) });
    coherences.push(coherence);
    coherence.register('things', new NodeCopy(table));
    const a = buses.bus('a');
    a.publish(CACHE_CHANGED, { cache: 42 });
    a.publish(CACHE_CHANGED, { cache: 'things', keys: [1] });
    a.publish(CACHE_CHANGED, { cache: 'other', keys: ['x'] });
    await settle();
    expect(table.reads).toEqual([]);
    expect(warnings).toHaveLength(2);
  });

  it('refuses two caches of one name', () => {
    const coherence = new CacheCoherence(new LinkedBuses().bus('a'), SILENT_LOGGER);
    coherences.push(coherence);
    coherence.register('things', new NodeCopy(new Table()));
    expect(() => coherence.register('things', new NodeCopy(new Table()))).toThrow('A cache named things is registered already');
  });

  it('on one node (LocalBus) publishes and reloads nothing', async () => {
    const table = new Table();
    const bus = new LocalBus('only', SILENT_LOGGER);
    const coherence = new CacheCoherence(bus, SILENT_LOGGER);
    coherences.push(coherence);
    const copy = new NodeCopy(table);
    const cache = coherence.register('things', copy);
    commit(table, { copy, cache }, 'x', '1');
    commit(table, { copy, cache }, 'y', '2', true);
    await settle();
    expect(table.reads).toEqual([]);
    expect(copy.memory).toEqual(new Map([['x', '1'], ['y', '2']]));
    expect(cache.stats).toEqual({ reloads: 0, discarded: 0, failures: 0 });
  });
});
