import { Kysely, SqliteDialect, sql, type Transaction } from 'kysely';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { GuardedDialect } from './guarded-dialect';
import { migratePostgres } from './migrations/postgres-migrator';
import { ReservedConnections } from './reserved-connections';
import { describeDatabaseUrl, postgresOptionsOf } from './database-url';
import type { HubDatabase } from './schema';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';

export type StoreDialect = 'sqlite' | 'postgres';

/** Where a repository's statements run: the store's pool, or an open transaction (see Store.tx). */
export type Executor = Kysely<HubDatabase> | Transaction<HubDatabase>;

/** An open transaction, handed to the work of Store.tx. */
export interface Tx {
  /** Pass this to repository methods so that their statements are part of the transaction. */
  readonly exec: Transaction<HubDatabase>;
  /**
   * Runs `fn` once the transaction has committed (never if it rolls back): where in-memory copies of what was written
   * (registry, caches) are updated, so that memory never shows a change the database does not have.
   */
  afterCommit(fn: () => void): void;
  /**
   * Serialises this transaction with every other one that takes the same key, until it ends: what read-check-write
   * invariants need on PostgreSQL, where transactions run side by side. On SQLite transactions are already serial
   * (one connection), so it costs nothing there.
   */
  lock(key: string): Promise<void>;
}

export interface StoreHealth {
  readonly ok: boolean;
  readonly dialect: StoreDialect;
  /** PostgreSQL: the hosts of the URL, without credentials. */
  readonly location: string;
  readonly latencyMs?: number;
  readonly error?: string;
}

/**
 * The hub's shared state, on SQLite (one file in the data folder, the default) or PostgreSQL (HUB_DATABASE_URL),
 * behind one Kysely instance: repositories are written once, against `HubDatabase`, and run on either.
 */
export class Store {
  private constructor(
    readonly dialect: StoreDialect,
    readonly db: Kysely<HubDatabase>,
    /** SQLite only: the handle itself, for what is still written on better-sqlite3 directly and for backups. */
    readonly sqlite: SqliteDatabase | null,
    private readonly location: string,
    private readonly closeExtra: () => Promise<void>,
  ) {}

  /**
   * The embedded database. Given an open handle, the store shares it (one connection per process, so code on
   * better-sqlite3 and code on the store see the same data and the same transactions); given a file, it opens and
   * migrates it.
   */
  static sqlite(source: SqliteDatabase | string): Store {
    const handle = typeof source === 'string' ? openSqliteDatabase(source) : source;
    const db = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database: cachingStatements(handle) }) });
    const owned = typeof source === 'string';
    // Kysely's destroy() would close the handle: a shared one belongs to whoever opened it.
    return new Store('sqlite', db, handle, typeof source === 'string' ? source : (handle.name ?? ':memory:'), async () => {
      if (owned) handle.close();
    });
  }

  /** PostgreSQL at `url` (several hosts allowed: the primary is found and followed after a failover); migrated before it is returned. */
  static async postgres(url: string, options: { readonly applicationName?: string } = {}): Promise<Store> {
    const reserved = new ReservedConnections();
    const client = postgres(url, { ...postgresOptionsOf(url, options.applicationName ?? 'county-sensing-hub'), ...reserved.hooks });
    try {
      await refuseReadOnly(client);
      await migratePostgres(client);
    } catch (error) {
      await client.end({ timeout: 1 });
      throw error;
    }
    const db = new Kysely<HubDatabase>({ dialect: new GuardedDialect(new PostgresJSDialect({ postgres: reserved.guard(client) }), { acquireTimeoutMs: 5_000, probeEveryMs: 1_000 }) });
    // Kysely's destroy() ends the client only if Kysely itself ever ran a query: end it here in any case.
    return new Store('postgres', db, null, describeDatabaseUrl(url), () => client.end({ timeout: 5 }));
  }

  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Given the `outer`
   * transaction of a caller, `work` joins it instead (no savepoints: nothing in the hub goes on after a failed inner
   * step), so a service can call another service's transactional method from inside its own.
   */
  async tx<T>(work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
    if (outer !== undefined) return work(outer);
    const committed: (() => void)[] = [];
    const result = await this.db.transaction().execute((exec) =>
      work({
        exec,
        afterCommit: (fn) => void committed.push(fn),
        lock: (key) => this.lock(exec, key),
      }),
    );
    // The change is committed whatever happens here: a failing callback is reported, the others still run, and the
    // caller gets its result (a 500 for a committed change would invite a retry that does it twice).
    for (const fn of committed) {
      try {
        fn();
      } catch (error) {
        this.reportAfterCommit(error);
      }
    }
    return result;
  }

  /** Where an after-commit callback's failure is told (the hub sets its logger; tests may watch it). */
  reportAfterCommit: (error: unknown) => void = (error) => {
    process.stderr.write(`A committed change could not update what is kept in memory: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  };

  private async lock(exec: Transaction<HubDatabase>, key: string): Promise<void> {
    if (this.dialect === 'sqlite') return;
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(exec);
  }

  async health(): Promise<StoreHealth> {
    const started = Date.now();
    try {
      await sql`SELECT 1`.execute(this.db);
      return { ok: true, dialect: this.dialect, location: this.location, latencyMs: Date.now() - started };
    } catch (error) {
      return { ok: false, dialect: this.dialect, location: this.location, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.dialect === 'postgres') await this.db.destroy();
    await this.closeExtra();
  }
}

/**
 * A primary that answers read-only (a standby that `target_session_attrs=primary` should have skipped, or one set
 * `default_transaction_read_only`) would fail every write later with a less helpful message: refuse it at start.
 */
async function refuseReadOnly(client: postgres.Sql): Promise<void> {
  const [row] = await client<{ transaction_read_only: string }[]>`SHOW transaction_read_only`;
  if (row?.transaction_read_only === 'on') throw new Error('HUB_DATABASE_URL leads to a read-only PostgreSQL server (a standby?): the hub needs the primary');
}

/**
 * better-sqlite3 behind Kysely, with each statement prepared once: Kysely prepares every query it runs, and preparing
 * costs as much as running a small insert (a 10,000-row device import spent 0.45 s of its 1.8 s preparing).
 */
function cachingStatements(handle: SqliteDatabase): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const LIMIT = 500;
  return {
    close: () => undefined,
    prepare(text: string): SqliteStatement {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = handle.prepare(text) as unknown as SqliteStatement;
        // Queries built with a varying number of parameters (IN lists, multi-row inserts) make new texts: keep the
        // cache bounded by forgetting the oldest.
        if (statements.size >= LIMIT) statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
