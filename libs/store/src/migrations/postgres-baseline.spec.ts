import { TABLES } from '../schema';
import { MIGRATIONS, openSqliteDatabase, type SqliteDatabase } from '../sqlite-database';
import { POSTGRES_BASELINE, POSTGRES_BASELINE_VERSION } from './postgres-baseline';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';

/**
 * The PostgreSQL baseline must create what SQLite's migrations create. This reads the baseline's text, so it needs no
 * server; what PostgreSQL 15 makes of that text (types, identities, constraints, predicates) was compared with SQLite
 * on a real server when the baseline was written, and is the store's contract suite's to keep checking.
 *
 * A schema change after v19 does not go into SQLite's MIGRATIONS nor into the baseline: it goes into the list of
 * migrations both dialects share, and this test then compares SQLite with the baseline plus that list.
 */

interface ColumnSummary {
  name: string;
  type: string;
  identity: boolean;
  notNull: boolean;
  default: string | null;
  references: string | null;
}

interface IndexSummary {
  name: string;
  table: string;
  unique: boolean;
  columns: string[];
  where: string | null;
}

const POSTGRES_TYPES: Record<string, string> = { INTEGER: 'BIGINT', REAL: 'DOUBLE PRECISION', TEXT: 'TEXT COLLATE "C"' };
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

function sqliteTables(db: SqliteDatabase): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
    .all()
    .map((row) => row.name);
}

function sqliteColumns(db: SqliteDatabase, table: string): ColumnSummary[] {
  const { sql } = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!;
  const references = new Map(
    db
      .prepare<[string], { from: string; table: string; to: string }>('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)')
      .all(table)
      .map((key) => [key.from, `${key.table} (${key.to})`]),
  );
  return db
    .prepare<[string], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
      'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
    )
    .all(table)
    .map((column) => ({
      name: column.name,
      type: POSTGRES_TYPES[column.type] ?? `unexpected SQLite type ${column.type}`,
      identity: column.pk === 1 && /\bAUTOINCREMENT\b/i.test(sql),
      // SQLite lets a TEXT primary key hold NULL (a documented quirk the code never uses); PostgreSQL's cannot.
      notNull: column.notnull === 1 || column.pk > 0,
      default: column.dflt_value,
      references: references.get(column.name) ?? null,
    }));
}

