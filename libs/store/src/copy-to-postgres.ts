import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { TABLES, type TableName } from './schema';
import type { SqliteDatabase } from './sqlite-database';
import type { Store } from './store';

export interface TableCopy {
  readonly table: TableName;
  readonly rows: number;
  /** SHA-256 of the table's rows in primary-key order, the same on both sides when the copy is faithful. */
  readonly checksum: string;
  /** The next id the target's identity hands out (tables with an AUTOINCREMENT id only). */
  readonly nextId?: number;
}

export interface CopyReport {
  readonly tables: readonly TableCopy[];
  readonly rows: number;
  readonly ms: number;
}

/** Refused before anything was written: the target holds hub rows already. */
export class TargetNotEmptyError extends Error {
  constructor(readonly counts: ReadonlyMap<TableName, number>) {
    super(
      `the PostgreSQL database already holds hub data (${[...counts].map(([table, rows]) => `${table}: ${rows}`).join(', ')}); ` +
        'copy into an empty database (CREATE DATABASE …), or drop these rows yourself if they are a failed earlier copy',
    );
  }
}

/** The copy finished but did not read back as it was written (nothing is left half-done: the copy was rolled back). */
export class CopyMismatchError extends Error {}

// PostgreSQL allows 65,535 parameters in one statement; a batch of rows stays well under it.
const MAX_PARAMETERS = 30_000;
const MAX_BATCH_ROWS = 1_000;

/**
 * Copies every hub table from an SQLite database (at the current schema version) into an empty, migrated PostgreSQL
 * store, in one transaction: ids as they are, so cursors (dead letters, alert history, audit) stay valid; each
 * identity moved past the highest id SQLite ever gave (its sqlite_sequence, not just the rows left: AUTOINCREMENT
 * never reuses an evicted id, and neither may the copy); then every table read back from PostgreSQL and held to the
 * source's row count and checksum before the commit. A mismatch rolls the whole copy back.
 */
export async function copySqliteToPostgres(
  source: SqliteDatabase,
  target: Store,
  onTable: (copy: TableCopy) => void = () => undefined,
): Promise<CopyReport> {
  if (target.dialect !== 'postgres') throw new Error('the copy goes into a PostgreSQL store');
  const started = Date.now();
  const db = target.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const counts = new Map<TableName, number>();
  for (const table of TABLES) {
    const { n } = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    if (Number(n) > 0) counts.set(table, Number(n));
  }
  if (counts.size > 0) throw new TargetNotEmptyError(counts);

  const sequences = new Map(
    source
      .prepare<[], { name: string; seq: number }>("SELECT name, seq FROM sqlite_sequence")
      .all()
      .map((row) => [row.name, row.seq]),
  );
  const copies: TableCopy[] = [];
  await db.transaction().execute(async (tx) => {
    for (const table of TABLES) {
      const shape = tableShape(source, table);
      const order = shape.primaryKey;
      const sourceHash = createHash('sha256');
      let rows = 0;
      let batch: Record<string, unknown>[] = [];
      const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / shape.columns.length)));
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await tx.insertInto(table).values(batch).execute();
        batch = [];
      };
      const select = `SELECT ${shape.columns.map(quote).join(', ')} FROM ${quote(table)} ORDER BY ${order.map(quote).join(', ')}`;
      for (const row of source.prepare(select).iterate() as IterableIterator<Record<string, unknown>>) {
        sourceHash.update(canonical(shape.columns, row));
        rows += 1;
        batch.push(row);
        if (batch.length >= batchRows) await flush();
      }
      await flush();

      let nextId: number | undefined;
      if (shape.identity !== null) {
        const { max } = await tx.selectFrom(table).select(sql<number | null>`max(${sql.ref(shape.identity)})`.as('max')).executeTakeFirstOrThrow();
        const highest = Math.max(Number(max ?? 0), sequences.get(table) ?? 0);
        // setval(…, n, true): the next value is n + 1; with nothing ever handed out, start at 1.
        await sql`SELECT setval(pg_get_serial_sequence(${table}, ${shape.identity}), ${Math.max(highest, 1)}, ${highest > 0})`.execute(tx);
        nextId = highest + 1;
      }

      const targetHash = createHash('sha256');
      let readBack = 0;
      // Keyset pages in the same primary-key order: the read-back never holds a whole table in memory.
      for await (const row of readInOrder(tx, table, shape.columns, order)) {
        targetHash.update(canonical(shape.columns, row));
        readBack += 1;
      }
      const checksum = sourceHash.digest('hex');
      const targetChecksum = targetHash.digest('hex');
      if (readBack !== rows || targetChecksum !== checksum) {
        throw new CopyMismatchError(`${table}: SQLite has ${rows} rows (sha256 ${checksum}), PostgreSQL read back ${readBack} (sha256 ${targetChecksum}); nothing was copied`);
      }
      const copy: TableCopy = nextId === undefined ? { table, rows, checksum } : { table, rows, checksum, nextId };
      copies.push(copy);
      onTable(copy);
    }
  });
  return { tables: copies, rows: copies.reduce((sum, copy) => sum + copy.rows, 0), ms: Date.now() - started };
}

interface TableShape {
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
  /** The AUTOINCREMENT id, an identity on PostgreSQL. */
  readonly identity: string | null;
}

function tableShape(source: SqliteDatabase, table: TableName): TableShape {
  const info = source.prepare<[string], { name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(table);
  if (info.length === 0) throw new Error(`the SQLite database has no table ${table}: is it a hub database at the current schema version?`);
  const primaryKey = info.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
  // Keyset paging and the checksum's order need one: every hub table has a primary key of one to three columns.
  if (primaryKey.length === 0 || primaryKey.length > 3) throw new Error(`table ${table} has ${primaryKey.length} primary-key columns: the copy needs one to three`);
  const { sql: ddl } = source.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!;
  const identity = primaryKey.length === 1 && /\bAUTOINCREMENT\b/i.test(ddl) ? primaryKey[0] : null;
  return { columns: info.map((column) => column.name), primaryKey, identity };
}

async function* readInOrder(
  tx: Kysely<Record<string, Record<string, unknown>>>,
  table: string,
  columns: readonly string[],
  order: readonly string[],
): AsyncGenerator<Record<string, unknown>> {
  const PAGE = 5_000;
  let after: Record<string, unknown> | null = null;
  for (;;) {
    let query = tx.selectFrom(table).select(columns as string[]);
    if (after !== null) {
      const last = after;
      const values = order.map((column) => last[column]);
      query = query.where((eb) => {
        if (order.length === 1) return eb(order[0], '>', values[0]);
        const [a, b, c] = order;
        return order.length === 2
          ? eb(eb.refTuple(a, b), '>', eb.tuple(values[0], values[1]))
          : eb(eb.refTuple(a, b, c), '>', eb.tuple(values[0], values[1], values[2]));
      });
    }
    for (const column of order) query = query.orderBy(column);
    const page = await query.limit(PAGE).execute();
    for (const row of page) yield row;
    if (page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

/** One row as bytes that mean the same on both sides: values in column order, numbers and texts as JSON. */
function canonical(columns: readonly string[], row: Record<string, unknown>): string {
  return `${JSON.stringify(columns.map((column) => row[column] ?? null))}\n`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
