import type { Executor, Store } from '@hub/store';
import type { AggregateResolution } from './downsample-tiers';

/** A bucket waiting to be aggregated again, with the version that run clears. */
export interface DirtyBucket {
  readonly bucketMs: number;
  readonly version: number;
}

/** Rows per statement: 3 parameters each (resolution, bucket, version), far below either dialect's limit. */
const ROWS_PER_STATEMENT = 500;

/** The downsampler's progress: a watermark per aggregate resolution, and the buckets late readings landed in. */
export class DownsampleStateRepository {
  constructor(private readonly store: Store) {}

  /** Every bucket before this time is aggregated (null: never started). */
  async watermark(resolution: AggregateResolution, exec: Executor = this.store.db): Promise<number | null> {
    const row = await exec.selectFrom('downsample_watermarks').select('until_ms').where('resolution', '=', resolution).executeTakeFirst();
    return row?.until_ms ?? null;
  }

  async setWatermark(resolution: AggregateResolution, untilMs: number, now = Date.now(), exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('downsample_watermarks')
      .values({ resolution, until_ms: untilMs, updated_at: now })
      .onConflict((oc) => oc.column('resolution').doUpdateSet({ until_ms: untilMs, updated_at: now }))
      .execute();
  }

  /**
   * Marks buckets (their start times) to be aggregated again, in one transaction (the caller's, or its own): a batch
   * of late readings costs one multi-row upsert per 500 minutes, not a statement per reading. In ascending order, so
   * two writers marking overlapping minutes on PostgreSQL lock their rows in the same order and never deadlock.
   */
  async markDirty(resolution: AggregateResolution, buckets: Iterable<number>, exec?: Executor): Promise<DirtyBucket[]> {
    const sorted = [...new Set(buckets)].sort((a, b) => a - b);
    if (sorted.length === 0) return [];
    return this.within(exec, async (tx) => {
      const marked: DirtyBucket[] = [];
      for (let start = 0; start < sorted.length; start += ROWS_PER_STATEMENT) {
        const rows = await tx
          .insertInto('downsample_dirty')
          .values(sorted.slice(start, start + ROWS_PER_STATEMENT).map((bucket) => ({ resolution, bucket_ms: bucket, version: 1 })))
          .onConflict((oc) => oc.columns(['resolution', 'bucket_ms']).doUpdateSet((eb) => ({ version: eb('downsample_dirty.version', '+', 1) })))
          .returning(['bucket_ms', 'version'])
          .execute();
        for (const row of rows) marked.push({ bucketMs: row.bucket_ms, version: row.version });
      }
      return marked;
    });
  }

  /** The oldest dirty buckets, at most `limit` (null: all). */
  async dirty(resolution: AggregateResolution, limit: number | null, exec: Executor = this.store.db): Promise<DirtyBucket[]> {
    let query = exec.selectFrom('downsample_dirty').select(['bucket_ms', 'version']).where('resolution', '=', resolution).orderBy('bucket_ms');
    if (limit !== null) query = query.limit(limit);
    const rows = await query.execute();
    return rows.map((row) => ({ bucketMs: row.bucket_ms, version: row.version }));
  }

  /** Clears buckets re-aggregated by a run; one marked again since (a newer version) stays. Answers the buckets cleared. */
  async clear(resolution: AggregateResolution, buckets: readonly DirtyBucket[], exec?: Executor): Promise<number[]> {
    if (buckets.length === 0) return [];
    return this.within(exec, async (tx) => {
      const cleared: number[] = [];
      for (let start = 0; start < buckets.length; start += ROWS_PER_STATEMENT) {
        const slice = buckets.slice(start, start + ROWS_PER_STATEMENT);
        const rows = await tx
          .deleteFrom('downsample_dirty')
          .where('resolution', '=', resolution)
          .where((eb) => eb(eb.refTuple('bucket_ms', 'version'), 'in', slice.map((bucket) => eb.tuple(bucket.bucketMs, bucket.version))))
          .returning('bucket_ms')
          .execute();
        for (const row of rows) cleared.push(row.bucket_ms);
      }
      return cleared;
    });
  }

  /** The start of the oldest bucket (from `notBefore` on) waiting to be aggregated again; null when none waits. */
  async oldestDirty(resolution: AggregateResolution, notBefore = Number.MIN_SAFE_INTEGER, exec: Executor = this.store.db): Promise<number | null> {
    const row = await exec
      .selectFrom('downsample_dirty')
      .select((eb) => eb.fn.min('bucket_ms').as('oldest'))
      .where('resolution', '=', resolution)
      .where('bucket_ms', '>=', notBefore)
      .executeTakeFirst();
    return row?.oldest ?? null;
  }

  async dirtyCount(resolution: AggregateResolution, exec: Executor = this.store.db): Promise<number> {
    const row = await exec.selectFrom('downsample_dirty').select((eb) => eb.fn.countAll<number>().as('n')).where('resolution', '=', resolution).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private within<T>(exec: Executor | undefined, work: (exec: Executor) => Promise<T>): Promise<T> {
    return exec === undefined ? this.store.tx((tx) => work(tx.exec)) : work(exec);
  }
}
