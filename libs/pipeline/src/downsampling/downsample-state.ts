import { type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { DirtyBucket, DownsampleStateRepository } from './downsample-state.repository';
import { AGGREGATE_RESOLUTIONS, type AggregateResolution } from './downsample-tiers';
import type { DirtyMinutes } from './late-readings';

/**
 * The downsampler's progress in memory, written through to the store: what readers ask on every readings request
 * and the write path on every batch (how far minutes are aggregated, the oldest bucket waiting) costs no query. Its
 * writers — the downsampler and the write path's late-reading marks — all go through this object, which changes
 * memory only once the store has the change, so a restart loads the same state.
 */
export class DownsampleState implements DirtyMinutes {
  /** Writes one at a time, memory following each: a clear and a mark of the same minute apply in one order to both. */
  private writes: Promise<unknown> = Promise.resolve();
  /** The other nodes of a cluster (their write paths mark minutes, one downsamples): told of each write, by resolution. */
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  private constructor(
    private readonly repository: DownsampleStateRepository,
    private readonly watermarks: Map<AggregateResolution, number>,
    /** Per resolution: bucket start → version, as the store holds them. */
    private readonly waiting: Record<AggregateResolution, Map<number, number>>,
  ) {}

  static async load(repository: DownsampleStateRepository): Promise<DownsampleState> {
    const state = new DownsampleState(repository, new Map(), { '1m': new Map(), '1h': new Map() });
    (await state.readAll())();
    return state;
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Both resolutions again from the store (another node wrote), as a swap to run when the caller decides (CacheCoherence). */
  readAll(): Promise<() => void> {
    return this.readKeys(AGGREGATE_RESOLUTIONS);
  }

  /** The named resolutions (`1m`, `1h`) again from the store; other keys are ignored. */
  async readKeys(keys: readonly string[]): Promise<() => void> {
    const read: Array<{ resolution: AggregateResolution; until: number | null; dirty: DirtyBucket[] }> = [];
    for (const resolution of AGGREGATE_RESOLUTIONS.filter((known) => keys.includes(known))) {
      read.push({ resolution, until: await this.repository.watermark(resolution), dirty: await this.repository.dirty(resolution, null) });
    }
    return () => {
      for (const { resolution, until, dirty } of read) {
        if (until === null) this.watermarks.delete(resolution);
        else this.watermarks.set(resolution, until);
        this.waiting[resolution] = new Map(dirty.map((bucket) => [bucket.bucketMs, bucket.version]));
      }
    };
  }

  /** Every bucket before this time is aggregated (null: never started). */
  watermark(resolution: AggregateResolution): number | null {
    return this.watermarks.get(resolution) ?? null;
  }

  setWatermark(resolution: AggregateResolution, untilMs: number, now = Date.now()): Promise<void> {
    return this.serially(async () => {
      await this.repository.setWatermark(resolution, untilMs, now);
      this.watermarks.set(resolution, untilMs);
      this.shared.changed([resolution]);
    });
  }

  /** Marks buckets (their start times) to be aggregated again: one transaction for them all. */
  markDirty(resolution: AggregateResolution, buckets: Iterable<number>): Promise<void> {
    const marked = [...buckets];
    return this.serially(async () => {
      const marks = await this.repository.markDirty(resolution, marked);
      // Looked up after the write: a reload may have put a new map in place meanwhile.
      const versions = this.waiting[resolution];
      for (const bucket of marks) versions.set(bucket.bucketMs, bucket.version);
      this.shared.changed([resolution]);
    });
  }

  /** The oldest dirty buckets, at most `limit`. */
  dirty(resolution: AggregateResolution, limit: number): DirtyBucket[] {
    return [...this.waiting[resolution]]
      .sort(([a], [b]) => a - b)
      .slice(0, limit)
      .map(([bucketMs, version]) => ({ bucketMs, version }));
  }

  /** Clears buckets re-aggregated by a run; one marked again since (a newer version) stays. */
  clear(resolution: AggregateResolution, buckets: readonly DirtyBucket[]): Promise<void> {
    return this.serially(async () => {
      const cleared = await this.repository.clear(resolution, buckets);
      const versions = this.waiting[resolution];
      for (const bucket of cleared) versions.delete(bucket);
      this.shared.changed([resolution]);
    });
  }

  /** The start of the oldest bucket (from `notBefore` on) waiting to be aggregated again; null when none waits. */
  oldestDirty(resolution: AggregateResolution, notBefore = Number.MIN_SAFE_INTEGER): number | null {
    let oldest: number | null = null;
    for (const bucket of this.waiting[resolution].keys()) if (bucket >= notBefore && (oldest === null || bucket < oldest)) oldest = bucket;
    return oldest;
  }

  dirtyCount(resolution: AggregateResolution): number {
    return this.waiting[resolution].size;
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const done = this.writes.then(work);
    // A failed write fails its caller only; the next one still runs.
    this.writes = done.catch(() => undefined);
    return done;
  }
}
