import type { EscalationLevel, NotificationPolicyTree, PolicyRoute, QuietHours, RouteMatchers } from '@hub/api-types';
import { minutesText } from './policy-draft';

/** The policy in words, for the read-only tree: what a route takes, where it sends, how often, and who is told next. */

export function matchersText(matchers: RouteMatchers | undefined): string {
  const parts = [
    matchers?.domains?.length ? `domain ${matchers.domains.join(' or ')}` : undefined,
    matchers?.severities?.length ? `severity ${matchers.severities.join(' or ')}` : undefined,
    matchers?.towns?.length ? `town ${matchers.towns.join(' or ')}` : undefined,
    matchers?.ruleIds?.length ? `rule ${matchers.ruleIds.join(' or ')}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? 'every alert' : parts.join(', ');
}

export const minutes = (ms: number): string => `${minutesText(ms)} min`;

export function repeatText(ms: number): string {
  return ms === 0 ? 'never repeated' : `repeated every ${minutes(ms)} while unacknowledged`;
}

export function quietText(quiet: QuietHours | null): string {
  return quiet === null ? 'no quiet hours' : `quiet hours ${quiet.start}–${quiet.end} (${quiet.timeZone}): non-critical messages held`;
}

export function escalationText(level: EscalationLevel): string {
  return `after ${minutes(level.afterMs)} unacknowledged → ${level.contactPoints.join(', ')}`;
}

/** The timings a route sets itself, in words; empty when it inherits them all. */
export function timingsText(route: Partial<PolicyRoute>): string[] {
  return [
    route.groupWaitMs === undefined ? undefined : `group wait ${minutes(route.groupWaitMs)}`,
    route.groupIntervalMs === undefined ? undefined : `group interval ${minutes(route.groupIntervalMs)}`,
    route.repeatIntervalMs === undefined ? undefined : repeatText(route.repeatIntervalMs),
    route.quietHours === undefined ? undefined : quietText(route.quietHours),
  ].filter((part): part is string => part !== undefined);
}

/**
 * Where the tree names a contact point, in words ("Default route", "Route 1.2 escalation level 1"): told before it
 * is deleted, since the hub lets it go but refuses the next tree that still names it.
 */
export function placesNaming(tree: PolicyRoute & Partial<Pick<NotificationPolicyTree, 'personalDelivery'>>, name: string, numbers: readonly number[] = []): string[] {
  const route = numbers.length === 0 ? 'Default route' : `Route ${numbers.join('.')}`;
  return [
    ...(tree.personalDelivery?.email === name ? ['operators’ own email'] : []),
    ...(tree.personalDelivery?.sms === name ? ['operators’ own SMS'] : []),
    ...(tree.contactPoints?.includes(name) ? [route] : []),
    ...(tree.escalation ?? []).flatMap((level, index) => (level.contactPoints.includes(name) ? [`${route} escalation level ${index + 1}`] : [])),
    ...(tree.routes ?? []).flatMap((child, index) => placesNaming(child, name, [...numbers, index + 1])),
  ];
}
