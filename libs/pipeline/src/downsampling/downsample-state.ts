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

  private constructor(
    private readonly repository: DownsampleStateRepository,
    private readonly watermarks: Map<AggregateResolution, number>,
    /** Per resolution: bucket start → version, as the store holds them. */
    private readonly waiting: Record<AggregateResolution, Map<number, number>>,
  ) {}

  static async load(repository: DownsampleStateRepository): Promise<DownsampleState> {
    const watermarks = new Map<AggregateResolution, number>();
    const waiting = { '1m': new Map<number, number>(), '1h': new Map<number, number>() };
    for (const resolution of AGGREGATE_RESOLUTIONS) {
      const until = await repository.watermark(resolution);
      if (until !== null) watermarks.set(resolution, until);
      for (const bucket of await repository.dirty(resolution, null)) waiting[resolution].set(bucket.bucketMs, bucket.version);
    }
    return new DownsampleState(repository, watermarks, waiting);
  }

  /** Every bucket before this time is aggregated (null: never started). */
  watermark(resolution: AggregateResolution): number | null {
    return this.watermarks.get(resolution) ?? null;
  }

  setWatermark(resolution: AggregateResolution, untilMs: number, now = Date.now()): Promise<void> {
    return this.serially(async () => {
      await this.repository.setWatermark(resolution, untilMs, now);
      this.watermarks.set(resolution, untilMs);
    });
  }

  /** Marks buckets (their start times) to be aggregated again: one transaction for them all. */
  markDirty(resolution: AggregateResolution, buckets: Iterable<number>): Promise<void> {
    const marked = [...buckets];
    return this.serially(async () => {
      const versions = this.waiting[resolution];
      for (const bucket of await this.repository.markDirty(resolution, marked)) versions.set(bucket.bucketMs, bucket.version);
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
      const versions = this.waiting[resolution];
      for (const bucket of await this.repository.clear(resolution, buckets)) versions.delete(bucket);
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
