import type { DeadLetter, DeadLetterTotals } from '@hub/api-types';
import { type AccessScope, DeviceAreaLookup, scopeSql } from '@hub/access';
import { RejectReason } from '@hub/contract';
import { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

export interface NewDeadLetter {
  readonly receivedAt: number;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly topic: string;
  readonly clientId?: string;
  readonly deviceId?: string;
  readonly domain?: string;
  readonly batchIndex?: number;
  /** Raw payload (or the refused batch entry); cut to the configured bound before storing. */
  readonly payload: string | Uint8Array;
}

/** A refused reading as stored and as GET /api/dead-letters shows it: the shape of @hub/api-types. */
export type { DeadLetter };

export interface DeadLetterFilter {
  readonly reason?: RejectReason;
  readonly deviceId?: string;
  readonly from?: number;
  readonly to?: number;
  /** Return only rows with a smaller id (cursor for the next page). */
  readonly beforeId?: number;
  /** Only dead letters inside this scope: by their domain, and by their device's town (from the registry). */
  readonly within?: AccessScope;
  readonly limit: number;
}

interface DeadLetterRow {
  id: number;
  received_at: number;
  reason: RejectReason;
  detail: string;
  topic: string;
  client_id: string | null;
  device_id: string | null;
  domain: string | null;
  batch_index: number | null;
  payload: string;
  payload_bytes: number;
  payload_truncated: number;
  payload_encoding: 'utf8' | 'base64';
}

const EVICTED_COUNTER = 'dead_letters_evicted';
const REASON_COUNTER_PREFIX = 'dead_letters_total:';

/**
 * The embedded dead-letter store: every refused reading with its reason and raw payload, bounded to maxRows
 * (oldest evicted first, and counted) and by age (pruneReceivedBefore, the pruning job's). Each insert is its own committed transaction, so a dead letter that was
 * recorded survives a crash of the service.
 */
export class DeadLetterRepository {
  private readonly insertStatement: Statement;
  private readonly bumpCounter: Statement;
  private rows: number;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly maxRows: number,
    private readonly maxPayloadBytes: number,
    areaOf: DeviceAreaLookup,
  ) {
    // Dead letters carry a device id, not a town: a town-scoped list asks the registry per row for the device's area
    // (town or town/village), inside SQL, so that counting and paging stay exact.
    db.function('hub_area_of', { deterministic: false }, (deviceId: unknown) => (typeof deviceId === 'string' ? areaOf(deviceId) : null));
    this.insertStatement = db.prepare(
      `INSERT INTO dead_letters (received_at, reason, detail, topic, client_id, device_id, domain, batch_index, payload, payload_bytes, payload_truncated, payload_encoding)
       VALUES (@receivedAt, @reason, @detail, @topic, @clientId, @deviceId, @domain, @batchIndex, @payload, @payloadBytes, @payloadTruncated, @payloadEncoding)`,
    );
    this.bumpCounter = db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
    this.rows = (db.prepare('SELECT COUNT(*) AS n FROM dead_letters').get() as { n: number }).n;
  }

  /** Stores dead letters in one transaction; evicts the oldest rows when the bound is exceeded. */
  readonly insertMany = (letters: readonly NewDeadLetter[]): void => {
    if (letters.length === 0) return;
    this.db.transaction(() => {
      for (const letter of letters) {
        const bytes = typeof letter.payload === 'string' ? Buffer.from(letter.payload, 'utf8') : Buffer.from(letter.payload);
        const truncated = bytes.length > this.maxPayloadBytes;
        this.insertStatement.run({
          receivedAt: letter.receivedAt,
          reason: letter.reason,
          detail: letter.detail,
          topic: letter.topic,
          clientId: letter.clientId ?? null,
          deviceId: letter.deviceId ?? null,
          domain: letter.domain ?? null,
          batchIndex: letter.batchIndex ?? null,
          // Text as text; a binary payload (a LoRaWAN frame, a vendor's bytes) as base64, so it can be decoded again
          // once its profile is fixed. The true size is kept beside it.
          ...storedPayload(bytes, truncated ? this.maxPayloadBytes : bytes.length),
          payloadBytes: bytes.length,
          payloadTruncated: truncated ? 1 : 0,
        });
        this.bumpCounter.run(REASON_COUNTER_PREFIX + letter.reason, 1);
      }
      this.rows += letters.length;
      if (this.rows > this.maxRows) this.evictOldest(this.rows - this.maxRows);
    })();
  };

  private evictOldest(count: number): void {
    const removed = this.db
      .prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT ?)')
      .run(count).changes;
    this.rows -= removed;
    this.bumpCounter.run(EVICTED_COUNTER, removed);
  }

  /**
   * Deletes up to `limit` of the oldest dead letters that arrived before `cutoff` (epoch ms), in one transaction, and
   * answers how many went; the pruning job calls it until it answers less than `limit`. By arrival, on its index.
   */
  pruneReceivedBefore(cutoff: number, limit: number): number {
    const removed = this.db
      .prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE received_at < ? ORDER BY received_at LIMIT ?)')
      .run(cutoff, limit).changes;
    this.rows -= removed;
    return removed;
  }

  list(filter: DeadLetterFilter): { items: DeadLetter[]; matching: number } {
    const { where, params } = this.conditions(filter);
    const matching = (this.db.prepare(`SELECT COUNT(*) AS n FROM dead_letters ${where}`).get(params) as { n: number }).n;
    return { items: this.pageWhere(where, params, filter), matching };
  }

  /** A page of list() without counting what matches: an export pages through them all and counting each time is O(n²). */
  page(filter: DeadLetterFilter): DeadLetter[] {
    const { where, params } = this.conditions(filter);
    return this.pageWhere(where, params, filter);
  }

  private pageWhere(where: string, conditionParams: Record<string, string | number>, filter: DeadLetterFilter): DeadLetter[] {
    const params = { ...conditionParams };
    const pageWhere = filter.beforeId === undefined ? where : `${where ? `${where} AND` : 'WHERE'} id < @beforeId`;
    if (filter.beforeId !== undefined) params.beforeId = filter.beforeId;
    const rows = this.db
      .prepare(`SELECT * FROM dead_letters ${pageWhere} ORDER BY id DESC LIMIT @limit`)
      .all({ ...params, limit: filter.limit }) as DeadLetterRow[];
    return rows.map(toDeadLetter);
  }

  private conditions(filter: DeadLetterFilter): { where: string; params: Record<string, string | number> } {
    const clauses: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.reason !== undefined) {
      clauses.push('reason = @reason');
      params.reason = filter.reason;
    }
    if (filter.deviceId !== undefined) {
      clauses.push('device_id = @deviceId');
      params.deviceId = filter.deviceId;
    }
    if (filter.from !== undefined) {
      clauses.push('received_at >= @from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      clauses.push('received_at < @to');
      params.to = filter.to;
    }
    if (filter.within !== undefined) {
      const scope = scopeSql(filter.within, 'hub_area_of(device_id)', 'domain');
      clauses.push(...scope.clauses);
      Object.assign(params, scope.params);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return { where, params };
  }

  /** Dead letters currently stored, per reason. */
  storedByReason(): Partial<Record<RejectReason, number>> {
    const rows = this.db.prepare('SELECT reason, COUNT(*) AS n FROM dead_letters GROUP BY reason').all() as { reason: RejectReason; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.reason, row.n]));
  }

  /** Dead letters ever recorded per reason (kept across restarts and eviction), and how many were evicted. */
  totals(): DeadLetterTotals {
    const rows = this.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[];
    const byReason: Partial<Record<RejectReason, number>> = {};
    let evicted = 0;
    for (const row of rows) {
      if (row.name === EVICTED_COUNTER) evicted = row.value;
      else if (row.name.startsWith(REASON_COUNTER_PREFIX)) byReason[row.name.slice(REASON_COUNTER_PREFIX.length) as RejectReason] = row.value;
    }
    return { byReason, evicted, stored: this.rows };
  }
}

