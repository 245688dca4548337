import type postgres from 'postgres';
import { MIGRATIONS } from '../sqlite-database';
import { POSTGRES_BASELINE, POSTGRES_BASELINE_VERSION } from './postgres-baseline';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';

/** The schema version this hub runs on, the same number on both dialects (SQLite keeps it in PRAGMA user_version). */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any constant works, as long as every node uses the same one: nodes starting together migrate one after another. */
const MIGRATION_LOCK = 7_301_776_552_104_211;

/**
 * Brings a PostgreSQL database to SCHEMA_VERSION: a new database gets the baseline (the schema SQLite reached at
 * version POSTGRES_BASELINE_VERSION, written once for PostgreSQL), then every later migration in order, each in its
 * own transaction with the version it reaches. Several nodes may start at once: the advisory lock makes the second
 * wait and then find nothing left to do. A database newer than this hub is refused rather than written to.
 */
export async function migratePostgres(client: postgres.Sql, target = SCHEMA_VERSION): Promise<number> {
  for (;;) {
    const step = await client.begin(async (tx) => {
      // Everything under the lock, the version table's creation included: two nodes creating it at once would
      // otherwise collide in PostgreSQL's catalogue (CREATE TABLE IF NOT EXISTS is not safe against a concurrent one).
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS hub_schema_version (version BIGINT NOT NULL, migrated_at BIGINT NOT NULL)`;
      const current = await readVersion(tx);
      if (current > SCHEMA_VERSION) {
        throw new Error(`the database's schema is version ${current}, newer than this hub's ${SCHEMA_VERSION}: run the newer hub, or restore a backup`);
      }
      if (current >= target) return { done: true, version: current };
      const next = current === 0 ? POSTGRES_BASELINE_VERSION : current + 1;
      const statements = current === 0 ? POSTGRES_BASELINE : splitMigration(next);
      for (const statement of statements) await tx.unsafe(statement);
      await tx`DELETE FROM hub_schema_version`;
      await tx`INSERT INTO hub_schema_version (version, migrated_at) VALUES (${next}, ${Date.now()})`;
      return { done: false, version: next };
    });
    if (step.done) return step.version;
  }
}

async function readVersion(client: postgres.Sql | postgres.TransactionSql): Promise<number> {
  const rows = await client<{ version: number }[]>`SELECT version FROM hub_schema_version`;
  return rows.length === 0 ? 0 : Number(rows[0].version);
}

function splitMigration(version: number): readonly string[] {
  const migration = POSTGRES_MIGRATIONS[version];
  if (migration === undefined) throw new Error(`schema version ${version} has no PostgreSQL migration (libs/store/src/migrations/postgres-migrations.ts)`);
  return migration;
}
