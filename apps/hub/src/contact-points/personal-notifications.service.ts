import { AccessDeniedError, describeScope, type OperatorLookup, type Principal, scopeCovers, type AccessScope } from '@hub/access';
import { namedRoutes, type NamedRouteReach, type NotificationPolicyTree, PERSONAL_CHANNELS, type PersonalChannel, type PersonalRecipient, personalDestination } from '@hub/alerts';
import type { PersonalNotificationsView, RouteSubscription, SubscribableRouteView } from '@hub/api-types';
import { areasOverlap, type DomainIssue, InvalidInputError, JsonInputReader, describe, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import { type ContactPoint, EMAIL_ADDRESS, PHONE_NUMBER } from '@hub/notify';
import type { AuditLogRepository, Store } from '@hub/store';
import type { PersonalNotificationsRepository, PersonalSettings } from './personal-notifications.repository';

const MAX_SUBSCRIPTIONS = 50;

/** Where a personal destination's message goes: the county's contact point with the operator as its only recipient. */
export type PersonalTarget = { ok: true; point: ContactPoint; covers: (alert: { town: string | null; village?: string | null; domain: string }) => boolean } | { ok: false; why: string };

/**
 * Operators' own notification settings (issue 16 point 6): their email address and phone, and the named routes of
 * the notification policies they follow. A subscribed operator receives a route's messages (not its escalations,
 * which name their own people) through the contact point the admins chose per channel (personalDelivery), holding
 * only the alerts their scope covers — checked when the message is queued and again when it is sent, so a scope
 * narrowed in between is honoured. Kept in memory (read per queued message, by the policies' synchronous
 * ContactPointPort.personalRecipients): loaded at start, changed once a change has committed.
 */
export class PersonalNotificationsService {
  private byUser = new Map<string, PersonalSettings>();
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(
    private readonly store: Store,
    private readonly repository: PersonalNotificationsRepository,
    private readonly operators: OperatorLookup,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads every operator's settings (start-up). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every operator's settings again (another node changed some), as a swap to run when the caller decides (CacheCoherence). */
  async readAll(): Promise<() => void> {
    const all = await this.repository.list();
    return () => (this.byUser = new Map(all.map((settings) => [settings.username, settings])));
  }

  view(principal: Principal, tree: NotificationPolicyTree): PersonalNotificationsView {
    const username = ownerOf(principal);
    const settings = this.byUser.get(username);
    return {
      email: settings?.email ?? null,
      phone: settings?.phone ?? null,
      subscriptions: settings?.subscriptions ?? [],
      channelsOffered: PERSONAL_CHANNELS.filter((channel) => tree.personalDelivery[channel] !== null),
      routes: [...namedRoutes(tree).values()].map((route): SubscribableRouteView => ({ ...route, inScope: reaches(route, principal.scope) })),
      updatedAt: settings === undefined ? null : new Date(settings.updatedAt).toISOString(),
    };
  }

  /** Replaces the caller's settings; every problem is listed with its field. */
  async put(principal: Principal, body: unknown, tree: NotificationPolicyTree): Promise<PersonalNotificationsView> {
    const username = ownerOf(principal);
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body, '', issues, ['email', 'phone', 'subscriptions']);
    if (read === undefined) throw new InvalidInputError('notification settings', issues);
    const email = read.raw('email') === null ? null : (read.string('email', { maxLength: 254, pattern: EMAIL_ADDRESS, patternText: 'an email address such as li.wei@county.example' }) ?? null);
    const phone = read.raw('phone') === null ? null : (read.string('phone', { maxLength: 21, pattern: PHONE_NUMBER, patternText: 'a phone number of 5–20 digits, optionally starting with +' }) ?? null);
    const subscriptions = readSubscriptions(read, { email, phone }, principal.scope, tree);
    if (issues.length > 0) throw new InvalidInputError('notification settings', issues);
    const settings: PersonalSettings = { username, email, phone, subscriptions, updatedAt: this.now() };
    await this.store.tx(async (tx) => {
      await this.repository.save(settings, tx.exec);
      // Whether an address is set, not the address: the audit log is read by every admin.
      await this.audit.record(
        {
          at: settings.updatedAt,
          actor: username,
          action: 'operator.notifications.update',
          targetType: 'operator',
          targetId: username,
          detail: { emailSet: email !== null, phoneSet: phone !== null, subscriptions },
        },
        tx.exec,
      );
      tx.afterCommit(() => {
        this.byUser.set(username, settings);
        this.shared.changed();
      });
    });
    return this.view(principal, tree);
  }

  /** Operators subscribed to any of these routes who can still be reached: enabled, with the channel's address. */
  recipientsOf(routeNames: readonly string[]): PersonalRecipient[] {
    const found = new Map<string, PersonalRecipient>();
    for (const settings of this.byUser.values()) {
      const channels = new Set(settings.subscriptions.filter((subscription) => routeNames.includes(subscription.route)).flatMap((subscription) => subscription.channels));
      if (channels.size === 0) continue;
      const operator = this.operators.get(settings.username);
      if (operator === undefined || operator.disabled) continue;
      for (const channel of channels) {
        if (addressOf(settings, channel) === null) continue;
        const destination = personalDestination(settings.username, channel);
        found.set(destination, { destination, covers: (alert) => scopeCovers(operator.scope, alert) });
      }
    }
    return [...found.values()];
  }

  /** At send time: the contact point to send through, readdressed to the operator, and their scope as it is now. */
  target(username: string, channel: PersonalChannel, tree: NotificationPolicyTree, findPoint: (name: string) => ContactPoint | undefined): PersonalTarget {
    const operator = this.operators.get(username);
    if (operator === undefined) return { ok: false, why: `operator ${JSON.stringify(username)} no longer exists` };
    if (operator.disabled) return { ok: false, why: `operator ${JSON.stringify(username)} is disabled` };
    const settings = this.byUser.get(username);
    const address = settings === undefined ? null : addressOf(settings, channel);
    if (address === null) return { ok: false, why: `${username} has no ${channel === 'email' ? 'email address' : 'phone number'} any more` };
    const via = tree.personalDelivery[channel];
    const point = via === null ? undefined : findPoint(via);
    if (point === undefined) return { ok: false, why: `no contact point carries operators' ${channel} (notification policies' personalDelivery.${channel})` };
    const covers = (alert: { town: string | null; village?: string | null; domain: string }): boolean => scopeCovers(operator.scope, alert);
    if (point.kind === 'email') return { ok: true, point: { ...point, settings: { ...point.settings, to: [address] } }, covers };
    if (point.kind === 'sms') return { ok: true, point: { ...point, settings: { ...point.settings, phoneNumbers: [address] } }, covers };
    return { ok: false, why: `contact point ${JSON.stringify(point.name)} is ${point.kind}, not ${channel}` };
  }
}

function ownerOf(principal: Principal): string {
  if (principal.kind !== 'operator') throw new AccessDeniedError('Only an operator signed in has their own notification settings; an API key has none');
  return principal.name;
}

function addressOf(settings: Pick<PersonalSettings, 'email' | 'phone'>, channel: PersonalChannel): string | null {
  return channel === 'email' ? settings.email : settings.phone;
}

/** Whether any alert the route can take is in the scope: the two overlap in towns (a town and its village do) and in domains. */
function reaches(route: NamedRouteReach, scope: AccessScope): boolean {
  const overlaps = (reach: readonly string[] | null, allowed: readonly string[], same: (a: string, b: string) => boolean): boolean =>
    reach === null || allowed.length === 0 || reach.some((item) => allowed.some((other) => same(item, other)));
  return overlaps(route.towns, scope.towns, areasOverlap) && overlaps(route.domains, scope.domains, (a, b) => a === b);
}

function readSubscriptions(read: JsonInputReader, addresses: Pick<PersonalSettings, 'email' | 'phone'>, scope: AccessScope, tree: NotificationPolicyTree): RouteSubscription[] {
  const value = read.raw('subscriptions');
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_SUBSCRIPTIONS) return read.fail('subscriptions', `must be an array of at most ${MAX_SUBSCRIPTIONS} { route, channels }, got ${describe(value)}`) ?? [];
  const routes = namedRoutes(tree);
  const seen = new Set<string>();
  const subscriptions: RouteSubscription[] = [];
  for (const [index, item] of value.entries()) {
    const entry = JsonInputReader.of(item, read.field(`subscriptions[${index}]`), read.issues, ['route', 'channels']);
    if (entry === undefined) continue;
    const name = entry.requiredString('route', { maxLength: 40 });
    const channels = entry.stringList('channels', { maxItems: PERSONAL_CHANNELS.length, pattern: /^(email|sms)$/, patternText: `one of ${PERSONAL_CHANNELS.join(', ')}` }) as PersonalChannel[] | undefined;
    if (!entry.has('channels')) entry.fail('channels', `is required: some of ${PERSONAL_CHANNELS.join(', ')}`);
    else if (channels?.length === 0) entry.fail('channels', `must name at least one of ${PERSONAL_CHANNELS.join(', ')}`);
    if (name === undefined || channels === undefined || channels.length === 0) continue;
    const route = routes.get(name);
    if (route === undefined) {
      const known = [...routes.keys()];
      entry.fail('route', `names no route of the notification policies: ${JSON.stringify(name)} (${known.length === 0 ? 'no route has a name yet' : `named routes: ${known.join(', ')}`})`);
      continue;
    }
    if (seen.has(name)) entry.fail('route', `${JSON.stringify(name)} is subscribed to twice`);
    seen.add(name);
    if (!reaches(route, scope)) entry.fail('route', `${JSON.stringify(name)} takes only alerts outside your scope (${describeReach(route)}; you see ${describeScope(scope)})`);
    for (const channel of channels) {
      if (tree.personalDelivery[channel] === null) entry.fail('channels', `the county offers no personal ${channel} yet (an admin sets notification policies' personalDelivery.${channel})`);
      else if (addressOf(addresses, channel) === null) entry.fail('channels', `needs your ${channel === 'email' ? 'email address' : 'phone number'} (${channel === 'email' ? 'email' : 'phone'} is empty)`);
    }
    subscriptions.push({ route: name, channels });
  }
  return subscriptions;
}

function describeReach(route: NamedRouteReach): string {
  const towns = route.towns === null ? 'any town' : route.towns.length === 0 ? 'no town' : `towns ${route.towns.join(', ')}`;
  const domains = route.domains === null ? 'any domain' : route.domains.length === 0 ? 'no domain' : `domains ${route.domains.join(', ')}`;
  return `${towns}, ${domains}`;
}
