import type { IngestStatsSnapshot } from '@hub/api-types';
import { RejectReason } from '@hub/contract';

/**
 * The ingest accounting, in readings, since the service started. It must always balance:
 *   received = accepted + rejected + duplicates + waitingForRoom
 *   accepted + recovered + sharedReplayed = written + refusedByInflux + spooled + sharedSpooled + buffered
 * `waitingForRoom`: valid, not yet taken by the writer because its memory buffer is full (not acknowledged).
 * `buffered`: taken by the writer, in memory, not yet durable (not acknowledged yet).
 * `spooled`: durable in the outage spool, waiting to be replayed (acknowledged).
 * `recovered`: readings found in the spool at start, left by an earlier run.
 * `sharedSpooled`: readings this node made durable in the shared spool (PostgreSQL): they leave this node's books
 * there, as if written, since any node may replay them. `sharedReplayed`: readings this node took from the shared
 * spool and wrote (or dead-lettered), whichever node spooled them: they enter its books there, like `recovered`.
 * Each node balances on its own; the shared spool's backlog is read from the database (health, metrics).
 * A malformed message counts as one reading.
 */
export class IngestStats {
  received = 0;
  accepted = 0;
  readonly rejectedByReason = new Map<RejectReason, number>();
  written = 0;
  /** Accepted readings that InfluxDB later refused (400); they are in the dead-letter store as INFLUX_REFUSED. */
  refusedByInflux = 0;
  buffered = 0;
  spooled = 0;
  recovered = 0;
  sharedSpooled = 0;
  sharedReplayed = 0;
  /** Readings dropped as resends: same device, same seq (and ts) seen within the dedupe window. */
  duplicates = 0;
  replayedBatches = 0;
  /** Failed write requests (each retried); not readings. */
  writeErrors = 0;
  writeBatches = 0;
  /** Acknowledgements currently held back because the writer's buffer is full. */
  waitingForRoom = 0;

  get rejected(): number {
    let total = 0;
    for (const count of this.rejectedByReason.values()) total += count;
    return total;
  }

  reject(reason: RejectReason, count = 1): void {
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + count);
  }

  snapshot(): IngestStatsSnapshot {
    const rejected = this.rejected;
    return {
      received: this.received,
      accepted: this.accepted,
      rejected,
      rejectedByReason: Object.fromEntries(this.rejectedByReason),
      written: this.written,
      refusedByInflux: this.refusedByInflux,
      buffered: this.buffered,
      spooled: this.spooled,
      recovered: this.recovered,
      sharedSpooled: this.sharedSpooled,
      sharedReplayed: this.sharedReplayed,
      duplicates: this.duplicates,
      replayedBatches: this.replayedBatches,
      writeErrors: this.writeErrors,
      writeBatches: this.writeBatches,
      waitingForRoom: this.waitingForRoom,
      balanced:
        this.received === this.accepted + rejected + this.duplicates + this.waitingForRoom &&
        this.accepted + this.recovered + this.sharedReplayed === this.written + this.refusedByInflux + this.spooled + this.sharedSpooled + this.buffered,
    };
  }
}

/** GET /api/ingest/stats: the shape of @hub/api-types. */
export type { IngestStatsSnapshot };
