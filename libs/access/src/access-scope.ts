import { anyAreaCovers, areaPathOf } from '@hub/common';
import { Domain } from '@hub/contract';
import { ROLES, type PrincipalKind, type Role } from '@hub/api-types';

/** What a person or system may do: viewers read, operators also handle alerts, admins change the configuration. */
export { ROLES } from '@hub/api-types';
export type { Role };

/** True when `role` has at least the rights of `needed` (admin ⊃ operator ⊃ viewer). */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/**
 * Which part of the county a principal sees. An empty list means "all": `{ towns: [], domains: [] }` is the county
 * command room. A town-scoped principal does not see devices that have no town (they belong to nobody's town yet).
 * `towns` holds area paths: `Ashford` covers the town and all its villages, `Ashford/Millbrook` only that village.
 */
export interface AccessScope {
  readonly towns: readonly string[];
  readonly domains: readonly Domain[];
}

export const COUNTY_SCOPE: AccessScope = { towns: [], domains: [] };

/** What a scope is checked against: a device, an alert, a reading, a dead letter. */
export interface ScopedThing {
  readonly town: string | null;
  /** Its village within the town (absent or null: none, which only a scope on the whole town covers). */
  readonly village?: string | null;
  /** Null when unknown (e.g. a dead letter whose topic named no valid domain): only a domain-unscoped principal sees it. */
  readonly domain: string | null;
}

export function scopeCovers(scope: AccessScope, thing: ScopedThing): boolean {
  if (scope.domains.length > 0 && (thing.domain === null || !(scope.domains as readonly string[]).includes(thing.domain))) return false;
  if (scope.towns.length > 0 && !anyAreaCovers(scope.towns, areaPathOf(thing))) return false;
  return true;
}

export function isCountyWide(scope: AccessScope): boolean {
  return scope.towns.length === 0 && scope.domains.length === 0;
}

/** Who is making an HTTP request: a logged-in operator, an API key, or the key given in configuration. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** The operator's username or the key's name: what the audit log records as the actor. */
  readonly name: string;
  readonly role: Role;
  readonly scope: AccessScope;
}