function sqliteIndexes(db: SqliteDatabase): IndexSummary[] {
  // Indexes without SQL are sqlite_autoindex_*: PRIMARY KEY and UNIQUE constraints, checked with the columns.
  return db
    .prepare<[], { name: string; tbl_name: string; sql: string }>("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    .all()
    .map((index) => ({
      name: index.name,
      table: index.tbl_name,
      unique: /^CREATE UNIQUE/i.test(index.sql),
      columns: db
        .prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno')
        .all(index.name)
        .map((column) => column.name),
      where: /\sWHERE\s([\s\S]+)$/i.exec(index.sql)?.[1] ?? null,
    }))
    .map((index) => ({ ...index, where: index.where === null ? null : squash(index.where) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Splits a CREATE TABLE body at the commas outside parentheses: one column or table constraint per part. */
function splitDefinitions(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let at = 0; at < body.length; at++) {
    if (body[at] === '(') depth++;
    else if (body[at] === ')') depth--;
    else if (body[at] === ',' && depth === 0) {
      parts.push(body.slice(start, at));
      start = at + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map(squash);
}

function baselineTables(): Map<string, ColumnSummary[]> {
  const tables = new Map<string, ColumnSummary[]>();
  for (const statement of POSTGRES_BASELINE) {
    const create = /^CREATE TABLE (\w+) \(([\s\S]*)\)$/.exec(statement.trim());
    if (!create) continue;
    const [, table, body] = create;
    if (tables.has(table)) throw new Error(`the baseline creates ${table} twice`);
    const definitions = splitDefinitions(body);
    const compositeKey = definitions.map((part) => /^PRIMARY KEY \((.*)\)$/.exec(part)?.[1]).find((columns) => columns !== undefined);
    const keyColumns = new Set((compositeKey ?? '').split(',').map((column) => column.trim().replace(/"/g, '')));
    const columns = definitions
      .filter((part) => !/^(PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|CONSTRAINT)\b/.test(part))
      .map((part) => {
        const [, quotedName, rest] = /^("?\w+"?) (.*)$/.exec(part) ?? ['', part, ''];
        const name = quotedName.replace(/"/g, '');
        const type = /^(BIGINT|DOUBLE PRECISION|TEXT COLLATE "C")/.exec(rest)?.[1] ?? `unexpected type in "${part}"`;
        return {
          name,
          type,
          identity: /^BIGINT GENERATED BY DEFAULT AS IDENTITY\b/.test(rest),
          notNull: /\b(NOT NULL|PRIMARY KEY)\b/.test(rest) || keyColumns.has(name),
          default: /(?<!BY )\bDEFAULT ('[^']*'|\S+)/.exec(rest)?.[1] ?? null,
          references: /\bREFERENCES (\w+ \(\w+\))/.exec(rest)?.[1] ?? null,
        };
      });
    tables.set(table, columns);
  }
  return tables;
}

function baselineIndexes(): IndexSummary[] {
  return POSTGRES_BASELINE.map((statement) => /^CREATE (UNIQUE )?INDEX (\w+) ON (\w+) \(([^)]*)\)(?: WHERE (.+))?$/.exec(squash(statement)))
    .filter((match) => match !== null)
    .map(([, unique, name, table, columns, where]) => ({
      name,
      table,
      unique: unique !== undefined,
      columns: columns.split(',').map((column) => column.trim()),
      where: where ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe('POSTGRES_BASELINE', () => {
  // The baseline is SQLite's schema at its version; later migrations have PostgreSQL twins (postgres-migrations.ts,
  // checked against a real server by schema-parity.contract.spec.ts).
  let db: SqliteDatabase;
  let latest: SqliteDatabase;
  beforeAll(() => {
    db = openSqliteDatabase(':memory:', POSTGRES_BASELINE_VERSION);
    latest = openSqliteDatabase(':memory:');
  });
  afterAll(() => {
    db.close();
    latest.close();
  });

  it('is the schema of an SQLite version, and every later one has a PostgreSQL twin', () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(POSTGRES_BASELINE_VERSION);
    const later = MIGRATIONS.map((_migration, index) => index + 1).filter((version) => version > POSTGRES_BASELINE_VERSION);
    expect(Object.keys(POSTGRES_MIGRATIONS).map(Number)).toEqual(later);
  });

  it('holds one statement per element, each a CREATE TABLE or CREATE INDEX', () => {
    const kinds = POSTGRES_BASELINE.map((statement) => /^CREATE (TABLE|UNIQUE INDEX|INDEX) /.exec(statement.trim())?.[1] ?? statement);
    expect(kinds.filter((kind) => kind !== 'TABLE' && kind !== 'INDEX' && kind !== 'UNIQUE INDEX')).toEqual([]);
    expect(POSTGRES_BASELINE.filter((statement) => statement.includes(';'))).toEqual([]);
  });

  it('lists every SQLite table in TABLES, in creation order', () => {
    expect(TABLES).toEqual(sqliteTables(latest));
  });

  it('creates every SQLite table exactly once and no other', () => {
    expect([...baselineTables().keys()].sort()).toEqual(sqliteTables(db).sort());
  });

  it("gives each table SQLite's columns in SQLite's order, with their types, NOT NULL, defaults and references", () => {
    const baseline = baselineTables();
    for (const table of sqliteTables(db)) {
      expect({ table, columns: baseline.get(table) }).toEqual({ table, columns: sqliteColumns(db, table) });
    }
  });

  it('creates every SQLite index with its name, table, uniqueness, columns and partial WHERE, and no other', () => {
    const indexes = sqliteIndexes(db);
    expect(indexes.map((index) => index.name)).toContain('alerts_one_open');
    expect(baselineIndexes()).toEqual(indexes);
  });
});
