import type { ContactPoint, StoredContactPoint } from '@hub/notify';
import type { ContactPointsTable, Executor, Store } from '@hub/store';

/** The `contact_points` table: one row per contact point, its kind's settings (secrets included) as JSON. */
export class ContactPointRepository {
  constructor(private readonly store: Store) {}

  async list(exec: Executor = this.store.db): Promise<StoredContactPoint[]> {
    const rows = await exec.selectFrom('contact_points').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  }

  async find(name: string, exec: Executor = this.store.db): Promise<StoredContactPoint | undefined> {
    const row = await exec.selectFrom('contact_points').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  /** False when the name is taken. */
  async insert(stored: StoredContactPoint, exec: Executor = this.store.db): Promise<boolean> {
    const inserted = await exec
      .insertInto('contact_points')
      .values(toRow(stored))
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async update(stored: StoredContactPoint, exec: Executor = this.store.db): Promise<void> {
    const row = toRow(stored);
    await exec
      .updateTable('contact_points')
      .set({ language: row.language, settings: row.settings, updated_at: row.updated_at, updated_by: row.updated_by })
      .where('name', '=', row.name)
      .execute();
  }

  /** False when there was no such row. */
  async delete(name: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('contact_points').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function toRow(stored: StoredContactPoint): ContactPointsTable {
  return {
    name: stored.point.name,
    kind: stored.point.kind,
    language: stored.point.language,
    settings: JSON.stringify(stored.point.settings),
    created_at: stored.createdAt,
    created_by: stored.createdBy,
    updated_at: stored.updatedAt,
    updated_by: stored.updatedBy,
  };
}

function fromRow(row: ContactPointsTable): StoredContactPoint {
  // Written only by toRow from a parsed contact point, so the kind and its settings agree, and the language is one we ship.
  const point = { name: row.name, kind: row.kind, language: row.language, settings: JSON.parse(row.settings) as unknown } as ContactPoint;
  return { point, createdAt: row.created_at, createdBy: row.created_by, updatedAt: row.updated_at, updatedBy: row.updated_by };
}
