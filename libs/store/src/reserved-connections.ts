import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';

/** A statement refused because the server closed its reserved connection earlier (isDatabaseUnavailable: true). */
export class ReservedConnectionClosedError extends Error {
  readonly code = 'CONNECTION_CLOSED';

  constructor() {
    super('the database closed this transaction\'s connection (a restart, a failover, or idle_in_transaction_session_timeout after a pause): the transaction was rolled back');
  }
}

interface Reservation {
  /** postgres.js' connection id, learnt when the first statement on it is built. */
  id: number | null;
  closed: boolean;
}

type Reserved = postgres.ReservedSql<Record<string, postgres.PostgresType>>;
type Client = postgres.Sql<Record<string, postgres.PostgresType>>;

/**
 * Works around postgres.js 3.4 on reserved connections (Kysely reserves one per statement and per transaction): when
 * the server closes one while no statement runs on it — idle_in_transaction_session_timeout ending a frozen process's
 * transaction, a restart, a failover — nobody is told, and the next statement on it (or the ROLLBACK after a statement
 * that failed with the close) throws a TypeError from a setImmediate (an uncaught exception: the process dies) and its
 * promise never settles. Here each reservation learns its connection's id from postgres.js' `debug` hook while its
 * statement is built (inside the AsyncLocalStorage context the statement was started in), `onclose` marks the
 * reservations of a closed connection, and a statement on a closed one is refused at once without touching it. Its
 * release is skipped too: postgres.js has moved the connection to its closed queue and reconnects it from there.
 */
export class ReservedConnections {
  private readonly context = new AsyncLocalStorage<Reservation>();
  private readonly live = new Map<number, Set<Reservation>>();

  /** Options for postgres(): pass them with the client's own. */
  readonly hooks = {
    debug: (connection: number): void => {
      const reservation = this.context.getStore();
      if (reservation === undefined || reservation.id === connection) return;
      reservation.id = connection;
      let set = this.live.get(connection);
      if (set === undefined) this.live.set(connection, (set = new Set()));
      set.add(reservation);
    },
    onclose: (connection: number): void => {
      for (const reservation of this.live.get(connection) ?? []) reservation.closed = true;
      this.live.delete(connection);
    },
  };

  /** The client as Kysely's dialect sees it: the same, but for reserve(). */
  guard(client: Client): Client {
    const reserve = async (): Promise<Reserved> => this.wrap(await client.reserve());
    return new Proxy(client, { get: (target, property, receiver) => (property === 'reserve' ? reserve : Reflect.get(target, property, receiver)) });
  }

  private wrap(reserved: Reserved): Reserved {
    const reservation: Reservation = { id: null, closed: false };
    const unsafe = (text: string, parameters?: postgres.ParameterOrJSON<never>[]) => {
      if (reservation.closed) return Promise.reject(new ReservedConnectionClosedError());
      const query = reserved.unsafe(text, parameters);
      // Started here so that postgres.js builds it (and calls `debug`) inside this reservation's context.
      this.context.run(reservation, () => void query.execute());
      return query;
    };
    const release = (): void => {
      if (reservation.id !== null) this.live.get(reservation.id)?.delete(reservation);
      if (!reservation.closed) reserved.release();
    };
    return new Proxy(reserved, {
      get: (target, property, receiver) => (property === 'unsafe' ? unsafe : property === 'release' ? release : Reflect.get(target, property, receiver)),
    });
  }
}
