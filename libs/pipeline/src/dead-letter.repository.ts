import type { DeadLetter, DeadLetterTotals } from '@hub/api-types';
import type { AccessScope } from '@hub/access';
import { RejectReason } from '@hub/contract';
import type { DeadLettersTable, Executor, HubDatabase, Store } from '@hub/store';
import { type ExpressionBuilder, type Insertable, type Selectable, type SelectQueryBuilder, sql } from 'kysely';

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

/** A dead letter as it will be stored: payload already cut to the bound (what the writer buffers). */
export type PreparedDeadLetter = Readonly<Omit<Insertable<DeadLettersTable>, 'id'>> & { readonly reason: RejectReason };

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

/** A row as the store reads it: the table's own type, not a second copy of its columns. */
type DeadLetterRow = Selectable<DeadLettersTable>;

const EVICTED_COUNTER = 'dead_letters_evicted';
const REASON_COUNTER_PREFIX = 'dead_letters_total:';

/**
 * Rows per INSERT: 12 columns × 256 = 3,072 parameters, far below SQLite's 32,766 and PostgreSQL's 65,535. A batch
 * is cut into power-of-two chunks so that only 9 statement texts exist: both drivers keep one prepared statement per
 * text (the SQLite store caches 500), and a text per batch size would crowd out everyone else's.
 */
const MAX_ROWS_PER_INSERT = 256;

/** The dead letters, with the registry's row of their device as `r` when a town scope needs it. */
type WithRegistry = HubDatabase & { r: HubDatabase['registry_devices'] };
type Query<O> = SelectQueryBuilder<WithRegistry, 'dead_letters' | 'r', O>;

/**
 * The dead-letter store: every refused reading with its reason and raw payload, bounded to maxRows (oldest evicted
 * first, and counted) and by age (pruneReceivedBefore, the pruning job's). Letters arrive through the
 * DeadLetterWriter, which groups them into one transaction per batch.
 *
 * The stored row count is kept in memory (COUNT(*) per batch would cost a scan on PostgreSQL): it changes only in
 * insertPrepared and pruneReceivedBefore, which own their transactions and run one at a time, and only after COMMIT.
 * So these two take no Executor — they are never part of a caller's transaction. This assumes one hub process per
 * database; several (issue 21) would need the count in the database and an advisory lock around eviction.
 */
export class DeadLetterRepository {
  private rows: number | null = null;
  /** The tail of the writes that change the row count: each waits for the one before. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly maxRows: number,
    private readonly maxPayloadBytes: number,
  ) {}

  /** The letter as it will be stored: text as text, binary as base64, cut to the payload bound. */
  prepare(letter: NewDeadLetter): PreparedDeadLetter {
    const bytes = typeof letter.payload === 'string' ? Buffer.from(letter.payload, 'utf8') : Buffer.from(letter.payload);
    const truncated = bytes.length > this.maxPayloadBytes;
    // Text as text; a binary payload (a LoRaWAN frame, a vendor's bytes) as base64, so it can be decoded again once
    // its profile is fixed. The true size is kept beside it.
    const { payload, payloadEncoding } = storedPayload(bytes, truncated ? this.maxPayloadBytes : bytes.length);
    return {
      received_at: letter.receivedAt,
      reason: letter.reason,
      detail: withoutNul(letter.detail),
      topic: withoutNul(letter.topic),
      client_id: letter.clientId === undefined ? null : withoutNul(letter.clientId),
      device_id: letter.deviceId === undefined ? null : withoutNul(letter.deviceId),
      domain: letter.domain ?? null,
      batch_index: letter.batchIndex ?? null,
      payload,
      payload_bytes: bytes.length,
      payload_truncated: truncated ? 1 : 0,
      payload_encoding: payloadEncoding,
    };
  }

  /** Stores dead letters in one transaction of their own (see DeadLetterWriter for batching concurrent callers). */
  insertMany(letters: readonly NewDeadLetter[]): Promise<void> {
    return this.insertPrepared(letters.map((letter) => this.prepare(letter)));
  }

