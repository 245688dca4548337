import postgres from 'postgres';
import { sql } from 'kysely';
import { isDatabaseUnavailable } from './database-errors';
import { postgresTestStore, type TestStore } from './testing/test-stores';
import { freePortOutsideHarness } from './testing/closed-port';

/** The real errors of a real PostgreSQL and of postgres.js, not hand-made ones. */
describe('isDatabaseUnavailable', () => {
  let test: TestStore;
  beforeAll(async () => {
    test = await postgresTestStore();
  });
  afterAll(() => test.dispose());

  it('is true of a connection the server ended (an administrator, a restart, a failover)', async () => {
    const client = postgres(process.env.HUB_TEST_POSTGRES_URL + 'postgres', { max: 1, onnotice: () => undefined });
    try {
      const [{ pid }] = await client<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await sql`SELECT pg_terminate_backend(${pid})`.execute(test.store.db);
      const error = await client`SELECT 1`.then(() => null, (caught: unknown) => caught);
      // Which one depends on whether the client reads the server's goodbye (57P01) before the socket closes.
      expect(['57P01', 'ECONNRESET', 'CONNECTION_CLOSED']).toContain((error as { code?: string }).code);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await client.end({ timeout: 0 });
    }
  });

  it('is true of a server nobody listens for', async () => {
    const client = postgres(`postgres://hub@127.0.0.1:${await freePortOutsideHarness()}/hub`, { max: 1, connect_timeout: 2 });
    const error = await client`SELECT 1`.then(() => null, (caught: unknown) => caught);
    await client.end({ timeout: 0 });
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is false of a wrong statement or a broken constraint: those are the hub’s bugs or the caller’s, not an outage', async () => {
    const syntax = await sql`SELEC 1`.execute(test.store.db).then(() => null, (caught: unknown) => caught);
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    await test.store.db.insertInto('counters').values({ name: 'x', value: 1 }).execute();
    const duplicate = await test.store.db.insertInto('counters').values({ name: 'x', value: 1 }).execute().then(() => null, (caught: unknown) => caught);
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    expect(isDatabaseUnavailable('not an error')).toBe(false);
  });
});
