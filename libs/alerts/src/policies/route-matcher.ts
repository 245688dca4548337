import { anyAreaCovers, areaCovers, areaPathOf } from '@hub/common';
import type { AlertView } from '../lifecycle/alert.view';
import type { NotificationPolicyTree, PolicyRoute, ResolvedRoute, RouteMatchers, RouteSettings } from './notification-policy';

/**
 * The routes an alert goes to, Alertmanager's way: children are tried in order, the first that matches wins (and its
 * own children are tried the same way) unless it says `continue: true`; when no child matches, the parent itself
 * takes the alert. The default route (the root) matches everything.
 */
export function matchRoutes(tree: NotificationPolicyTree, alert: Pick<AlertView, 'domain' | 'town' | 'severity' | 'ruleId'> & { readonly village?: string | null }): ResolvedRoute[] {
  return walk(tree.routes, settingsOf(tree), 'default', [], alert);
}

function walk(
  children: readonly PolicyRoute[],
  parent: RouteSettings,
  parentKey: string,
  parentNames: readonly string[],
  alert: Pick<AlertView, 'domain' | 'town' | 'severity' | 'ruleId'> & { readonly village?: string | null },
): ResolvedRoute[] {
  const found: ResolvedRoute[] = [];
  for (const [index, child] of children.entries()) {
    if (!matches(child.matchers, alert)) continue;
    found.push(...walk(child.routes ?? [], inherit(parent, child), childKey(parentKey, index, child), namesOf(parentNames, child), alert));
    if (child.continue !== true) break;
  }
  return found.length > 0 ? found : [{ key: parentKey, names: parentNames, ...parent }];
}

/**
 * Where a route's groups, repeats and escalations are kept: its name when it has one (so reordering the tree keeps
 * them with it), else its position under the nearest named route or the root (`gas.routes[0]`, `routes[1]`).
 */
const childKey = (parentKey: string, index: number, child: PolicyRoute): string =>
  child.name ?? (parentKey === 'default' ? `routes[${index}]` : `${parentKey}.routes[${index}]`);
const namesOf = (parentNames: readonly string[], child: PolicyRoute): readonly string[] => (child.name === undefined ? parentNames : [...parentNames, child.name]);

/** A matcher's towns are area paths: `Ashford` takes the town's alerts and its villages', `Ashford/Millbrook` that village's. */
export function matches(matchers: RouteMatchers | undefined, alert: Pick<AlertView, 'domain' | 'town' | 'severity' | 'ruleId'> & { readonly village?: string | null }): boolean {
  if (matchers === undefined) return true;
  if (matchers.domains !== undefined && !matchers.domains.includes(alert.domain)) return false;
  if (matchers.towns !== undefined && !anyAreaCovers(matchers.towns, areaPathOf(alert))) return false;
  if (matchers.severities !== undefined && !matchers.severities.includes(alert.severity)) return false;
  if (matchers.ruleIds !== undefined && !matchers.ruleIds.includes(alert.ruleId)) return false;
  return true;
}

function settingsOf(route: RouteSettings): RouteSettings {
  const { contactPoints, groupWaitMs, groupIntervalMs, repeatIntervalMs, quietHours, escalation } = route;
  return { contactPoints, groupWaitMs, groupIntervalMs, repeatIntervalMs, quietHours, escalation };
}

/** A child's own settings over its parent's; contact points and escalation are the child's alone once it names them. */
function inherit(parent: RouteSettings, child: PolicyRoute): RouteSettings {
  return {
    contactPoints: child.contactPoints ?? parent.contactPoints,
    groupWaitMs: child.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: child.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: child.repeatIntervalMs ?? parent.repeatIntervalMs,
    quietHours: child.quietHours === undefined ? parent.quietHours : child.quietHours,
    escalation: child.escalation ?? parent.escalation,
  };
}

/** Rule + domain + town: one incident's alerts in one message. */
export function groupKeyOf(alert: Pick<AlertView, 'domain' | 'town' | 'ruleId'>): string {
  return `${alert.ruleId}|${alert.domain}|${alert.town ?? ''}`;
}

/** Every route of the tree by key, with its inherited settings: what a queued group or open alert is sent by. */
export function routesByKey(tree: NotificationPolicyTree): Map<string, ResolvedRoute> {
  const found = new Map<string, ResolvedRoute>();
  const visit = (children: readonly PolicyRoute[], parent: RouteSettings, parentKey: string, parentNames: readonly string[]): void => {
    found.set(parentKey, { key: parentKey, names: parentNames, ...parent });
    for (const [index, child] of children.entries()) visit(child.routes ?? [], inherit(parent, child), childKey(parentKey, index, child), namesOf(parentNames, child));
  };
  visit(tree.routes, settingsOf(tree), 'default', []);
  return found;
}

/** What a named route can take at most: the towns and domains its matchers and its ancestors' allow (null: any). */
export interface NamedRouteReach {
  readonly name: string;
  readonly towns: readonly string[] | null;
  readonly domains: readonly string[] | null;
}

/** Every named route with its reach: what an operator may subscribe to, checked against their scope. */
export function namedRoutes(tree: NotificationPolicyTree): Map<string, NamedRouteReach> {
  const found = new Map<string, NamedRouteReach>();
  const narrow = (outer: readonly string[] | null, inner: readonly string[] | undefined): readonly string[] | null =>
    inner === undefined ? outer : outer === null ? inner : outer.filter((item) => inner.includes(item));
  // Areas nest: where a town meets one of its villages, the village is what both allow.
  const narrowAreas = (outer: readonly string[] | null, inner: readonly string[] | undefined): readonly string[] | null =>
    inner === undefined ? outer : outer === null ? inner : [...new Set(outer.flatMap((item) => inner.flatMap((other) => (areaCovers(item, other) ? [other] : areaCovers(other, item) ? [item] : []))))];
  const visit = (children: readonly PolicyRoute[], towns: readonly string[] | null, domains: readonly string[] | null): void => {
    for (const child of children) {
      const reach = { towns: narrowAreas(towns, child.matchers?.towns), domains: narrow(domains, child.matchers?.domains) };
      if (child.name !== undefined) found.set(child.name, { name: child.name, ...reach });
      visit(child.routes ?? [], reach.towns, reach.domains);
    }
  };
  visit(tree.routes, null, null);
  return found;
}
