/**
 * PostgreSQL's twin of each SQLite migration after the baseline, keyed by the schema version it reaches: whoever
 * appends to MIGRATIONS (sqlite-database.ts) adds the same change here, one statement per element. The contract
 * suite's schema-parity test compares both dialects' tables, columns and indexes after all of them.
 */
export const POSTGRES_MIGRATIONS: Readonly<Record<number, readonly string[]>> = {};
