import type { AccessScope } from '@hub/access';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * scopeSql (libs/access) as a Kysely condition, for the alert tables: the row's area (town, or town/village) inside
 * one of the scope's towns, and its domain one of the scope's domains; undefined when the scope is the whole county.
 * substr/length rather than LIKE: an area name may hold % or _ (both functions exist on SQLite and PostgreSQL).
 */
export function scopeCondition(scope: AccessScope, area: RawBuilder<string | null>, domainColumn: string): Expression<SqlBool> | undefined {
  const clauses: RawBuilder<SqlBool>[] = [];
  if (scope.towns.length > 0) {
    const terms = scope.towns.map((town) => sql<SqlBool>`${area} = ${town} OR substr(${area}, 1, ${`${town}/`.length}) = ${`${town}/`}`);
    clauses.push(sql<SqlBool>`(${sql.join(terms, sql` OR `)})`);
  }
  if (scope.domains.length > 0) clauses.push(sql<SqlBool>`${sql.ref(domainColumn)} IN (${sql.join([...scope.domains])})`);
  return clauses.length === 0 ? undefined : sql<SqlBool>`${sql.join(clauses, sql` AND `)}`;
}

/** The row's area path from its town and village columns (areaSqlOf in libs/access). */
export function areaOf(townColumn: string, villageColumn: string): RawBuilder<string | null> {
  return sql<string | null>`(CASE WHEN ${sql.ref(villageColumn)} IS NULL THEN ${sql.ref(townColumn)} ELSE ${sql.ref(townColumn)} || '/' || ${sql.ref(villageColumn)} END)`;
}
