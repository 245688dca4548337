import { sql } from 'kysely';
import { postgresTestStore, type TestStore } from './testing';
import { isDatabaseUnavailable } from './database-errors';

/**
 * postgres.js 3.4 never settles a statement on a reserved connection the server closed while it was idle (and throws
 * an uncaught TypeError): the store must refuse it at once instead, and go on with fresh connections.
 */
describe('a transaction whose connection the server closed (PostgreSQL)', () => {
  let test: TestStore;

  beforeEach(async () => {
    test = await postgresTestStore();
  });
  afterEach(async () => {
    await test.dispose();
  });

  it('fails at its next statement with a connection error, writes nothing, and the store keeps working', async () => {
    const { store } = test;
    let closed!: () => void;
    const wasClosed = new Promise<void>((resolve) => (closed = resolve));
    const outcome = store
      .tx(async (tx) => {
        await tx.exec.insertInto('counters').values({ name: 'inside', value: 1 }).execute();
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx.exec);
        await sql`SELECT pg_terminate_backend(${rows[0].pid})`.execute(store.db);
        await wasClosed;
        await tx.exec.insertInto('counters').values({ name: 'after the close', value: 1 }).execute();
      })
      .then(
        () => 'committed',
        (error: unknown) => error,
      );
    // Long enough for postgres.js to see the socket close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    closed();
    const error = await outcome;
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect((error as Error).message).toMatch(/^the database closed this transaction's connection/);
    await store.db.insertInto('counters').values({ name: 'next', value: 1 }).execute();
    const names = (await store.db.selectFrom('counters').select('name').execute()).map((row) => row.name);
    expect(names).toEqual(['next']);
  });
});