/**
 * The first `max` bytes, stepping back over up to 3 UTF-8 continuation bytes so a character is not cut in half:
 * half a character decodes to U+FFFD (3 bytes) and the stored text would exceed the bound.
 */
function utf8Prefix(bytes: Buffer, max: number): Buffer {
  let end = max;
  for (let back = 0; back < 3 && end > 0 && (bytes[end] & 0xc0) === 0x80; back++) end--;
  return bytes.subarray(0, end);
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    receivedAt: row.received_at,
    reason: row.reason,
    detail: row.detail,
    topic: row.topic,
    clientId: row.client_id,
    deviceId: row.device_id,
    domain: row.domain,
    batchIndex: row.batch_index,
    payload: row.payload,
    payloadBytes: row.payload_bytes,
    payloadTruncated: row.payload_truncated === 1,
    payloadEncoding: row.payload_encoding,
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as UTF-8 text when it is valid UTF-8 (cut at a character boundary), else its first `keep` bytes as base64. */
function storedPayload(bytes: Buffer, keep: number): { payload: string; payloadEncoding: 'utf8' | 'base64' } {
  try {
    UTF8.decode(bytes);
    return { payload: (keep < bytes.length ? utf8Prefix(bytes, keep) : bytes).toString('utf8'), payloadEncoding: 'utf8' };
  } catch {
    return { payload: bytes.subarray(0, keep).toString('base64'), payloadEncoding: 'base64' };
  }
}
