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
 * The scope as SQL conditions on a table's town and domain columns (`town IN (…)`, `domain IN (…)`), with named
 * parameters prefixed `scopeTown`/`scopeDomain`. A NULL town or domain never matches a non-empty list, as in
 * scopeCovers. `townExpression` may be a function call, e.g. `hub_town_of(device_id)`.
 */
export function scopeSql(scope: AccessScope, townExpression: string, domainExpression: string): { clauses: string[]; params: Record<string, string> } {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  const inList = (expression: string, values: readonly string[], prefix: string): void => {
    if (values.length === 0) return;
    clauses.push(`${expression} IN (${values.map((_, index) => `@${prefix}${index}`).join(', ')})`);
    values.forEach((value, index) => (params[`${prefix}${index}`] = value));
  };
  inList(townExpression, scope.towns, 'scopeTown');
  inList(domainExpression, scope.domains, 'scopeDomain');
  return { clauses, params };
}

/**
 * Whether `inner` is no wider than `outer`: a town-scoped admin may only hand out scopes inside their own towns (and
 * domains), never the county. Empty lists mean "all", so a county-wide outer allows anything.
 */
export function scopeWithin(inner: AccessScope, outer: AccessScope): boolean {
  const within = (innerList: readonly string[], outerList: readonly string[]): boolean =>
    outerList.length === 0 || (innerList.length > 0 && innerList.every((item) => outerList.includes(item)));
  return within(inner.towns, outer.towns) && within(inner.domains, outer.domains);
}

/** Throws 403 unless `scope` (of an operator or key being made or changed) is inside the acting principal's own. */
export function assertScopeWithin(principal: Pick<Principal, 'name' | 'scope'>, scope: AccessScope, what: string): void {
  if (!scopeWithin(scope, principal.scope)) {
    throw new AccessDeniedError(`${what} (${describeScope(scope)}) would reach beyond the scope of ${principal.name} (${describeScope(principal.scope)})`);
  }
}

/**
 * The town of a device, from the device registry (null: unknown device, or provisioned without a town). Town-scoped
 * views of things that only carry a device id (dead letters, device events, MQTT deliveries) need it.
 */
export type DeviceTownLookup = (deviceId: string) => string | null;
