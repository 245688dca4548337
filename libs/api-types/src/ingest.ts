import type { RejectReason } from '@hub/contract';

/** GET /api/ingest/stats: the pipeline's counters since start, and whether they add up. */
export interface IngestStatsSnapshot {
  readonly received: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Partial<Record<RejectReason, number>>;
  readonly written: number;
  readonly refusedByInflux: number;
  readonly buffered: number;
  readonly spooled: number;
  readonly recovered: number;
  /** Readings this node made durable in the shared spool (PostgreSQL), for any node to replay. */
  readonly sharedSpooled: number;
  /** Readings this node replayed from the shared spool, whichever node spooled them. */
  readonly sharedReplayed: number;
  readonly duplicates: number;
  readonly replayedBatches: number;
  readonly writeErrors: number;
  readonly writeBatches: number;
  readonly waitingForRoom: number;
  readonly balanced: boolean;
}

/** A refused reading kept with its reason and raw payload. */
export interface DeadLetter {
  readonly id: number;
  readonly receivedAt: number;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly topic: string;
  readonly clientId: string | null;
  readonly deviceId: string | null;
  readonly domain: string | null;
  readonly batchIndex: number | null;
  readonly payload: string;
  readonly payloadBytes: number;
  readonly payloadTruncated: boolean;
  /** utf8: `payload` is the text as sent; base64: the payload was binary (not UTF-8) and `payload` holds its bytes. */
  readonly payloadEncoding: 'utf8' | 'base64';
}

/** County-wide counts of what the dead-letter store holds and has let go. */
export interface DeadLetterTotals {
  readonly byReason: Partial<Record<RejectReason, number>>;
  readonly evicted: number;
  readonly stored: number;
}

/** GET /api/dead-letters. */
export interface DeadLetterPage {
  readonly items: DeadLetter[];
  readonly matching: number;
  /** Pass as `before` for the next page. */
  readonly nextBefore: number | null;
  readonly totals: DeadLetterTotals;
  readonly reasons: Readonly<Record<RejectReason, string>>;
}

/** One refused entry of a POST /api/ingest/{domain}/{deviceId}, as it was dead-lettered. */
export interface IngestRefusal {
  /** Position in a JSON array body; null for a single reading or a refusal of the whole body. */
  readonly index: number | null;
  readonly reason: RejectReason;
  readonly message: string;
}

/** The answer to POST /api/ingest/{domain}/{deviceId}: what became of each entry, once it is durable. */
export interface IngestAnswer {
  /** Readings now in InfluxDB or the fsync'd outage spool. */
  readonly accepted: number;
  /** Readings already received (same device, seq and ts): stored once, not again. */
  readonly duplicates: number;
  readonly refused: readonly IngestRefusal[];
}
