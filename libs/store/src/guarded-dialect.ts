import { CompiledQuery } from 'kysely';
import type { DatabaseConnection, Dialect, Driver, Kysely, QueryResult, TransactionSettings } from 'kysely';
import { isDatabaseUnavailable } from './database-errors';
import { ReservedConnectionClosedError } from './reserved-connections';

/** Refused at once while the database is known to be down (code DATABASE_UNAVAILABLE: isDatabaseUnavailable). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

export interface GuardOptions {
  /** Longest wait for a connection of the pool before the statement is refused as unavailable. */
  readonly acquireTimeoutMs: number;
  /** While the database is down, how often one statement is let through to find out whether it is back. */
  readonly probeEveryMs: number;
  readonly now?: () => number;
}

/**
 * The PostgreSQL dialect with a circuit breaker in front of its pool. postgres.js waits longer and longer between
 * reconnection attempts while the server is down (up to 20 s), and every statement queued meanwhile waits with it:
 * requests of operators and the hub's own loops would pile up behind an outage for minutes. Here a statement that
 * finds the database down — its connection failed, or no connection came within `acquireTimeoutMs` — opens the
 * breaker; while it is open, statements are refused at once (503 for a request, a retry for background work), but for
 * one probe every `probeEveryMs`, whose success closes it again.
 */
export class GuardedDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly options: GuardOptions,
  ) {}

  createAdapter() {
    return this.inner.createAdapter();
  }

  createDriver(): Driver {
    return new GuardedDriver(this.inner.createDriver(), this.options);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Dialect's own signature
  createIntrospector(db: Kysely<any>) {
    return this.inner.createIntrospector(db);
  }

  createQueryCompiler() {
    return this.inner.createQueryCompiler();
  }
}

class GuardedDriver implements Driver {
  private downSince: number | null = null;
  private lastProbe = 0;
  private readonly innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly now: () => number;

  constructor(
    private readonly inner: Driver,
    private readonly options: GuardOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.downSince !== null) {
      if (this.now() - this.lastProbe < this.options.probeEveryMs) {
        throw new DatabaseUnavailableError(`the database has been unreachable for ${Math.round((this.now() - this.downSince) / 1000)} s`);
      }
      this.lastProbe = this.now();
    }
    const pending = this.inner.acquireConnection();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailableError(`no database connection within ${this.options.acquireTimeoutMs} ms`)), this.options.acquireTimeoutMs);
    });
    let connection: DatabaseConnection;
    try {
      connection = await Promise.race([pending, timedOut]);
    } catch (error) {
      // A connection that comes after all goes straight back to the pool.
      pending.then((late) => this.inner.releaseConnection(late)).catch(() => undefined);
      this.observe(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const guarded: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        try {
          const result = await connection.executeQuery<R>(query);
          this.downSince = null;
          return result;
        } catch (error) {
          this.observe(error);
          throw error;
        }
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    this.innerOf.set(guarded, connection);
    return guarded;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // Not the inner driver's: Kysely 0.28's PostgresDriver marks a connection whose ROLLBACK failed for discarding
    // through a method postgres.js connections do not have, and the TypeError it throws hides the real error.
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.innerOf.get(connection) ?? connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private observe(error: unknown): void {
    // One connection the server ended (an idle transaction timed out, a backend terminated) says nothing of the others.
    if (!isDatabaseUnavailable(error) || error instanceof ReservedConnectionClosedError) return;
    if (this.downSince === null) this.downSince = this.now();
    this.lastProbe = this.now();
  }
}
