import postgres from 'postgres';
import { postgresTestDatabase } from '../testing/test-stores';
import { POSTGRES_BASELINE_VERSION } from './postgres-baseline';
import { migratePostgres, SCHEMA_VERSION } from './postgres-migrator';
import { Store } from '../store';

describe('PostgreSQL migrations', () => {
  let database: Awaited<ReturnType<typeof postgresTestDatabase>>;
  const clients: postgres.Sql[] = [];
  const connect = (): postgres.Sql => {
    const client = postgres(database.url, { max: 2, onnotice: () => undefined, types: { bigint: postgres.BigInt } });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    database = await postgresTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end({ timeout: 1 })));
    await database.drop();
  });

  it('gives a new database the baseline and records the version once, however many nodes start together', async () => {
    const reached = await Promise.all([migratePostgres(connect()), migratePostgres(connect()), migratePostgres(connect())]);
    expect(reached).toEqual([SCHEMA_VERSION, SCHEMA_VERSION, SCHEMA_VERSION]);
    const sql = connect();
    expect((await sql`SELECT version FROM hub_schema_version`).map((row) => Number(row.version))).toEqual([SCHEMA_VERSION]);
    const tables = await sql`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'hub_schema_version'`;
    expect(Number(tables[0].n)).toBe(43);
    expect(POSTGRES_BASELINE_VERSION).toBeLessThanOrEqual(SCHEMA_VERSION);
  });

  it('leaves a database already at this version as it is', async () => {
    await migratePostgres(connect());
    const sql = connect();
    await sql`INSERT INTO counters (name, value) VALUES ('kept', 7)`;
    expect(await migratePostgres(sql)).toBe(SCHEMA_VERSION);
    expect((await sql`SELECT name, value FROM counters`).map((row) => [row.name, Number(row.value)])).toEqual([['kept', 7]]);
  });

  it('refuses a database whose schema is newer than this hub, and opens no store on it', async () => {
    const sql = connect();
    await migratePostgres(sql);
    await sql`UPDATE hub_schema_version SET version = ${SCHEMA_VERSION + 1}`;
    const newer = `the database's schema is version ${SCHEMA_VERSION + 1}, newer than this hub's ${SCHEMA_VERSION}: run the newer hub, or restore a backup`;
    await expect(migratePostgres(connect())).rejects.toThrow(newer);
    await expect(Store.postgres(database.url)).rejects.toThrow(newer);
  });

  it('refuses a server that only reads (a standby, or one set read-only)', async () => {
    const sql = connect();
    await sql.unsafe(`ALTER DATABASE "${database.url.split('/').pop()}" SET default_transaction_read_only = on`);
    await expect(Store.postgres(database.url)).rejects.toThrow('HUB_DATABASE_URL leads to a read-only PostgreSQL server (a standby?): the hub needs the primary');
  });
});
