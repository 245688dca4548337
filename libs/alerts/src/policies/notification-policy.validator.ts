import { describe, type DomainIssue, InvalidInputError, JsonInputReader, AREA_PATH_PATTERN, AREA_PATH_RULE } from '@hub/common';
import { type MetricCatalogue, readDomainList } from '@hub/contract';
import { RULE_ID_PATTERN, SEVERITIES } from '../rules/alert-rule';
import {
  DEFAULT_POLICY_TREE,
  DEFAULT_TIME_ZONE,
  EscalationLevel,
  NotificationPolicyTree,
  PERSONAL_CHANNELS,
  PersonalDelivery,
  PolicyRoute,
  QuietHours,
  RouteMatchers,
} from './notification-policy';
import { isTimeZone, toMinutes } from './quiet-hours';

const DAY = 86_400_000;
const SETTINGS_KEYS = ['contactPoints', 'groupWaitMs', 'groupIntervalMs', 'repeatIntervalMs', 'quietHours', 'escalation'];
const ROOT_KEYS = [...SETTINGS_KEYS, 'routes', 'personalDelivery'];
const ROUTE_KEYS = ['name', 'matchers', 'continue', ...SETTINGS_KEYS, 'routes'];
/** Like a contact point's name: what operators see and subscribe to. */
export const ROUTE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const MATCHER_KEYS = ['domains', 'towns', 'severities', 'ruleIds'];
const MAX_DEPTH = 4;
const MAX_ROUTES = 200;
const MAX_LEVELS = 5;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface PolicyValidationContext {
  readonly catalogue: MetricCatalogue;
  /** The kind of the contact point of this name (email, sms, dingtalk…), undefined when there is none. */
  readonly contactPointKind: (name: string) => string | undefined;
  /** Quiet hours that name no zone are in this one (HUB_TIME_ZONE); DEFAULT_TIME_ZONE when not given. */
  readonly defaultTimeZone?: string;
}

/**
 * Checks the whole tree as one document, like Alertmanager's config, and lists every problem with its path
 * (`routes[0].escalation[1].afterMs …`), so an admin fixes it in one round trip. Timings left out of the default
 * route take DEFAULT_POLICY_TREE's; a child inherits what it leaves out from its parent.
 */
export function parseNotificationPolicyTree(body: unknown, context: PolicyValidationContext): NotificationPolicyTree {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ROOT_KEYS);
  if (read === undefined) throw new InvalidInputError('notification policy tree', issues);
  const counter = { routes: 0, names: new Set<string>() };
  const settings = readSettings(read, context);
  const tree: NotificationPolicyTree = {
    contactPoints: settings.contactPoints ?? DEFAULT_POLICY_TREE.contactPoints,
    groupWaitMs: settings.groupWaitMs ?? DEFAULT_POLICY_TREE.groupWaitMs,
    groupIntervalMs: settings.groupIntervalMs ?? DEFAULT_POLICY_TREE.groupIntervalMs,
    repeatIntervalMs: settings.repeatIntervalMs ?? DEFAULT_POLICY_TREE.repeatIntervalMs,
    quietHours: settings.quietHours ?? null,
    escalation: settings.escalation ?? [],
    routes: readRoutes(read, context, 1, counter),
    personalDelivery: readPersonalDelivery(read, context),
  };
  if (issues.length > 0) throw new InvalidInputError('notification policy tree', issues);
  return tree;
}

