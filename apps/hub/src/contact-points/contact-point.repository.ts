import type { ContactPoint, StoredContactPoint } from '@hub/notify';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

interface ContactPointRow {
  name: string;
  kind: string;
  language: string | null;
  settings: string;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** The `contact_points` table: one row per contact point, its kind's settings (secrets included) as JSON. */
export class ContactPointRepository {
  private readonly all: Statement;
  private readonly one: Statement;
  private readonly insertRow: Statement;
  private readonly updateRow: Statement;
  private readonly deleteRow: Statement;

  constructor(db: SqliteDatabase) {
    this.all = db.prepare('SELECT * FROM contact_points ORDER BY name');
    this.one = db.prepare('SELECT * FROM contact_points WHERE name = ?');
    this.insertRow = db.prepare(
      `INSERT OR IGNORE INTO contact_points (name, kind, language, settings, created_at, created_by, updated_at, updated_by)
       VALUES (@name, @kind, @language, @settings, @createdAt, @createdBy, @updatedAt, @updatedBy)`,
    );
    this.updateRow = db.prepare('UPDATE contact_points SET language = @language, settings = @settings, updated_at = @updatedAt, updated_by = @updatedBy WHERE name = @name');
    this.deleteRow = db.prepare('DELETE FROM contact_points WHERE name = ?');
  }

  list(): StoredContactPoint[] {
    return (this.all.all() as ContactPointRow[]).map(fromRow);
  }

  find(name: string): StoredContactPoint | undefined {
    const row = this.one.get(name) as ContactPointRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** False when the name is taken. */
  insert(stored: StoredContactPoint): boolean {
    return this.insertRow.run(toParams(stored)).changes === 1;
  }

  update(stored: StoredContactPoint): void {
    this.updateRow.run(toParams(stored));
  }

  /** False when there was no such row. */
  delete(name: string): boolean {
    return this.deleteRow.run(name).changes === 1;
  }
}

function toParams(stored: StoredContactPoint): Record<string, unknown> {
  return {
    name: stored.point.name,
    kind: stored.point.kind,
    language: stored.point.language,
    settings: JSON.stringify(stored.point.settings),
    createdAt: stored.createdAt,
    createdBy: stored.createdBy,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
  };
}

function fromRow(row: ContactPointRow): StoredContactPoint {
  // Written only by toParams from a parsed contact point, so the kind and its settings agree, and the language is one we ship.
  const point = { name: row.name, kind: row.kind, language: row.language, settings: JSON.parse(row.settings) as unknown } as ContactPoint;
  return { point, createdAt: row.created_at, createdBy: row.created_by, updatedAt: row.updated_at, updatedBy: row.updated_by };
}
