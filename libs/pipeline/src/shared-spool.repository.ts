import type { Store } from '@hub/store';
import { type RawBuilder, sql } from 'kysely';

/** A spool row one node has claimed to replay: its batch, as the lines of line protocol it holds. */
export interface ClaimedSpoolBatch {
  readonly id: number;
  /** The node that appended it (this one or another). */
  readonly nodeId: string;
  readonly lines: string[];
}

/** What the shared spool holds now, for health and metrics. */
export interface SharedSpoolBacklog {
  readonly rows: number;
  readonly readings: number;
  /** Rows a node is replaying now (claimed, claim not expired). */
  readonly claimed: number;
  /** Age of the oldest row by the database clock; null when empty. */
  readonly oldestAgeMs: number | null;
}

/**
 * The shared spool (`ingest_spool`): batches InfluxDB had not confirmed, made durable in the shared database before
 * their PUBACKs, so that any node replays them when the node that took them is gone. Times (spooled_at,
 * claimed_until) are the database's clock, one clock for every node, so a lease means the same everywhere.
 *
 * Each method is one statement in autocommit: a claim is not a transaction held open while the batch travels to
 * InfluxDB, it is a lease in the row (claimed_by, claimed_until) that expires if its node dies.
 */
export class SharedSpoolRepository {
  constructor(private readonly store: Store) {}

  /** Appends one batch; resolves once it is committed. */
  async append(nodeId: string, payload: string, lines: number): Promise<void> {
    await this.store.db
      .insertInto('ingest_spool')
      .values({ node_id: nodeId, spooled_at: this.now(), lines, payload, claimed_by: null, claimed_until: null })
      .execute();
  }

  /**
   * Claims the oldest row nobody holds (never claimed, released, or its claim expired) for `leaseMs`. On PostgreSQL
   * rows other nodes are claiming right now are skipped rather than waited for (FOR UPDATE SKIP LOCKED); SQLite runs
   * one node whose statements are serial already, and has no such clause.
   */
  async claimOldest(nodeId: string, leaseMs: number): Promise<ClaimedSpoolBatch | null> {
    const now = this.now();
    const skipLocked = this.store.dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
    const { rows } = await sql<{ id: number; node_id: string; payload: string }>`
      UPDATE ingest_spool SET claimed_by = ${nodeId}, claimed_until = ${now} + ${leaseMs}
      WHERE id = (
        SELECT id FROM ingest_spool WHERE claimed_until IS NULL OR claimed_until < ${now}
        ORDER BY id LIMIT 1${skipLocked}
      )
      RETURNING id, node_id, payload`.execute(this.store.db);
    const row = rows[0];
    return row === undefined ? null : { id: Number(row.id), nodeId: row.node_id, lines: row.payload.split('\n') };
  }

  /** Extends this node's claim on a row it still holds; false when it no longer does (taken over, or deleted). */
  async renew(id: number, nodeId: string, leaseMs: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('ingest_spool')
      .set({ claimed_until: sql<number>`${this.now()} + ${leaseMs}` })
      .where('id', '=', id)
      .where('claimed_by', '=', nodeId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Deletes a replayed row, only while this node still holds it: a claim that expired and was taken over means the
   * other node writes the batch again (harmless, InfluxDB overwrites a point of the same series and time), and the
   * row is its to delete. False when the row was not deleted here.
   */
  async delete(id: number, nodeId: string): Promise<boolean> {
    const result = await this.store.db.deleteFrom('ingest_spool').where('id', '=', id).where('claimed_by', '=', nodeId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Gives up every claim of this node, so that others take its rows at once (a graceful stop, a restart). */
  async releaseAll(nodeId: string): Promise<number> {
    const result = await this.store.db.updateTable('ingest_spool').set({ claimed_by: null, claimed_until: null }).where('claimed_by', '=', nodeId).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async backlog(): Promise<SharedSpoolBacklog> {
    const now = this.now();
    const { rows } = await sql<{ rows: number | string; readings: number | string | null; claimed: number | string | null; oldest: number | string | null; now: number | string }>`
      SELECT COUNT(*) AS rows, SUM(lines) AS readings, SUM(CASE WHEN claimed_until >= ${now} THEN 1 ELSE 0 END) AS claimed,
        MIN(spooled_at) AS oldest, ${now} AS now
      FROM ingest_spool`.execute(this.store.db);
    const row = rows[0];
    // COUNT and SUM are bigint/numeric on PostgreSQL (strings from the driver unless parsed): Number() for both dialects.
    return {
      rows: Number(row.rows),
      readings: Number(row.readings ?? 0),
      claimed: Number(row.claimed ?? 0),
      oldestAgeMs: row.oldest === null ? null : Math.max(0, Number(row.now) - Number(row.oldest)),
    };
  }

  /** The database's clock in milliseconds, evaluated by the server in the statement that uses it. */
  private now(): RawBuilder<number> {
    return this.store.dialect === 'postgres'
      ? sql<number>`(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint`
      : sql<number>`CAST(unixepoch('subsec') * 1000 AS INTEGER)`;
  }
}