  /**
   * In one transaction: the rows (multi-row INSERTs), the per-reason totals, and eviction of the oldest rows beyond
   * maxRows (counted). Resolves after COMMIT.
   */
  insertPrepared(letters: readonly PreparedDeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    return this.exclusive(async () => {
      const before = await this.storedCount();
      const after = await this.store.tx(async (tx) => {
        for (let at = 0; at < letters.length; ) {
          const size = chunkSize(letters.length - at);
          await tx.exec.insertInto('dead_letters').values(letters.slice(at, at + size)).execute();
          at += size;
        }
        const perReason = new Map<string, number>();
        for (const letter of letters) perReason.set(letter.reason, (perReason.get(letter.reason) ?? 0) + 1);
        const bumps = [...perReason].map(([reason, count]) => ({ name: REASON_COUNTER_PREFIX + reason, value: count }));
        let rows = before + letters.length;
        if (rows > this.maxRows) {
          const oldest = tx.exec.selectFrom('dead_letters').select('id').orderBy('id').limit(rows - this.maxRows);
          const removed = Number((await tx.exec.deleteFrom('dead_letters').where('id', 'in', oldest).executeTakeFirst()).numDeletedRows);
          rows -= removed;
          bumps.push({ name: EVICTED_COUNTER, value: removed });
        }
        await tx.exec
          .insertInto('counters')
          .values(bumps)
          .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', eb.ref('excluded.value')) })))
          .execute();
        return rows;
      });
      this.rows = after;
    });
  }

  /**
   * Deletes up to `limit` of the oldest dead letters that arrived before `cutoff` (epoch ms), in one transaction, and
   * answers how many went; the pruning job calls it until it answers less than `limit`. By arrival, on its index.
   */
  pruneReceivedBefore(cutoff: number, limit: number): Promise<number> {
    return this.exclusive(async () => {
      const before = await this.storedCount();
      const db = this.store.db;
      const oldest = db.selectFrom('dead_letters').select('id').where('received_at', '<', cutoff).orderBy('received_at').limit(limit);
      const removed = Number((await db.deleteFrom('dead_letters').where('id', 'in', oldest).executeTakeFirst()).numDeletedRows);
      this.rows = before - removed;
      return removed;
    });
  }

  async list(filter: DeadLetterFilter, exec: Executor = this.store.db): Promise<{ items: DeadLetter[]; matching: number }> {
    const counted = await filtered(exec, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: await this.page(filter, exec), matching: Number(counted.n) };
  }

  /** A page of list() without counting what matches: an export pages through them all and counting each time is O(n²). */
  async page(filter: DeadLetterFilter, exec: Executor = this.store.db): Promise<DeadLetter[]> {
    let query = filtered(exec, filter).selectAll('dead_letters');
    if (filter.beforeId !== undefined) query = query.where('dead_letters.id', '<', filter.beforeId);
    const rows = await query.orderBy('dead_letters.id', 'desc').limit(filter.limit).execute();
    return rows.map(toDeadLetter);
  }

  /** Dead letters currently stored, per reason. */
  async storedByReason(exec: Executor = this.store.db): Promise<Partial<Record<RejectReason, number>>> {
    const rows = await exec
      .selectFrom('dead_letters')
      .select((eb) => ['reason', eb.fn.countAll<number>().as('n')])
      .groupBy('reason')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.reason, Number(row.n)]));
  }

  /** Dead letters ever recorded per reason (kept across restarts and eviction), and how many were evicted. */
  async totals(exec: Executor = this.store.db): Promise<DeadLetterTotals> {
    const rows = await exec.selectFrom('counters').select(['name', 'value']).execute();
    const byReason: Partial<Record<RejectReason, number>> = {};
    let evicted = 0;
    for (const row of rows) {
      if (row.name === EVICTED_COUNTER) evicted = row.value;
      else if (row.name.startsWith(REASON_COUNTER_PREFIX)) byReason[row.name.slice(REASON_COUNTER_PREFIX.length) as RejectReason] = row.value;
    }
    return { byReason, evicted, stored: await this.storedCount() };
  }

  /** Read once from the table (the bound holds across restarts), then kept by the writes. */
  private async storedCount(): Promise<number> {
    if (this.rows === null) {
      const { n } = await this.store.db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      this.rows ??= Number(n);
    }
    return this.rows;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const done = this.writes.then(work, work);
    this.writes = done.catch(() => undefined);
    return done;
  }
}

