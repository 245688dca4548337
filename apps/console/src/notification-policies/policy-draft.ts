import type { NotificationPolicyTree, PersonalChannelName, PolicyRoute, QuietHours, RouteMatchers, Severity } from '@hub/api-types';
import { type MessageId, t } from '../i18n/i18n';
import { domainWord, severityWord } from './alert-words';

/**
 * The notification policy editor's model: the tree as typed, durations in minutes as text. A child route's setting
 * left empty (contact points, escalation: null; timings: '') is inherited from its parent, as the hub reads it; the
 * default route's empty timings take the hub's defaults.
 */
export interface RouteDraft {
  /** Only for rendering (stable keys while routes are added and removed). */
  readonly id: number;
  /** Optional on a child route (what operators subscribe to); unused on the default route. */
  readonly name: string;
  readonly domains: readonly string[];
  readonly severities: readonly Severity[];
  /** Comma- or line-separated. */
  readonly towns: string;
  readonly ruleIds: string;
  readonly continue: boolean;
  readonly contactPoints: readonly string[] | null;
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeat: string;
  readonly quietHours: 'inherit' | 'none' | 'set';
  readonly quietStart: string;
  readonly quietEnd: string;
  readonly quietTimeZone: string;
  readonly escalation: readonly LevelDraft[] | null;
  readonly routes: readonly RouteDraft[];
  /** Only on the default route: the contact point per channel carrying operators' own messages ('' none). */
  readonly personalDelivery: Readonly<Record<PersonalChannelName, string>>;
  /** Fields of the route and of its matchers this editor does not know (added to the hub later): saved back as read. */
  readonly unknown: Readonly<Record<string, unknown>>;
  readonly unknownMatchers: Readonly<Record<string, unknown>>;
}

const ROUTE_KEYS = ['name', 'matchers', 'continue', 'contactPoints', 'groupWaitMs', 'groupIntervalMs', 'repeatIntervalMs', 'quietHours', 'escalation', 'routes', 'personalDelivery'];
const MATCHER_KEYS = ['domains', 'towns', 'severities', 'ruleIds'];
const othersOf = (value: object | undefined, known: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([key]) => !known.includes(key)));

export interface LevelDraft {
  readonly id: number;
  readonly after: string;
  readonly contactPoints: readonly string[];
}

let nextId = 1;
const newId = (): number => nextId++;

const MINUTE = 60_000;

/** 900000 → "15", 30000 → "0.5". */
export const minutesText = (ms: number | undefined): string => (ms === undefined ? '' : String(Math.round((ms / MINUTE) * 1000) / 1000));

/** "15" → 900000; empty → undefined (inherit, or the hub's default); anything else is sent as typed for the hub to name. */
function durationOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Math.round(Number(trimmed) * MINUTE) : trimmed;
}

const listOf = (text: string): string[] => text.split(/[\n,]+/).map((item) => item.trim()).filter((item) => item !== '');

export function emptyRoute(): RouteDraft {
  return {
    id: newId(),
    name: '',
    domains: [],
    severities: [],
    towns: '',
    ruleIds: '',
    continue: false,
    contactPoints: [],
    groupWait: '',
    groupInterval: '',
    repeat: '',
    quietHours: 'inherit',
    quietStart: '22:00',
    quietEnd: '07:00',
    quietTimeZone: '',
    escalation: null,
    routes: [],
    personalDelivery: { email: '', sms: '' },
    unknown: {},
    unknownMatchers: {},
  };
}

export function emptyLevel(after = ''): LevelDraft {
  return { id: newId(), after, contactPoints: [] };
}

function routeDraft(route: PolicyRoute & Partial<Pick<NotificationPolicyTree, 'personalDelivery'>>, root: boolean): RouteDraft {
  const quiet = route.quietHours;
  return {
    id: newId(),
    name: route.name ?? '',
    domains: route.matchers?.domains ?? [],
    severities: route.matchers?.severities ?? [],
    towns: (route.matchers?.towns ?? []).join(', '),
    ruleIds: (route.matchers?.ruleIds ?? []).join(', '),
    continue: route.continue === true,
    contactPoints: route.contactPoints ?? (root ? [] : null),
    groupWait: minutesText(route.groupWaitMs),
    groupInterval: minutesText(route.groupIntervalMs),
    repeat: minutesText(route.repeatIntervalMs),
    quietHours: quiet === undefined ? (root ? 'none' : 'inherit') : quiet === null ? 'none' : 'set',
    quietStart: quiet?.start ?? '22:00',
    quietEnd: quiet?.end ?? '07:00',
    quietTimeZone: quiet?.timeZone ?? '',
    escalation: route.escalation?.map((level) => ({ id: newId(), after: minutesText(level.afterMs), contactPoints: level.contactPoints })) ?? (root ? [] : null),
    routes: (route.routes ?? []).map((child) => routeDraft(child, false)),
    personalDelivery: { email: route.personalDelivery?.email ?? '', sms: route.personalDelivery?.sms ?? '' },
    unknown: othersOf(route, ROUTE_KEYS),
    unknownMatchers: othersOf(route.matchers, MATCHER_KEYS),
  };
}

