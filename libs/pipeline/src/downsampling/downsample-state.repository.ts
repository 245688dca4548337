import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '@hub/store';
import type { AggregateResolution } from './downsample-tiers';

/** A bucket waiting to be aggregated again, with the version that run clears. */
export interface DirtyBucket {
  readonly bucketMs: number;
  readonly version: number;
}

/** The downsampler's progress in SQLite: a watermark per aggregate resolution, and the buckets late readings landed in. */
export class DownsampleStateRepository {
  private readonly selectWatermark: Statement<[string], { until_ms: number }>;
  private readonly upsertWatermark: Statement<[string, number, number]>;
  private readonly markStatement: Statement<[string, number]>;
  private readonly selectDirty: Statement<[string, number], { bucket_ms: number; version: number }>;
  private readonly clearStatement: Statement<[string, number, number]>;
  private readonly countDirty: Statement<[string], { n: number }>;
  private readonly selectOldestDirty: Statement<[string, number], { oldest: number | null }>;

  constructor(private readonly db: SqliteDatabase) {
    this.selectWatermark = db.prepare('SELECT until_ms FROM downsample_watermarks WHERE resolution = ?');
    this.upsertWatermark = db.prepare(
      'INSERT INTO downsample_watermarks (resolution, until_ms, updated_at) VALUES (?, ?, ?) ON CONFLICT (resolution) DO UPDATE SET until_ms = excluded.until_ms, updated_at = excluded.updated_at',
    );
    this.markStatement = db.prepare(
      'INSERT INTO downsample_dirty (resolution, bucket_ms, version) VALUES (?, ?, 1) ON CONFLICT (resolution, bucket_ms) DO UPDATE SET version = version + 1',
    );
    this.selectDirty = db.prepare('SELECT bucket_ms, version FROM downsample_dirty WHERE resolution = ? ORDER BY bucket_ms LIMIT ?');
    this.clearStatement = db.prepare('DELETE FROM downsample_dirty WHERE resolution = ? AND bucket_ms = ? AND version = ?');
    this.countDirty = db.prepare('SELECT count(*) AS n FROM downsample_dirty WHERE resolution = ?');
    this.selectOldestDirty = db.prepare('SELECT min(bucket_ms) AS oldest FROM downsample_dirty WHERE resolution = ? AND bucket_ms >= ?');
  }

  /** Every bucket before this time is aggregated (null: never started). */
  watermark(resolution: AggregateResolution): number | null {
    return this.selectWatermark.get(resolution)?.until_ms ?? null;
  }

  setWatermark(resolution: AggregateResolution, untilMs: number, now = Date.now()): void {
    this.upsertWatermark.run(resolution, untilMs, now);
  }

  /** Marks buckets (their start times) to be aggregated again, in one transaction. */
  markDirty(resolution: AggregateResolution, buckets: Iterable<number>): void {
    this.db.transaction(() => {
      for (const bucket of buckets) this.markStatement.run(resolution, bucket);
    })();
  }

  /** The oldest dirty buckets, at most `limit`. */
  dirty(resolution: AggregateResolution, limit: number): DirtyBucket[] {
    return this.selectDirty.all(resolution, limit).map((row) => ({ bucketMs: row.bucket_ms, version: row.version }));
  }

  /** Clears buckets re-aggregated by a run; one marked again since (a newer version) stays. */
  clear(resolution: AggregateResolution, buckets: readonly DirtyBucket[]): void {
    this.db.transaction(() => {
      for (const bucket of buckets) this.clearStatement.run(resolution, bucket.bucketMs, bucket.version);
    })();
  }

  /** The start of the oldest bucket (from `notBefore` on) waiting to be aggregated again; null when none waits. */
  oldestDirty(resolution: AggregateResolution, notBefore = Number.MIN_SAFE_INTEGER): number | null {
    return this.selectOldestDirty.get(resolution, notBefore)?.oldest ?? null;
  }

  dirtyCount(resolution: AggregateResolution): number {
    return this.countDirty.get(resolution)?.n ?? 0;
  }
}
