import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { DownsampleState } from './downsample-state';
import { DownsampleStateRepository } from './downsample-state.repository';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');

describe.each(TEST_STORES)('DownsampleStateRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: DownsampleStateRepository;

  beforeEach(async () => {
    test = await open();
    repository = new DownsampleStateRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('keeps a watermark per resolution, null until set', async () => {
    expect(await repository.watermark('1m')).toBeNull();
    await repository.setWatermark('1m', T0, 1);
    await repository.setWatermark('1m', T0 + MINUTE, 2);
    await repository.setWatermark('1h', T0 - 3_600_000, 3);
    expect([await repository.watermark('1m'), await repository.watermark('1h')]).toEqual([T0 + MINUTE, T0 - 3_600_000]);
  });

  it('counts each marking of a bucket as a new version, answering the versions it left, oldest bucket first', async () => {
    expect(await repository.markDirty('1m', [T0 + 2 * MINUTE, T0, T0 + 2 * MINUTE])).toEqual([
      { bucketMs: T0, version: 1 },
      { bucketMs: T0 + 2 * MINUTE, version: 1 },
    ]);
    expect(await repository.markDirty('1m', [T0 + 2 * MINUTE, -5 * MINUTE])).toEqual([
      { bucketMs: -5 * MINUTE, version: 1 },
      { bucketMs: T0 + 2 * MINUTE, version: 2 },
    ]);
    await repository.markDirty('1h', [T0]);
    expect(await repository.markDirty('1m', [])).toEqual([]);
    expect(await repository.dirty('1m', 2)).toEqual([{ bucketMs: -5 * MINUTE, version: 1 }, { bucketMs: T0, version: 1 }]);
    expect(await repository.dirty('1m', null)).toEqual([{ bucketMs: -5 * MINUTE, version: 1 }, { bucketMs: T0, version: 1 }, { bucketMs: T0 + 2 * MINUTE, version: 2 }]);
    expect([await repository.dirtyCount('1m'), await repository.dirtyCount('1h')]).toEqual([3, 1]);
    expect(await repository.oldestDirty('1m')).toBe(-5 * MINUTE);
    expect(await repository.oldestDirty('1m', 0)).toBe(T0);
    expect(await repository.oldestDirty('1m', T0 + 3 * MINUTE)).toBeNull();
  });

  it('clears only the versions a run covered, answering which buckets it cleared', async () => {
    await repository.markDirty('1m', [T0, T0 + MINUTE]);
    const run = await repository.dirty('1m', 10);
    await repository.markDirty('1m', [T0 + MINUTE]);
    expect(await repository.clear('1m', run)).toEqual([T0]);
    expect(await repository.dirty('1m', null)).toEqual([{ bucketMs: T0 + MINUTE, version: 2 }]);
    expect(await repository.clear('1h', [{ bucketMs: T0 + MINUTE, version: 2 }])).toEqual([]);
    expect(await repository.clear('1m', [])).toEqual([]);
  });

  it('marks and clears a day of minutes at once, in statements of 500', async () => {
    const day = Array.from({ length: 1440 }, (_, index) => T0 + index * MINUTE);
    expect(await repository.markDirty('1m', day)).toHaveLength(1440);
    expect(await repository.dirtyCount('1m')).toBe(1440);
    const dirty = await repository.dirty('1m', null);
    expect(dirty.map((bucket) => bucket.bucketMs)).toEqual(day);
    expect(await repository.clear('1m', dirty)).toHaveLength(1440);
    expect(await repository.dirtyCount('1m')).toBe(0);
  });

  it('takes marks in the caller’s transaction, gone when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await repository.markDirty('1m', [T0], tx.exec);
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    expect(await repository.dirtyCount('1m')).toBe(0);
  });

  it('is what DownsampleState loads after a restart, and what it writes through to', async () => {
    const state = await DownsampleState.load(repository);
    await state.setWatermark('1m', T0 + 10 * MINUTE);
    await state.markDirty('1m', [T0 + MINUTE, T0]);
    await state.markDirty('1m', [T0 + MINUTE]);
    await state.markDirty('1h', [T0]);
    await state.clear('1m', [{ bucketMs: T0, version: 1 }, { bucketMs: T0 + MINUTE, version: 1 }]);
    const restarted = await DownsampleState.load(repository);
    for (const each of [state, restarted]) {
      expect(each.watermark('1m')).toBe(T0 + 10 * MINUTE);
      expect(each.watermark('1h')).toBeNull();
      expect(each.dirty('1m', 10)).toEqual([{ bucketMs: T0 + MINUTE, version: 2 }]);
      expect(each.dirty('1h', 10)).toEqual([{ bucketMs: T0, version: 1 }]);
      expect([each.dirtyCount('1m'), each.oldestDirty('1m'), each.oldestDirty('1m', T0 + 2 * MINUTE)]).toEqual([1, T0 + MINUTE, null]);
    }
  });

  it('applies marks and clears of the same minute in the order they were asked, in memory as in the store', async () => {
    const state = await DownsampleState.load(repository);
    await state.markDirty('1m', [T0]);
    // Not awaited one by one: the write path marking while a run clears.
    await Promise.all([state.clear('1m', [{ bucketMs: T0, version: 1 }]), state.markDirty('1m', [T0]), state.markDirty('1m', [T0, T0 + MINUTE])]);
    expect(state.dirty('1m', 10)).toEqual([{ bucketMs: T0, version: 2 }, { bucketMs: T0 + MINUTE, version: 1 }]);
    expect(await repository.dirty('1m', null)).toEqual(state.dirty('1m', 10));
  });
});
