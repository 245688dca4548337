import { anyAreaCovers } from '@hub/common';
import { AccessScope, isCountyWide, Principal, ScopedThing, scopeCovers } from './access-scope';
import { AccessDeniedError } from './access-errors';

/** Throws 403 unless the principal's scope covers the thing (an alert, a silence, a device …) named by `what`. */
export function assertInScope(principal: Pick<Principal, 'name' | 'scope'>, thing: ScopedThing, what: string): void {
  if (!scopeCovers(principal.scope, thing)) throw new AccessDeniedError(`${what} is outside the scope of ${principal.name} (${describeScope(principal.scope)})`);
}

/**
 * Throws 403 unless the principal's scope is the whole county: for what every town shares (the catalogue, device
 * profiles, network servers). `why` says what makes it shared, for the message.
 */
export function assertCountyWide(principal: Pick<Principal, 'name' | 'scope'>, what: string, why: string): void {
  if (!isCountyWide(principal.scope)) {
    throw new AccessDeniedError(`Only an admin of the whole county may ${what}: ${why} (${principal.name} has ${describeScope(principal.scope)})`);
  }
}

/** "towns Ashford, Brook; domains water" or "the whole county". */
export function describeScope(scope: AccessScope): string {
  const parts: string[] = [];
  if (scope.towns.length > 0) parts.push(`towns ${scope.towns.join(', ')}`);
  if (scope.domains.length > 0) parts.push(`domains ${scope.domains.join(', ')}`);
  return parts.length === 0 ? 'the whole county' : parts.join('; ');
}

/**
 * The scope as SQL conditions on a table's area and domain columns, with named parameters prefixed
 * `scopeTown`/`scopeDomain`. `areaExpression` yields the thing's area path (`Town` or `Town/Village`, see
 * areaSqlOf): a scope entry matches the same path or, for a town, any path under it. A NULL area or domain never
 * matches a non-empty list, as in scopeCovers. The expression may be a function call, e.g. `hub_area_of(device_id)`.
 */
export function scopeSql(scope: AccessScope, areaExpression: string, domainExpression: string): { clauses: string[]; params: Record<string, string> } {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  if (scope.towns.length > 0) {
    // substr, not LIKE: an area name may hold % or _.
    const terms = scope.towns.map((town, index) => {
      params[`scopeTown${index}`] = town;
      params[`scopeTownUnder${index}`] = `${town}/`;
      return `${areaExpression} = @scopeTown${index} OR substr(${areaExpression}, 1, length(@scopeTownUnder${index})) = @scopeTownUnder${index}`;
    });
    clauses.push(`(${terms.join(' OR ')})`);
  }
  if (scope.domains.length > 0) {
    clauses.push(`${domainExpression} IN (${scope.domains.map((_, index) => `@scopeDomain${index}`).join(', ')})`);
    scope.domains.forEach((value, index) => (params[`scopeDomain${index}`] = value));
  }
  return { clauses, params };
}

/** The SQL of a row's area path from its town and village columns, for scopeSql. */
export function areaSqlOf(townColumn: string, villageColumn: string): string {
  return `(CASE WHEN ${villageColumn} IS NULL THEN ${townColumn} ELSE ${townColumn} || '/' || ${villageColumn} END)`;
}

/**
 * Whether `inner` is no wider than `outer`: a town-scoped admin may only hand out scopes inside their own towns (a
 * town's admin may hand out its villages) and domains, never the county. Empty lists mean "all", so a county-wide
 * outer allows anything.
 */
export function scopeWithin(inner: AccessScope, outer: AccessScope): boolean {
  const within = (innerList: readonly string[], outerList: readonly string[], covers: (outerItem: string, item: string) => boolean): boolean =>
    outerList.length === 0 || (innerList.length > 0 && innerList.every((item) => outerList.some((outerItem) => covers(outerItem, item))));
  return within(inner.towns, outer.towns, (outerItem, item) => anyAreaCovers([outerItem], item)) && within(inner.domains, outer.domains, (outerItem, item) => outerItem === item);
}

/** Throws 403 unless `scope` (of an operator or key being made or changed) is inside the acting principal's own. */
export function assertScopeWithin(principal: Pick<Principal, 'name' | 'scope'>, scope: AccessScope, what: string): void {
  if (!scopeWithin(scope, principal.scope)) {
    throw new AccessDeniedError(`${what} (${describeScope(scope)}) would reach beyond the scope of ${principal.name} (${describeScope(principal.scope)})`);
  }
}

/**
 * The area path of a device (`Town` or `Town/Village`), from the device registry (null: unknown device, or
 * provisioned without a town). Town-scoped views of things that only carry a device id (dead letters, device
 * events, MQTT deliveries) need it.
 */
export type DeviceAreaLookup = (deviceId: string) => string | null;
