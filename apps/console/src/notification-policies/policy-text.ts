import type { EscalationLevel, NotificationPolicyTree, PolicyRoute, QuietHours, RouteMatchers } from '@hub/api-types';
import { t } from '../i18n/i18n';
import { domainWord, severityWord } from './alert-words';
import { minutesText } from './policy-draft';

/** The policy in words, for the read-only tree: what a route takes, where it sends, how often, and who is told next. */

/** "gas or water": the alternatives of one matcher. */
const either = (items: readonly string[]): string => items.join(t('notify.policy.or'));

export function matchersText(matchers: RouteMatchers | undefined): string {
  const parts = [
    matchers?.domains?.length ? t('notify.policy.match.domain', { domains: either(matchers.domains.map(domainWord)) }) : undefined,
    matchers?.severities?.length ? t('notify.policy.match.severity', { severities: either(matchers.severities.map(severityWord)) }) : undefined,
    matchers?.towns?.length ? t('notify.policy.match.town', { towns: either(matchers.towns) }) : undefined,
    matchers?.ruleIds?.length ? t('notify.policy.match.rule', { rules: either(matchers.ruleIds) }) : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? t('notify.policy.everyAlert') : parts.join(t('notify.policy.listSeparator'));
}

export const minutes = (ms: number): string => t('notify.policy.minutes', { minutes: minutesText(ms) });

export function repeatText(ms: number): string {
  return ms === 0 ? t('notify.policy.neverRepeated') : t('notify.policy.repeated', { interval: minutes(ms) });
}

export function quietText(quiet: QuietHours | null): string {
  return quiet === null ? t('notify.policy.noQuietHours') : t('notify.policy.quietHours', { start: quiet.start, end: quiet.end, zone: quiet.timeZone });
}

export function escalationText(level: EscalationLevel): string {
  return t('notify.policy.escalation', { after: minutes(level.afterMs), contactPoints: level.contactPoints.join(', ') });
}

/** The timings a route sets itself, in words; empty when it inherits them all. */
export function timingsText(route: Partial<PolicyRoute>): string[] {
  return [
    route.groupWaitMs === undefined ? undefined : t('notify.policy.groupWait', { wait: minutes(route.groupWaitMs) }),
    route.groupIntervalMs === undefined ? undefined : t('notify.policy.groupInterval', { interval: minutes(route.groupIntervalMs) }),
    route.repeatIntervalMs === undefined ? undefined : repeatText(route.repeatIntervalMs),
    route.quietHours === undefined ? undefined : quietText(route.quietHours),
  ].filter((part): part is string => part !== undefined);
}

/**
 * Where the tree names a contact point, in words ("Default route", "Route 1.2 escalation level 1"): told before it
 * is deleted, since the hub lets it go but refuses the next tree that still names it.
 */
export function placesNaming(tree: PolicyRoute & Partial<Pick<NotificationPolicyTree, 'personalDelivery'>>, name: string, numbers: readonly number[] = []): string[] {
  const route = numbers.length === 0 ? t('notify.policy.defaultRoute') : t('notify.policy.route', { number: numbers.join('.') });
  return [
    ...(tree.personalDelivery?.email === name ? [t('notify.policy.place.ownEmail')] : []),
    ...(tree.personalDelivery?.sms === name ? [t('notify.policy.place.ownSms')] : []),
    ...(tree.contactPoints?.includes(name) ? [route] : []),
    ...(tree.escalation ?? []).flatMap((level, index) => (level.contactPoints.includes(name) ? [t('notify.policy.place.escalation', { route, level: index + 1 })] : [])),
    ...(tree.routes ?? []).flatMap((child, index) => placesNaming(child, name, [...numbers, index + 1])),
  ];
}