function readRoutes(read: JsonInputReader, context: PolicyValidationContext, depth: number, counter: { routes: number; names: Set<string> }): PolicyRoute[] {
  const value = read.raw('routes');
  if (value === undefined) return [];
  if (!Array.isArray(value)) return read.fail('routes', `must be an array of routes, got ${describe(value)}`) ?? [];
  if (depth > MAX_DEPTH) return read.fail('routes', `nests too deep: at most ${MAX_DEPTH} levels of child routes`) ?? [];
  const routes: PolicyRoute[] = [];
  for (const [index, item] of value.entries()) {
    if (++counter.routes > MAX_ROUTES) return read.fail('routes', `the tree may hold at most ${MAX_ROUTES} routes`) ?? [];
    const child = JsonInputReader.of(item, read.field(`routes[${index}]`), read.issues, ROUTE_KEYS);
    if (child === undefined) continue;
    const name = child.string('name', { maxLength: 40, pattern: ROUTE_NAME_PATTERN, patternText: 'lower-case letters, digits and -, 1–40 characters, e.g. gas-critical' });
    if (name === 'default') child.fail('name', '"default" is the default route’s: choose another name');
    else if (name !== undefined && counter.names.has(name)) child.fail('name', `${JSON.stringify(name)} names another route already: route names are unique in the tree`);
    if (name !== undefined) counter.names.add(name);
    const matchers = readMatchers(child, context);
    const proceed = child.boolean('continue');
    routes.push({
      ...(name === undefined ? {} : { name }),
      ...(matchers === undefined ? {} : { matchers }),
      ...(proceed === undefined ? {} : { continue: proceed }),
      ...readSettings(child, context),
      routes: readRoutes(child, context, depth + 1, counter),
    });
  }
  return routes;
}

function readMatchers(read: JsonInputReader, context: PolicyValidationContext): RouteMatchers | undefined {
  const matchers = read.object('matchers', MATCHER_KEYS);
  if (matchers === undefined) return undefined;
  const domains = readDomainList(matchers, 'domains', context.catalogue);
  const towns = matchers.stringList('towns', { maxItems: 1000, pattern: AREA_PATH_PATTERN, patternText: AREA_PATH_RULE });
  const severities = readSeverities(matchers);
  const ruleIds = matchers.stringList('ruleIds', { maxItems: 1000, pattern: RULE_ID_PATTERN, patternText: 'a rule id (lower-case letters, digits and -)' });
  return {
    ...(domains === undefined ? {} : { domains }),
    ...(towns === undefined ? {} : { towns }),
    ...(severities === undefined ? {} : { severities }),
    ...(ruleIds === undefined ? {} : { ruleIds }),
  };
}

function readSeverities(read: JsonInputReader): (typeof SEVERITIES)[number][] | undefined {
  const value = read.raw('severities');
  if (value === undefined) return undefined;
  const choices = `one of ${SEVERITIES.join(', ')}`;
  if (!Array.isArray(value)) return read.fail('severities', `must be an array of severities (${choices}), got ${describe(value)}`);
  const bad = value.findIndex((item) => typeof item !== 'string' || !(SEVERITIES as readonly string[]).includes(item));
  if (bad >= 0) return read.fail(`severities[${bad}]`, `must be ${choices}, got ${describe(value[bad])}`);
  if (new Set(value).size !== value.length) return read.fail('severities', 'must not repeat an entry');
  return value as (typeof SEVERITIES)[number][];
}

function readSettings(read: JsonInputReader, context: PolicyValidationContext): Omit<PolicyRoute, 'matchers' | 'continue' | 'routes'> {
  const contactPoints = readContactPoints(read, 'contactPoints', context);
  const groupWaitMs = read.duration('groupWaitMs', 0, DAY);
  const groupIntervalMs = read.duration('groupIntervalMs', 0, DAY);
  const repeatIntervalMs = read.duration('repeatIntervalMs', 0, 7 * DAY);
  const quietHours = read.raw('quietHours') === null ? null : readQuietHours(read, context.defaultTimeZone ?? DEFAULT_TIME_ZONE);
  const escalation = readEscalation(read, context);
  return {
    ...(contactPoints === undefined ? {} : { contactPoints }),
    ...(groupWaitMs === undefined ? {} : { groupWaitMs }),
    ...(groupIntervalMs === undefined ? {} : { groupIntervalMs }),
    ...(repeatIntervalMs === undefined ? {} : { repeatIntervalMs }),
    ...(quietHours === undefined ? {} : { quietHours }),
    ...(escalation === undefined ? {} : { escalation }),
  };
}

