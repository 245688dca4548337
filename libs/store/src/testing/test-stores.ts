import postgres from 'postgres';
import { openSqliteDatabase } from '../sqlite-database';
import { Store, type StoreDialect } from '../store';

/**
 * Set by the contract tests' global setup (test/harness/postgres-global-setup.ts): the test cluster's URL without a
 * database (`postgres://hub@127.0.0.1:port/`); a database's name completes it.
 */
export const TEST_POSTGRES_URL = 'HUB_TEST_POSTGRES_URL';
/** The migrated database every PostgreSQL test store is copied from. */
export const TEST_POSTGRES_TEMPLATE = 'hub_template';

export interface TestStore {
  readonly store: Store;
  /** Closes the store and throws its database away. */
  dispose(): Promise<void>;
}

/** A fresh, migrated, in-memory SQLite store. */
export async function sqliteTestStore(): Promise<TestStore> {
  const handle = openSqliteDatabase(':memory:');
  const store = Store.sqlite(handle);
  return {
    store,
    async dispose() {
      await store.close();
      handle.close();
    },
  };
}

let admin: postgres.Sql | null = null;
let counter = 0;

function adminClient(): { base: string; admin: postgres.Sql } {
  const base = process.env[TEST_POSTGRES_URL];
  if (base === undefined) throw new Error(`${TEST_POSTGRES_URL} is not set: PostgreSQL contract tests run in jest's "contract" project, whose global setup starts the cluster`);
  // idle_timeout: an idle connection must not keep the jest worker alive after its last test.
  admin ??= postgres(`${base}postgres`, { max: 1, idle_timeout: 1, onnotice: () => undefined });
  return { base, admin };
}

/** A new database of the test cluster, empty or a copy of `template`: its URL, and how to throw it away. */
export async function postgresTestDatabase(template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { base, admin: client } = adminClient();
  counter += 1;
  const name = `hub_t${process.pid}_${counter}`;
  await client.unsafe(`CREATE DATABASE "${name}"${template === undefined ? '' : ` TEMPLATE "${template}"`}`);
  return { url: `${base}${name}`, drop: () => client.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined) };
}

/** A fresh, migrated PostgreSQL database of the test cluster (a copy of the template), as a store. */
export async function postgresTestStore(): Promise<TestStore> {
  const database = await postgresTestDatabase(TEST_POSTGRES_TEMPLATE);
  const store = await Store.postgres(database.url, { applicationName: 'hub-contract-test' });
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}

/** Each dialect with its test store, for `describe.each`: a contract spec runs its cases on both. */
export const TEST_STORES: ReadonlyArray<readonly [StoreDialect, () => Promise<TestStore>]> = [
  ['sqlite', sqliteTestStore],
  ['postgres', postgresTestStore],
];