/** The largest power of two not above `left`, capped: see MAX_ROWS_PER_INSERT. */
function chunkSize(left: number): number {
  let size = MAX_ROWS_PER_INSERT;
  while (size > left) size /= 2;
  return size;
}

/**
 * The filter's conditions. A dead letter carries a device id, not a town: a town-scoped list joins the registry's
 * table for the device's area (the rows the registry's memory mirrors), inside SQL, so that counting and paging stay
 * exact.
 */
function filtered(exec: Executor, filter: DeadLetterFilter): Query<object> {
  const towns = filter.within?.towns ?? [];
  const all = exec.selectFrom('dead_letters');
  // The join only when a town decides (registry_devices.device_id is its key: one row or none per letter).
  let query = (towns.length > 0 ? all.leftJoin('registry_devices as r', 'r.device_id', 'dead_letters.device_id') : all) as Query<object>;
  if (filter.reason !== undefined) query = query.where('dead_letters.reason', '=', filter.reason);
  if (filter.deviceId !== undefined) query = query.where('dead_letters.device_id', '=', filter.deviceId);
  if (filter.from !== undefined) query = query.where('dead_letters.received_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('dead_letters.received_at', '<', filter.to);
  if (towns.length > 0) query = query.where((eb) => inTowns(eb, towns));
  const domains = filter.within?.domains ?? [];
  if (domains.length > 0) query = query.where('dead_letters.domain', 'in', domains);
  return query;
}

/**
 * The device's area path (`Town` or `Town/Village`, areaSqlOf) is a scope entry or under it, as areaCovers says.
 * substr with the prefix's length in characters (code points, as both databases count), not LIKE: a name may hold % or _.
 */
function inTowns(eb: ExpressionBuilder<WithRegistry, 'dead_letters' | 'r'>, towns: readonly string[]) {
  const area = sql<string | null>`(CASE WHEN ${sql.ref('r.village')} IS NULL THEN ${sql.ref('r.town')} ELSE ${sql.ref('r.town')} || '/' || ${sql.ref('r.village')} END)`;
  return eb.or(
    towns.flatMap((town) => {
      const under = `${town}/`;
      return [eb(area, '=', town), eb(sql<string>`substr(${area}, 1, ${sql.lit([...under].length)})`, '=', under)];
    }),
  );
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
    reason: row.reason as RejectReason,
    detail: row.detail,
    topic: row.topic,
    clientId: row.client_id,
    deviceId: row.device_id,
    domain: row.domain,
    batchIndex: row.batch_index,
    payload: row.payload,
    payloadBytes: row.payload_bytes,
    payloadTruncated: row.payload_truncated === 1,
    payloadEncoding: row.payload_encoding as 'utf8' | 'base64',
  };
}

/**
 * A client's text (a client id, a topic, a detail quoting a field) with any NUL as U+FFFD: MQTT forbids U+0000 in its
 * strings [MQTT-1.5.3-2] but a client may send one, and PostgreSQL's text refuses it — a letter that can never be
 * stored would hold up every dead letter behind it.
 */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The payload as UTF-8 text when it is valid UTF-8 without NUL (cut at a character boundary), else its first `keep`
 * bytes as base64. PostgreSQL's text cannot hold NUL ("invalid byte sequence for encoding UTF8: 0x00"): such a
 * payload is binary on both dialects, so that they store the same.
 */
function storedPayload(bytes: Buffer, keep: number): { payload: string; payloadEncoding: 'utf8' | 'base64' } {
  try {
    if (bytes.includes(0)) throw new Error('NUL');
    UTF8.decode(bytes);
    return { payload: (keep < bytes.length ? utf8Prefix(bytes, keep) : bytes).toString('utf8'), payloadEncoding: 'utf8' };
  } catch {
    return { payload: bytes.subarray(0, keep).toString('base64'), payloadEncoding: 'base64' };
  }
}
