import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';

/**
 * HubDatabase is types only, gone at run time, so this reads schema.ts itself: each table's interface must name
 * SQLite's columns in order, with the type the code reads (`Generated` where an insert may omit the column).
 */

function declaredTables(): Map<string, string[]> {
  const file = join(__dirname, 'schema.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const members = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    members.set(
      statement.name.text,
      statement.members.filter(ts.isPropertySignature).map((member) => `${member.name.getText(source)}: ${member.type?.getText(source)}`),
    );
  }
  const tables = new Map<string, string[]>();
  for (const entry of members.get('HubDatabase') ?? []) {
    const [table, interfaceName] = entry.split(': ');
    tables.set(table, members.get(interfaceName) ?? [`no interface ${interfaceName}`]);
  }
  return tables;
}

function expectedColumns(db: SqliteDatabase, table: string): string[] {
  const { sql } = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!;
  return db
    .prepare<[string], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
      'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
    )
    .all(table)
    .map((column) => {
      const base = column.type === 'TEXT' ? 'string' : 'number';
      // A TEXT primary key is never NULL in practice (PostgreSQL refuses it), whatever SQLite would take.
      const value = column.notnull === 0 && column.pk === 0 ? `${base} | null` : base;
      const generated = (column.pk === 1 && /\bAUTOINCREMENT\b/i.test(sql)) || column.dflt_value !== null;
      return `${column.name}: ${generated ? `Generated<${value}>` : value}`;
    });
}

describe('HubDatabase', () => {
  it("declares every SQLite table, and each table's columns in order with the types the code reads", () => {
    const db = openSqliteDatabase(':memory:');
    try {
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        .all()
        .map((row) => row.name);
      const declared = declaredTables();
      expect([...declared.keys()]).toEqual(tables);
      for (const table of tables) {
        expect({ table, columns: declared.get(table) }).toEqual({ table, columns: expectedColumns(db, table) });
      }
      expect(declared.get('alerts')).toContain('id: Generated<number>');
    } finally {
      db.close();
    }
  });
});
