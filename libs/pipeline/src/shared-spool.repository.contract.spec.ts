import { postgresTestStore, TEST_STORES, type TestStore } from '@hub/store/testing';
import { sql } from 'kysely';
import { SharedSpoolRepository } from './shared-spool.repository';

const LEASE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const batchOf = (device: string, count: number) => Array.from({ length: count }, (_, index) => `gas,device_id=${device} methane_pct_lel=${index} ${1000 + index}`);

describe.each(TEST_STORES)('SharedSpoolRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let spool: SharedSpoolRepository;

  beforeEach(async () => {
    test = await open();
    spool = new SharedSpoolRepository(test.store);
  });
  afterEach(() => test.dispose());

  const append = (nodeId: string, lines: string[]) => spool.append(nodeId, lines.join('\n'), lines.length);

  it('hands out the oldest unclaimed batch first, each to one node, with its lines and the node that spooled it', async () => {
    await append('a', batchOf('d1', 3));
    await append('b', batchOf('d2', 1));
    await append('a', batchOf('d3', 2));

    const first = await spool.claimOldest('b', LEASE_MS);
    const second = await spool.claimOldest('a', LEASE_MS);
    const third = await spool.claimOldest('b', LEASE_MS);
    expect([first, second, third].map((claim) => claim && { nodeId: claim.nodeId, lines: claim.lines })).toEqual([
      { nodeId: 'a', lines: batchOf('d1', 3) },
      { nodeId: 'b', lines: batchOf('d2', 1) },
      { nodeId: 'a', lines: batchOf('d3', 2) },
    ]);
    expect(first!.id).toBeLessThan(second!.id);
    expect(second!.id).toBeLessThan(third!.id);
    // Every row is held (leases not expired): nothing left to claim.
    expect(await spool.claimOldest('c', LEASE_MS)).toBeNull();
    expect(await spool.backlog()).toMatchObject({ rows: 3, readings: 6, claimed: 3 });

    expect(await spool.delete(first!.id, 'b')).toBe(true);
    expect(await spool.delete(second!.id, 'a')).toBe(true);
    expect(await spool.delete(third!.id, 'b')).toBe(true);
    expect(await spool.backlog()).toEqual({ rows: 0, readings: 0, claimed: 0, oldestAgeMs: null });
  });

  it('lets another node take over a claim that expired; the first holder may then neither renew nor delete it', async () => {
    await append('a', batchOf('d1', 2));
    const stale = await spool.claimOldest('a', 50);
    expect(await spool.claimOldest('b', LEASE_MS)).toBeNull();
    await sleep(120);

    const taken = await spool.claimOldest('b', LEASE_MS);
    expect(taken).toEqual({ id: stale!.id, nodeId: 'a', lines: batchOf('d1', 2) });
    expect(await spool.renew(stale!.id, 'a', LEASE_MS)).toBe(false);
    expect(await spool.delete(stale!.id, 'a')).toBe(false);
    expect(await spool.backlog()).toMatchObject({ rows: 1, readings: 2, claimed: 1 });
    expect(await spool.renew(taken!.id, 'b', LEASE_MS)).toBe(true);
    expect(await spool.delete(taken!.id, 'b')).toBe(true);
    expect((await spool.backlog()).rows).toBe(0);
  });

  it('renews a claim so that it outlives its first lease', async () => {
    await append('a', batchOf('d1', 1));
    const claim = await spool.claimOldest('a', 150);
    await sleep(80);
    expect(await spool.renew(claim!.id, 'a', 150)).toBe(true);
    await sleep(100);
    // 180 ms after the claim, 100 ms after the renewal: still held.
    expect(await spool.claimOldest('b', LEASE_MS)).toBeNull();
    await sleep(120);
    expect((await spool.claimOldest('b', LEASE_MS))?.id).toBe(claim!.id);
  });

  it('releases every claim of one node at once, for the others to take without waiting for the lease', async () => {
    await append('a', batchOf('d1', 1));
    await append('a', batchOf('d2', 1));
    await append('a', batchOf('d3', 1));
    const mine = [await spool.claimOldest('a', LEASE_MS), await spool.claimOldest('a', LEASE_MS)];
    const theirs = await spool.claimOldest('c', LEASE_MS);
    expect(await spool.releaseAll('a')).toBe(2);
    expect(await spool.backlog()).toMatchObject({ rows: 3, claimed: 1 });
    expect((await spool.claimOldest('b', LEASE_MS))?.id).toBe(mine[0]!.id);
    expect((await spool.claimOldest('b', LEASE_MS))?.id).toBe(mine[1]!.id);
    expect(await spool.claimOldest('b', LEASE_MS)).toBeNull();
    expect(await spool.delete(theirs!.id, 'c')).toBe(true);
  });

  it('gives each of many concurrent claims a different row, and every row to exactly one of them', async () => {
    for (let index = 0; index < 12; index++) await append('a', batchOf(`d${index}`, 1));
    const claims = await Promise.all(Array.from({ length: 16 }, (_, index) => spool.claimOldest(`n${index % 4}`, LEASE_MS)));
    const ids = claims.filter((claim) => claim !== null).map((claim) => claim.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect(claims.filter((claim) => claim === null)).toHaveLength(4);
  });

  it('measures the age of the oldest row by the database clock', async () => {
    await append('a', batchOf('d1', 4));
    await sleep(60);
    await append('b', batchOf('d2', 5));
    const backlog = await spool.backlog();
    expect(backlog).toMatchObject({ rows: 2, readings: 9, claimed: 0 });
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(55);
    expect(backlog.oldestAgeMs).toBeLessThan(5_000);
  });
});

describe('SharedSpoolRepository on postgres, beside a transaction that holds a row', () => {
  let test: TestStore;
  afterEach(() => test.dispose());

  it('skips a row locked by another session instead of waiting for it (FOR UPDATE SKIP LOCKED)', async () => {
    test = await postgresTestStore();
    const spool = new SharedSpoolRepository(test.store);
    await spool.append('a', 'gas,device_id=d1 methane_pct_lel=1 1', 1);
    await spool.append('a', 'gas,device_id=d2 methane_pct_lel=1 1', 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = test.store.tx(async (tx) => {
      await sql`SELECT id FROM ingest_spool ORDER BY id LIMIT 1 FOR UPDATE`.execute(tx.exec);
      locked();
      await held;
    });
    await isLocked;
    try {
      const claim = await spool.claimOldest('b', LEASE_MS);
      expect(claim?.lines).toEqual(['gas,device_id=d2 methane_pct_lel=1 1']);
    } finally {
      release();
      await holder;
    }
    expect((await spool.claimOldest('b', LEASE_MS))?.lines).toEqual(['gas,device_id=d1 methane_pct_lel=1 1']);
  });
});
