import { RejectReason } from '../../contract/src';

/**
 * The ingest accounting, in readings. It must always balance:
 *   received = accepted + rejected + waitingForRoom
 *   accepted = written + refusedByInflux + buffered
 * `waitingForRoom`: valid, not yet acknowledged, held back while the writer's buffer is full.
 * `buffered`: accepted (acknowledged), held in memory or being sent. A malformed message counts as one reading.
 */
export class IngestStats {
  received = 0;
  accepted = 0;
  readonly rejectedByReason = new Map<RejectReason, number>();
  written = 0;
  /** Accepted readings that InfluxDB later refused (400); they are in the dead-letter store as INFLUX_REFUSED. */
  refusedByInflux = 0;
  buffered = 0;
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
      writeErrors: this.writeErrors,
      writeBatches: this.writeBatches,
      waitingForRoom: this.waitingForRoom,
      balanced: this.received === this.accepted + rejected + this.waitingForRoom && this.accepted === this.written + this.refusedByInflux + this.buffered,
    };
  }
}

export interface IngestStatsSnapshot {
  readonly received: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Partial<Record<RejectReason, number>>;
  readonly written: number;
  readonly refusedByInflux: number;
  readonly buffered: number;
  readonly writeErrors: number;
  readonly writeBatches: number;
  readonly waitingForRoom: number;
  readonly balanced: boolean;
}
