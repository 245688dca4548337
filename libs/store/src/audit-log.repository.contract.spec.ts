import { AuditLogRepository } from './audit-log.repository';
import { TEST_STORES, type TestStore } from './testing/test-stores';

describe.each(TEST_STORES)('AuditLogRepository on %s', (_dialect, open) => {
  let test: TestStore;
  // The asynchronous methods need no SQLite handle: they run on whatever executor they are given.
  const audit = new AuditLogRepository(null);

  beforeEach(async () => {
    test = await open();
  });
  afterEach(() => test.dispose());

  it('keeps who did what to which thing, newest first, with ids in the order they were recorded', async () => {
    const { db } = test.store;
    const first = await audit.record({ at: 1000, actor: 'alice', action: 'alert.acknowledge', targetType: 'alert', targetId: '7', detail: { note: 'crew sent', count: 2 } }, db);
    const second = await audit.record({ at: 2000, actor: 'key:import', action: 'device.provision', targetType: 'device', targetId: null, detail: { town: '城关镇' } }, db);
    expect(second.id).toBeGreaterThan(first.id);
    expect(await audit.list({ limit: 10 }, db)).toEqual([
      { id: second.id, at: 2000, actor: 'key:import', action: 'device.provision', targetType: 'device', targetId: null, detail: { town: '城关镇' } },
      { id: first.id, at: 1000, actor: 'alice', action: 'alert.acknowledge', targetType: 'alert', targetId: '7', detail: { note: 'crew sent', count: 2 } },
    ]);
  });

  it('filters by actor, action, target and time, and pages backwards by id', async () => {
    const { db } = test.store;
    for (let index = 0; index < 5; index++) {
      await audit.record({ at: 1000 * (index + 1), actor: index % 2 === 0 ? 'alice' : 'bob', action: 'alert.resolve', targetType: 'alert', targetId: String(index), detail: {} }, db);
    }
    const ids = async (query: Parameters<AuditLogRepository['list']>[0]): Promise<(string | null)[]> => (await audit.list(query, db)).map((entry) => entry.targetId);
    expect(await ids({ actor: 'alice', limit: 10 })).toEqual(['4', '2', '0']);
    // Exact, case-sensitive matching on both dialects (PostgreSQL's default collation would otherwise differ).
    expect(await ids({ actor: 'Alice', limit: 10 })).toEqual([]);
    expect(await ids({ targetType: 'alert', targetId: '3', limit: 10 })).toEqual(['3']);
    expect(await ids({ from: 2000, to: 4000, limit: 10 })).toEqual(['2', '1']);
    const firstPage = await audit.list({ limit: 2 }, db);
    expect(firstPage.map((entry) => entry.targetId)).toEqual(['4', '3']);
    expect(await ids({ beforeId: firstPage[1].id, limit: 2 })).toEqual(['2', '1']);
    expect(await ids({ action: 'device.provision', limit: 10 })).toEqual([]);
  });

  it('prunes entries written before the cutoff in batches, oldest first, keeping one written exactly at it', async () => {
    const { db } = test.store;
    for (const at of [1000, 1999, 2000, 500, 3000]) await audit.record({ at, actor: 'alice', action: 'rule.update', targetType: 'rule', targetId: String(at), detail: {} }, db);
    expect(await audit.pruneBefore(2000, 2, db)).toBe(2);
    expect((await audit.list({ limit: 10 }, db)).map((entry) => entry.at)).toEqual([3000, 2000, 1999]);
    expect(await audit.pruneBefore(2000, 2, db)).toBe(1);
    expect(await audit.pruneBefore(2000, 2, db)).toBe(0);
    expect((await audit.list({ limit: 10 }, db)).map((entry) => entry.at)).toEqual([3000, 2000]);
  });

  it('records inside a transaction: kept when it commits, gone when it rolls back, after-commit work run only on commit', async () => {
    const { store } = test;
    const committed: string[] = [];
    await store.tx(async (tx) => {
      await audit.record({ actor: 'alice', action: 'device.update', targetType: 'device', targetId: 'kept', detail: {} }, tx.exec);
      tx.afterCommit(() => committed.push('kept'));
    });
    await expect(
      store.tx(async (tx) => {
        await audit.record({ actor: 'alice', action: 'device.update', targetType: 'device', targetId: 'rolled-back', detail: {} }, tx.exec);
        tx.afterCommit(() => committed.push('rolled-back'));
        throw new Error('the change failed after its audit entry');
      }),
    ).rejects.toThrow('the change failed after its audit entry');
    expect((await audit.list({ limit: 10 }, store.db)).map((entry) => entry.targetId)).toEqual(['kept']);
    expect(committed).toEqual(['kept']);
  });

  it('joins an outer transaction: a rollback of the outer one takes the inner work with it', async () => {
    const { store } = test;
    await expect(
      store.tx(async (outer) => {
        await store.tx((inner) => audit.record({ actor: 'bob', action: 'rule.update', targetType: 'rule', targetId: 'inner', detail: {} }, inner.exec), outer);
        throw new Error('outer failed');
      }),
    ).rejects.toThrow('outer failed');
    expect(await audit.list({ limit: 10 }, store.db)).toEqual([]);
  });
});
