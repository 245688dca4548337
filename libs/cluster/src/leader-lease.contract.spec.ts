import { SILENT_LOGGER } from '@hub/common';
import type { Store } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { LeaderLease, NotLeaderError } from './leader-lease';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_STORES)('LeaderLease on %s', (dialect, open) => {
  let test: TestStore;
  let store: Store;
  const leases: LeaderLease[] = [];

  beforeEach(async () => {
    test = await open();
    store = test.store;
  });
  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.stop();
    await test.dispose();
  });

  /** A node's lease on the shared store; not started (the test drives attempt()) unless it says so. */
  const node = (nodeId: string, leaseMs = 400, renewEveryMs = 100): LeaderLease => {
    const lease = new LeaderLease(store, { name: 'alerts', nodeId, leaseMs, renewEveryMs }, SILENT_LOGGER);
    leases.push(lease);
    return lease;
  };
  const row = () => store.db.selectFrom('cluster_leases').selectAll().where('name', '=', 'alerts').executeTakeFirst();
  /** A leader-only write: a counter row, behind the fence. */
  const fencedWrite = (lease: LeaderLease, name: string) =>
    store.tx(async (tx) => {
      await lease.fence(tx);
      await tx.exec.insertInto('counters').values({ name, value: 1 }).execute();
    });
  const counters = async () => (await store.db.selectFrom('counters').select('name').orderBy('name').execute()).map((each) => each.name);

  it('is taken by the first node when free (epoch 1) and refused to the second while it is renewed', async () => {
    const a = node('node-a');
    const b = node('node-b');
    const events: string[] = [];
    a.onGained((epoch) => events.push(`a gained ${epoch}`));
    b.onGained((epoch) => events.push(`b gained ${epoch}`));
    await a.attempt();
    await b.attempt();
    expect([a.isLeader, a.epoch, b.isLeader, b.epoch]).toEqual([true, 1, false, null]);
    const first = await row();
    expect([first?.holder, first?.epoch]).toEqual(['node-a', 1]);
    // Renewed three times over more than the lease's length: still a's, the expiry moved on, b still refused.
    for (let round = 0; round < 3; round++) {
      await sleep(200);
      await a.attempt();
      await b.attempt();
    }
    const renewed = await row();
    expect([renewed?.holder, renewed?.epoch, a.isLeader, b.isLeader]).toEqual(['node-a', 1, true, false]);
    expect(renewed!.expires_at).toBeGreaterThan(first!.expires_at + 500);
    expect(renewed!.expires_at - renewed!.renewed_at).toBe(400);
    expect(events).toEqual(['a gained 1']);
  });

  it('expires by the database clock when not renewed; the takeover bumps the epoch and the old holder learns it lost', async () => {
    const a = node('node-a');
    const b = node('node-b');
    const lost: number[] = [];
    a.onLost((epoch) => lost.push(epoch));
    await a.attempt();
    await sleep(150);
    await b.attempt();
    expect(b.isLeader).toBe(false); // not yet expired
    await sleep(300);
    await b.attempt();
    expect([b.isLeader, b.epoch]).toEqual([true, 2]);
    expect((await row())?.holder).toBe('node-b');
    // a was paused past its lease: its own clock tells it so before the database does.
    expect(a.isLeader).toBe(false);
    await a.attempt();
    expect([a.epoch, lost]).toEqual([null, [1]]);
    // Its next try finds b's lease unexpired.
    await a.attempt();
    expect([a.isLeader, b.isLeader, (await row())?.epoch]).toEqual([false, true, 2]);
  });

  it("fences: a write by the old epoch writes nothing once another node took over, the new leader's goes in", async () => {
    const a = node('node-a', 300);
    const b = node('node-b', 300);
    await a.attempt();
    await fencedWrite(a, 'a while leading');
    await sleep(350);
    await b.attempt();
    expect(b.epoch).toBe(2);
    // a has not noticed yet (no renewal ran): as after SIGCONT. Its deadline passed, so it refuses by itself; and
    // with the deadline forged as if its clock had not moved, the database refuses it.
    await expect(fencedWrite(a, 'a after the takeover')).rejects.toThrow(NotLeaderError);
    (a as unknown as { heldEpoch: number; deadline: number }).heldEpoch = 1;
    (a as unknown as { deadline: number }).deadline = Number.MAX_SAFE_INTEGER;
    await expect(fencedWrite(a, 'a forged')).rejects.toThrow('node-a no longer holds the alerts lease: its write was rolled back');
    expect(a.epoch).toBeNull(); // the refusal told it
    await fencedWrite(b, 'b leading');
    expect(await counters()).toEqual(['a while leading', 'b leading']);
  });

  it('refuses a fenced write of a holder whose lease expired though nobody took over', async () => {
    const a = node('node-a', 300);
    await a.attempt();
    (a as unknown as { deadline: number }).deadline = Number.MAX_SAFE_INTEGER;
    await sleep(350);
    await expect(fencedWrite(a, 'expired')).rejects.toThrow(NotLeaderError);
    expect(await counters()).toEqual([]);
    // Taken anew by the same node: a new epoch.
    await a.attempt();
    expect([a.isLeader, a.epoch]).toEqual([true, 2]);
  });

  it('is given up at a graceful stop: another node takes it at once', async () => {
    const a = node('node-a', 5_000, 1_000);
    const b = node('node-b', 5_000, 1_000);
    const lost: number[] = [];
    a.onLost((epoch) => lost.push(epoch));
    await a.start();
    await b.attempt();
    expect(b.isLeader).toBe(false);
    await a.stop();
    expect([a.isLeader, lost]).toEqual([false, [1]]);
    await b.attempt();
    expect([b.isLeader, b.epoch]).toEqual([true, 2]);
  });

  it('retakes its own lease at once after a restart with the same node id, with a new epoch', async () => {
    const before = node('node-a', 5_000, 1_000);
    await before.attempt();
    const after = node('node-a', 5_000, 1_000);
    await after.attempt();
    expect([after.isLeader, after.epoch]).toEqual([true, 2]);
    await expect(fencedWrite(before, 'the previous process')).rejects.toThrow(NotLeaderError);
  });

  if (dialect === 'postgres') {
    it('ends a fenced transaction left idle (a frozen leader) after half a lease, so that it writes nothing and the takeover goes on', async () => {
      const a = node('node-a', 400);
      const b = node('node-b', 400);
      await a.attempt();
      (a as unknown as { deadline: number }).deadline = Number.MAX_SAFE_INTEGER;
      // a's transaction checks the fence, then stops sending anything (as a process stopped with SIGSTOP would).
      const frozen = store.tx(async (tx) => {
        await a.fence(tx);
        await sleep(1_000);
        await tx.exec.insertInto('counters').values({ name: 'frozen leader', value: 1 }).execute();
      });
      const frozenOutcome = frozen.then(
        () => 'committed',
        (error: Error) => error.message,
      );
      await sleep(450);
      // Expired by now; the takeover waits for the share lock until the server ends a's idle transaction (200 ms).
      const started = Date.now();
      await b.attempt();
      expect([b.isLeader, b.epoch]).toEqual([true, 2]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await frozenOutcome).toMatch(/^the database closed this transaction's connection/);
      expect(await counters()).toEqual([]);
    });
  }
});
