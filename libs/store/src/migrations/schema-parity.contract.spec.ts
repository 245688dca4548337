import { sql } from 'kysely';
import { postgresTestStore, sqliteTestStore, type TestStore } from '../testing/test-stores';

/**
 * What a real PostgreSQL 15 made of the baseline and the shared migrations, against what SQLite's migrations made: the
 * same tables, the same columns in the same order, each with the type family, nullability and default the code relies
 * on, and the same index names with the same uniqueness. (postgres-baseline.spec.ts checks the baseline's text without
 * a server; this checks the server's answer, and covers every migration after the baseline too.)
 */
const FAMILY: Record<string, string> = { INTEGER: 'integer', REAL: 'real', TEXT: 'text', bigint: 'integer', 'double precision': 'real', text: 'text' };

interface Column {
  table: string;
  name: string;
  family: string;
  notNull: boolean;
  hasDefault: boolean;
}

describe('schema parity of SQLite and PostgreSQL', () => {
  let sqlite: TestStore;
  let postgres: TestStore;

  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([sqliteTestStore(), postgresTestStore()]);
  });
  afterAll(async () => {
    await Promise.all([sqlite.dispose(), postgres.dispose()]);
  });

  it('has the same tables and columns, in the same order, with the same type families, nullability and defaults', async () => {
    const handle = sqlite.store.sqlite!;
    const tables = handle.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const sqliteColumns: Column[] = tables.flatMap(({ name: table }) =>
      handle
        .prepare<[string], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid')
        .all(table)
        .map((column) => ({
          table,
          name: column.name,
          family: FAMILY[column.type] ?? column.type,
          // A primary key is NOT NULL on PostgreSQL; an AUTOINCREMENT id is its identity (a default of sorts).
          notNull: column.notnull === 1 || column.pk > 0,
          hasDefault: column.dflt_value !== null || (column.pk === 1 && column.type === 'INTEGER' && /AUTOINCREMENT/i.test(tableSql(table))),
        })),
    );
    function tableSql(table: string): string {
      return handle.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!.sql;
    }
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string }>`
      SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'hub_schema_version'
      ORDER BY table_name, ordinal_position`.execute(postgres.store.db);
    const postgresColumns: Column[] = rows.map((row) => ({
      table: row.table_name,
      name: row.column_name,
      family: FAMILY[row.data_type] ?? row.data_type,
      notNull: row.is_nullable === 'NO',
      hasDefault: row.column_default !== null || row.is_identity === 'YES',
    }));
    expect(postgresColumns).toEqual(sqliteColumns);
    expect(new Set(postgresColumns.map((column) => column.table)).size).toBe(43);
  });

  it('has the same named indexes with the same uniqueness, and every text column collates byte-wise ("C") as SQLite does', async () => {
    const handle = sqlite.store.sqlite!;
    const sqliteIndexes = handle
      .prepare<[], { name: string; tbl_name: string; sql: string }>("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all()
      .map((index) => `${index.tbl_name}.${index.name}${/^CREATE UNIQUE/i.test(index.sql) ? ' unique' : ''}`);
    const { rows } = await sql<{ tablename: string; indexname: string; indexdef: string }>`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'
      ORDER BY indexname`.execute(postgres.store.db);
    expect(rows.map((index) => `${index.tablename}.${index.indexname}${/^CREATE UNIQUE/i.test(index.indexdef) ? ' unique' : ''}`)).toEqual(sqliteIndexes);
    const collations = await sql<{ collation_name: string | null; n: number }>`
      SELECT collation_name, count(*) AS n FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type = 'text' GROUP BY collation_name`.execute(postgres.store.db);
    expect(collations.rows.map((row) => row.collation_name)).toEqual(['C']);
  });
});
