import type { AreasTable, Executor, Store } from '@hub/store';
import type { Selectable } from 'kysely';
import type { Area } from './area';

/** Who, besides devices, names an area: the kind of thing and its names. */
export interface AreaReference {
  readonly kind: 'device' | 'operator' | 'API key' | 'MQTT client' | 'alert rule' | 'silence' | 'notification policy route';
  readonly names: readonly string[];
}

/**
 * The areas table, and the one question the areas feature asks of other features' tables: which scopes, rule
 * selectors, silences in force and policy matchers name an area (or one under it), so that an area is never deleted
 * or renamed from under them. Asked rarely (a delete or a rename): the rows are read whole and their JSON walked here,
 * as PostgreSQL has no json_each/json_tree over TEXT columns.
 */
export class AreaRepository {
  constructor(private readonly store: Store) {}

  async loadAll(exec: Executor = this.store.db): Promise<Area[]> {
    const rows = await exec.selectFrom('areas').selectAll().orderBy('path').execute();
    return rows.map(fromRow);
  }

  async find(path: string, exec: Executor = this.store.db): Promise<Area | undefined> {
    const row = await exec.selectFrom('areas').selectAll().where('path', '=', path).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  /** A town's villages, by path. */
  async villagesOf(town: string, exec: Executor = this.store.db): Promise<Area[]> {
    return (await exec.selectFrom('areas').selectAll().where('parent', '=', town).orderBy('path').execute()).map(fromRow);
  }

  async insert(area: Area, exec: Executor = this.store.db): Promise<void> {
    await this.insertMany([area], exec);
  }

  /** Areas in one statement per 1,000 (an import of a county's villages). */
  async insertMany(areas: readonly Area[], exec: Executor = this.store.db): Promise<void> {
    for (let start = 0; start < areas.length; start += 1000) {
      const rows = areas.slice(start, start + 1000).map((area) => ({ path: area.path, name: area.name, parent: area.parent, created_at: area.createdAt, created_by: area.createdBy, updated_at: area.updatedAt }));
      await exec.insertInto('areas').values(rows).execute();
    }
  }

  /** An area and its villages under a new path (a town's villages follow it). */
  async move(from: string, to: Area, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('areas').set({ path: to.path, name: to.name, updated_at: to.updatedAt }).where('path', '=', from).execute();
    const villages = await exec.selectFrom('areas').select(['path', 'name']).where('parent', '=', from).execute();
    for (const village of villages) {
      await exec.updateTable('areas').set({ path: `${to.path}${village.path.slice(from.length)}`, parent: to.path, updated_at: to.updatedAt }).where('path', '=', village.path).execute();
    }
  }

  async delete(path: string, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('areas').where('path', '=', path).execute();
  }

  /** Everything but devices that names `path` or an area under it; `now` tells silences in force from expired ones. */
  async referencesTo(path: string, now: number, exec: Executor = this.store.db): Promise<AreaReference[]> {
    const covered = (area: unknown): boolean => typeof area === 'string' && (area === path || area.startsWith(`${path}/`));
    const namingTowns = (rows: ReadonlyArray<{ name: string; towns: unknown }>): string[] => sortedUnique(rows.filter((row) => Array.isArray(row.towns) && row.towns.some(covered)).map((row) => row.name));
    const operators = await exec.selectFrom('operators').select(['username as name', 'towns']).execute();
    const keys = await exec.selectFrom('api_keys').select(['name', 'towns']).where('revoked_at', 'is', null).execute();
    const clients = await exec.selectFrom('mqtt_clients').select(['name', 'towns']).where('revoked_at', 'is', null).execute();
    const rules = await exec.selectFrom('alert_rules').select(['id as name', 'spec']).execute();
    const silences = await exec.selectFrom('alert_silences').select(['id', 'town']).where('ends_at', '>', now).where('town', 'is not', null).orderBy('id').execute();
    const policies = await exec.selectFrom('notification_policy').select('document').execute();
    const found: AreaReference[] = [
      { kind: 'operator', names: namingTowns(operators.map((row) => ({ name: row.name, towns: parsed(row.towns) }))) },
      { kind: 'API key', names: namingTowns(keys.map((row) => ({ name: row.name, towns: parsed(row.towns) }))) },
      { kind: 'MQTT client', names: namingTowns(clients.map((row) => ({ name: row.name, towns: parsed(row.towns) }))) },
      { kind: 'alert rule', names: namingTowns(rules.map((row) => ({ name: row.name, towns: member(member(parsed(row.spec), 'selector'), 'towns') }))) },
      { kind: 'silence', names: silences.filter((row) => covered(row.town)).map((row) => String(row.id)) },
      { kind: 'notification policy route', names: sortedUnique(policies.flatMap((row) => matcherTownsIn(parsed(row.document), '$').filter((found) => covered(found.town)).map((found) => found.route))) },
    ];
    return found.filter((reference) => reference.names.length > 0);
  }
}

/**
 * Every string in a `matchers.towns` array anywhere in a policy document, with the route it belongs to named as
 * SQLite's json_tree named it (`$.routes[0].routes[1]`; `$` for the root route), which the answer has always used.
 */
function matcherTownsIn(value: unknown, route: string): Array<{ route: string; town: string }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => matcherTownsIn(item, `${route}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const found: Array<{ route: string; town: string }> = [];
  for (const [key, child] of Object.entries(value)) {
    const at = `${route}.${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key)}`;
    if (key === 'matchers' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const towns = (child as Record<string, unknown>).towns;
      if (Array.isArray(towns)) for (const town of towns) if (typeof town === 'string') found.push({ route, town });
    }
    found.push(...matcherTownsIn(child, at));
  }
  return found;
}

function member(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** A JSON column as stored; a row that does not parse names nothing (it cannot have named the area either). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Distinct, in code-point order (SQLite's ORDER BY of the same names, and PostgreSQL's COLLATE "C"). */
function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function fromRow(row: Selectable<AreasTable>): Area {
  return { path: row.path, name: row.name, parent: row.parent, createdAt: row.created_at, createdBy: row.created_by, updatedAt: row.updated_at };
}
