import type { SqliteDatabase } from '@hub/store';
import type { Area } from './area';

interface AreaRow {
  path: string;
  name: string;
  parent: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** Who, besides devices, names an area: the kind of thing and its names. */
export interface AreaReference {
  readonly kind: 'device' | 'operator' | 'API key' | 'MQTT client' | 'alert rule' | 'silence' | 'notification policy route';
  readonly names: readonly string[];
}

/**
 * The areas table, and the one question the areas feature asks of other features' tables: which scopes, rule
 * selectors, silences in force and policy matchers name an area (or one under it), so that an area is never deleted
 * or renamed from under them. Asked rarely (a delete or a rename), so plain queries over JSON columns.
 */
export class AreaRepository {
  constructor(private readonly db: SqliteDatabase) {}

  loadAll(): Area[] {
    return (this.db.prepare('SELECT * FROM areas ORDER BY path').all() as AreaRow[]).map(fromRow);
  }

  insert(area: Area): void {
    this.db
      .prepare('INSERT INTO areas (path, name, parent, created_at, created_by, updated_at) VALUES (@path, @name, @parent, @createdAt, @createdBy, @updatedAt)')
      .run(area);
  }

  /** An area and its villages under a new path (a town's villages follow it). */
  move(from: string, to: Area): void {
    this.db.prepare('UPDATE areas SET path = @path, name = @name, updated_at = @updatedAt WHERE path = @from').run({ ...to, from });
    this.db
      .prepare(`UPDATE areas SET path = @to || substr(path, length(@from) + 1), parent = @to, updated_at = @updatedAt WHERE parent = @from`)
      .run({ from, to: to.path, updatedAt: to.updatedAt });
  }

  delete(path: string): void {
    this.db.prepare('DELETE FROM areas WHERE path = ?').run(path);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Everything but devices that names `path` or an area under it; `now` tells silences in force from expired ones. */
  referencesTo(path: string, now: number): AreaReference[] {
    const under = `${path}/`;
    const covered = (column: string): string => `(${column} = @path OR substr(${column}, 1, length(@under)) = @under)`;
    const names = (sql: string): string[] => (this.db.prepare(sql).all({ path, under, now }) as Array<{ name: string }>).map((row) => row.name);
    const found: AreaReference[] = [
      { kind: 'operator', names: names(`SELECT DISTINCT o.username AS name FROM operators o, json_each(o.towns) t WHERE ${covered('t.value')} ORDER BY 1`) },
      { kind: 'API key', names: names(`SELECT DISTINCT k.name FROM api_keys k, json_each(k.towns) t WHERE k.revoked_at IS NULL AND ${covered('t.value')} ORDER BY 1`) },
      { kind: 'MQTT client', names: names(`SELECT DISTINCT c.name FROM mqtt_clients c, json_each(c.towns) t WHERE c.revoked_at IS NULL AND ${covered('t.value')} ORDER BY 1`) },
      { kind: 'alert rule', names: names(`SELECT DISTINCT r.id AS name FROM alert_rules r, json_each(r.spec, '$.selector.towns') t WHERE ${covered('t.value')} ORDER BY 1`) },
      { kind: 'silence', names: names(`SELECT CAST(id AS TEXT) AS name FROM alert_silences WHERE ends_at > @now AND ${covered('town')} ORDER BY id`) },
      {
        kind: 'notification policy route',
        names: names(
          `SELECT DISTINCT substr(t.path, 1, length(t.path) - length('.matchers.towns')) AS name FROM notification_policy p, json_tree(p.document) t WHERE t.type = 'text' AND t.path LIKE '%.matchers.towns' AND ${covered('t.value')} ORDER BY 1`,
        ),
      },
    ];
    return found.filter((reference) => reference.names.length > 0);
  }
}

function fromRow(row: AreaRow): Area {
  return { path: row.path, name: row.name, parent: row.parent, createdAt: row.created_at, createdBy: row.created_by, updatedAt: row.updated_at };
}