export const draftOfTree = (tree: NotificationPolicyTree): RouteDraft => routeDraft(tree, true);

function matchersOf(draft: RouteDraft): RouteMatchers | undefined {
  const towns = listOf(draft.towns);
  const ruleIds = listOf(draft.ruleIds);
  const matchers: RouteMatchers = {
    ...draft.unknownMatchers,
    ...(draft.domains.length > 0 ? { domains: draft.domains } : {}),
    ...(towns.length > 0 ? { towns } : {}),
    ...(draft.severities.length > 0 ? { severities: draft.severities } : {}),
    ...(ruleIds.length > 0 ? { ruleIds } : {}),
  };
  return Object.keys(matchers).length > 0 ? matchers : undefined;
}

/** The settings a route sets itself; what it leaves out, it inherits. Durations the hub cannot read are sent as typed. */
function settingsOf(draft: RouteDraft): Record<string, unknown> {
  const quietHours: QuietHours | null | undefined =
    draft.quietHours === 'inherit'
      ? undefined
      : draft.quietHours === 'none'
        ? null
        : // No zone typed: the hub takes the county's (HUB_TIME_ZONE).
          ({ start: draft.quietStart.trim(), end: draft.quietEnd.trim(), ...(draft.quietTimeZone.trim() === '' ? {} : { timeZone: draft.quietTimeZone.trim() }) } as QuietHours);
  const timings = { groupWaitMs: durationOf(draft.groupWait), groupIntervalMs: durationOf(draft.groupInterval), repeatIntervalMs: durationOf(draft.repeat) };
  return {
    ...(draft.contactPoints === null ? {} : { contactPoints: draft.contactPoints }),
    ...Object.fromEntries(Object.entries(timings).filter(([, value]) => value !== undefined)),
    ...(quietHours === undefined ? {} : { quietHours }),
    ...(draft.escalation === null ? {} : { escalation: draft.escalation.map((level) => ({ afterMs: durationOf(level.after) ?? '', contactPoints: level.contactPoints })) }),
  };
}

function routeOf(draft: RouteDraft): PolicyRoute {
  const matchers = matchersOf(draft);
  const name = draft.name.trim();
  return {
    ...draft.unknown,
    ...(name === '' ? {} : { name }),
    ...(matchers === undefined ? {} : { matchers }),
    ...(draft.continue ? { continue: true } : {}),
    ...settingsOf(draft),
    routes: draft.routes.map(routeOf),
  };
}

/**
 * The PUT body. Typed as the tree, though a duration the admin mistyped goes as text: the hub, not the console,
 * decides what is valid, and names it at its path.
 */
export function treeOfDraft(draft: RouteDraft): NotificationPolicyTree {
  const personalDelivery = { email: draft.personalDelivery.email || null, sms: draft.personalDelivery.sms || null };
  return { ...draft.unknown, ...settingsOf(draft), routes: draft.routes.map(routeOf), personalDelivery } as unknown as NotificationPolicyTree;
}

/** Replaces the route at `path` (indexes from the root down) with what `change` makes of it. */
export function updateRoute(root: RouteDraft, path: readonly number[], change: (route: RouteDraft) => RouteDraft): RouteDraft {
  if (path.length === 0) return change(root);
  const [index, ...rest] = path;
  return { ...root, routes: root.routes.map((child, at) => (at === index ? updateRoute(child, rest, change) : child)) };
}

export function removeRoute(root: RouteDraft, path: readonly number[]): RouteDraft {
  const parent = path.slice(0, -1);
  const index = path[path.length - 1];
  return updateRoute(root, parent, (route) => ({ ...route, routes: route.routes.filter((_, at) => at !== index) }));
}

