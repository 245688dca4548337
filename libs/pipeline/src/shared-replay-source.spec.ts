import { SILENT_LOGGER } from '@hub/common';
import type { ClaimedSpoolBatch } from './shared-spool.repository';
import { SharedReplaySource } from './shared-replay-source';

/** The shared spool table in memory, with the repository's rules: one holder per row, delete only while held. */
class MemoryClaims {
  readonly rows = new Map<number, { batch: ClaimedSpoolBatch; holder: string | null }>();
  failing: Error | null = null;
  readonly calls: string[] = [];

  add(id: number, lines: string[]): void {
    this.rows.set(id, { batch: { id, nodeId: 'a', lines }, holder: null });
  }

  async claimOldest(nodeId: string): Promise<ClaimedSpoolBatch | null> {
    this.calls.push('claim');
    if (this.failing) throw this.failing;
    const free = [...this.rows.values()].find((row) => row.holder === null);
    if (free === undefined) return null;
    free.holder = nodeId;
    return free.batch;
  }

  async renew(id: number, nodeId: string): Promise<boolean> {
    this.calls.push(`renew ${id}`);
    if (this.failing) throw this.failing;
    return this.rows.get(id)?.holder === nodeId;
  }

  async delete(id: number, nodeId: string): Promise<boolean> {
    this.calls.push(`delete ${id}`);
    if (this.failing) throw this.failing;
    if (this.rows.get(id)?.holder !== nodeId) return false;
    this.rows.delete(id);
    return true;
  }

  async releaseAll(nodeId: string): Promise<number> {
    this.calls.push('release');
    if (this.failing) throw this.failing;
    let released = 0;
    for (const row of this.rows.values()) {
      if (row.holder === nodeId) {
        row.holder = null;
        released++;
      }
    }
    return released;
  }
}

const unavailable = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('SharedReplaySource', () => {
  let claims: MemoryClaims;
  let source: SharedReplaySource;
  beforeEach(() => {
    claims = new MemoryClaims();
    source = new SharedReplaySource(claims, 'b', 30_000, SILENT_LOGGER);
  });

  it('offers a batch InfluxDB failed again under a renewed claim, keeping its place, and deletes it once written', async () => {
    claims.add(1, ['x 1']);
    claims.add(2, ['y 2']);
    const first = await source.peek();
    // The write failed: asked again, the same batch comes back, its claim renewed rather than a new row claimed.
    expect(await source.peek()).toBe(first);
    await source.commit(first!);
    expect((await source.peek())?.id).toBe(2);
    expect(claims.calls).toEqual(['claim', 'renew 1', 'delete 1', 'claim']);
    expect([...claims.rows.keys()]).toEqual([2]);
  });

  it('moves on when its claim was taken over, and leaves the row to the node that took it', async () => {
    claims.add(1, ['x 1']);
    claims.add(2, ['y 2']);
    const first = await source.peek();
    claims.rows.get(1)!.holder = 'c';
    expect((await source.peek())?.id).toBe(2);
    await source.commit(first!);
    expect(claims.rows.get(1)?.holder).toBe('c');
  });

  it('answers "nothing to replay" while PostgreSQL fails, without asking it again for a second, and keeps the row of a failed delete', async () => {
    claims.add(1, ['x 1']);
    const batch = await source.peek();
    claims.failing = unavailable();
    await expect(source.commit(batch!)).resolves.toBeUndefined();
    expect(await source.peek()).toBeNull();
    const calls = claims.calls.length;
    expect(await source.peek()).toBeNull();
    expect(claims.calls).toHaveLength(calls);
    expect(claims.rows.get(1)?.holder).toBe('b');
  });

  it('asks an empty shared spool again only after a second', async () => {
    expect(await source.peek()).toBeNull();
    claims.add(1, ['x 1']);
    expect(await source.peek()).toBeNull();
    expect(claims.calls).toEqual(['claim']);
  });

  it('releases every claim of this node', async () => {
    claims.add(1, ['x 1']);
    await source.peek();
    expect(await source.release()).toBe(1);
    expect(claims.rows.get(1)?.holder).toBeNull();
  });
});