function readContactPoints(read: JsonInputReader, key: string, context: PolicyValidationContext): string[] | undefined {
  const names = read.stringList(key, { maxItems: 50, pattern: /^\S(.{0,98}\S)?$/u, patternText: 'a contact point name' });
  if (names === undefined) return undefined;
  const unknown = names.findIndex((name) => context.contactPointKind(name) === undefined);
  if (unknown >= 0) return read.fail(`${key}[${unknown}]`, `names no contact point: ${JSON.stringify(names[unknown])}`);
  return names;
}

/** Which contact point carries operators' own email and SMS subscriptions: it must exist and be of that kind. */
function readPersonalDelivery(read: JsonInputReader, context: PolicyValidationContext): PersonalDelivery {
  const none = DEFAULT_POLICY_TREE.personalDelivery;
  const delivery = read.object('personalDelivery', [...PERSONAL_CHANNELS]);
  if (delivery === undefined) return none;
  const chosen = { ...none };
  for (const channel of PERSONAL_CHANNELS) {
    if (delivery.raw(channel) === null || !delivery.has(channel)) continue;
    const name = delivery.string(channel, { maxLength: 100 });
    if (name === undefined) continue;
    const kind = context.contactPointKind(name);
    if (kind === undefined) delivery.fail(channel, `names no contact point: ${JSON.stringify(name)}`);
    else if (kind !== channel) delivery.fail(channel, `must name an ${channel} contact point (its server carries operators' own messages); ${JSON.stringify(name)} is ${kind}`);
    else chosen[channel] = name;
  }
  return chosen;
}

function readQuietHours(read: JsonInputReader, defaultTimeZone: string): QuietHours | undefined {
  const quiet = read.object('quietHours', ['start', 'end', 'timeZone']);
  if (quiet === undefined) return undefined;
  const start = quiet.requiredString('start', { maxLength: 5, pattern: HH_MM, patternText: 'HH:MM (00:00–23:59)' });
  const end = quiet.requiredString('end', { maxLength: 5, pattern: HH_MM, patternText: 'HH:MM (00:00–23:59)' });
  const timeZone = quiet.string('timeZone', { maxLength: 64 }) ?? defaultTimeZone;
  if (!isTimeZone(timeZone)) quiet.fail('timeZone', `must be an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(timeZone)}`);
  if (start === undefined || end === undefined) return undefined;
  if (toMinutes(start) === toMinutes(end)) return quiet.fail('end', 'must differ from start');
  return { start, end, timeZone };
}

function readEscalation(read: JsonInputReader, context: PolicyValidationContext): EscalationLevel[] | undefined {
  const value = read.raw('escalation');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_LEVELS) return read.fail('escalation', `must be an array of at most ${MAX_LEVELS} levels { afterMs, contactPoints }, got ${describe(value)}`);
  const levels: EscalationLevel[] = [];
  for (const [index, item] of value.entries()) {
    const level = JsonInputReader.of(item, read.field(`escalation[${index}]`), read.issues, ['afterMs', 'contactPoints']);
    if (level === undefined) continue;
    const afterMs = level.has('afterMs') ? level.duration('afterMs', 1000, 7 * DAY) : level.missing('afterMs');
    const contactPoints = level.has('contactPoints') ? readContactPoints(level, 'contactPoints', context) : level.missing('contactPoints');
    if (contactPoints?.length === 0) level.fail('contactPoints', 'must name at least one contact point');
    const previous = levels.at(-1);
    if (afterMs !== undefined && previous !== undefined && afterMs <= previous.afterMs) {
      level.fail('afterMs', `must be later than level ${index}'s (${previous.afterMs} ms): each level counts from when the alert fired`);
    }
    if (afterMs !== undefined && contactPoints !== undefined) levels.push({ afterMs, contactPoints });
  }
  return levels;
}