/** Moves the route at `path` one place up (-1) or down (+1) among its siblings: order decides the first match. */
export function moveRoute(root: RouteDraft, path: readonly number[], by: -1 | 1): RouteDraft {
  const parent = path.slice(0, -1);
  const index = path[path.length - 1];
  return updateRoute(root, parent, (route) => {
    const target = index + by;
    if (target < 0 || target >= route.routes.length) return route;
    const routes = [...route.routes];
    [routes[index], routes[target]] = [routes[target], routes[index]];
    return { ...route, routes };
  });
}

/** The hub's path of a route (`routes[0].routes[1].`), the prefix of its fields in a 400. */
export const routePrefix = (path: readonly number[]): string => path.map((index) => `routes[${index}].`).join('');

export type Problems = Readonly<Record<string, string>>;

/** The problems at `field` and inside it (`contactPoints[1]`, `matchers.severities[0]`), joined for one place. */
export function problemsAt(problems: Problems, field: string): string | undefined {
  const found = Object.entries(problems)
    .filter(([path]) => path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`))
    .map(([path, problem]) => (path === field ? problem : `${path.slice(field.length).replace(/^\./, '').replace(/^\[(\d+)\]/, (_, index: string) => t('notify.policy.entry', { entry: Number(index) + 1 }))}: ${problem}`));
  return found.length > 0 ? found.join('; ') : undefined;
}

const FIELD_WORDS: Readonly<Record<string, MessageId>> = {
  contactPoints: 'notify.policy.field.contactPoints',
  groupWaitMs: 'notify.policy.field.groupWait',
  groupIntervalMs: 'notify.policy.field.groupInterval',
  repeatIntervalMs: 'notify.policy.field.repeatInterval',
  quietHours: 'notify.policy.field.quietHours',
  afterMs: 'notify.policy.field.after',
  matchers: 'notify.policy.field.matchers',
  continue: 'notify.policy.field.continue',
  routes: 'notify.policy.field.routes',
  timeZone: 'notify.policy.field.timeZone',
  personalDelivery: 'notify.policy.field.personalDelivery',
  name: 'notify.policy.field.name',
};
/** A field of the hub's path in words; one this console does not know is shown as the hub names it. */
const fieldWord = (field: string): string => (Object.hasOwn(FIELD_WORDS, field) ? t(FIELD_WORDS[field]) : field);

/**
 * A path of the hub's 400 in words, naming the route by its place and what it matches:
 * `routes[0].escalation[1].afterMs` → `Route 1 (gas, critical) › escalation level 2 › after`.
 */
export function describePath(root: RouteDraft, path: string): string {
  const parts: string[] = [];
  let route: RouteDraft | undefined = root;
  const numbers: number[] = [];
  let rest = path;
  for (let match = /^routes\[(\d+)\]\.?/.exec(rest); match; match = /^routes\[(\d+)\]\.?/.exec(rest)) {
    const index = Number(match[1]);
    numbers.push(index + 1);
    route = route?.routes[index];
    rest = rest.slice(match[0].length);
  }
  parts.push(numbers.length === 0 ? t('notify.policy.defaultRoute') : routeTitle(numbers, route));
  for (const piece of rest.split('.').filter((text) => text !== '')) {
    const level = /^escalation\[(\d+)\]$/.exec(piece);
    if (level) parts.push(t('notify.policy.escalationLevel', { level: Number(level[1]) + 1 }));
    else {
      const item = /^([A-Za-z]+)\[(\d+)\]$/.exec(piece);
      parts.push(item ? t('notify.policy.fieldEntry', { field: fieldWord(item[1]), entry: Number(item[2]) + 1 }) : fieldWord(piece));
    }
  }
  return parts.join(t('notify.policy.pathSeparator'));
}

/** "Route 1.2 (gas, critical)": its place in the tree and what it matches. */
export function routeTitle(numbers: readonly number[], route: RouteDraft | undefined): string {
  const number = numbers.join('.');
  if (!route) return t('notify.policy.route', { number });
  const matched = [...route.domains.map(domainWord), ...listOf(route.towns), ...route.severities.map(severityWord), ...listOf(route.ruleIds)];
  const matches = matched.length > 0 ? matched.join(t('notify.policy.itemSeparator')) : t('notify.policy.everyAlert');
  const name = route.name.trim();
  return name === '' ? t('notify.policy.routeTitle', { number, matches }) : t('notify.policy.routeTitleNamed', { number, name, matches });
}
