import { type NotificationPolicyTree, PERSONAL_CHANNEL_NAMES, type PersonalChannelName, type RouteSettings, type SendReason } from '@hub/api-types';
import type { AlertNotification, AlertView } from '../lifecycle/alert.view';

// The tree's document is part of the API (GET/PUT /api/notification-policies, read by the console), so its shape is
// spelt once in @hub/api-types.
export type { EscalationLevel, NotificationPolicyTree, PolicyRoute, QuietHours, RouteMatchers, RouteSettings } from '@hub/api-types';

/** The channels an operator can subscribe with, to their own email address or phone. */
export const PERSONAL_CHANNELS = PERSONAL_CHANNEL_NAMES;
export type PersonalChannel = PersonalChannelName;

export type PersonalDelivery = NotificationPolicyTree['personalDelivery'];

/**
 * A route an alert matched, with the settings it inherited; `key` is its path in the tree (`routes[1].routes[0]`),
 * `names` the names of it and the routes above it (a subscription to a route covers the routes under it).
 */
export interface ResolvedRoute extends RouteSettings {
  readonly key: string;
  readonly names: readonly string[];
}

/** An operator subscribed to a route: where their messages go, and the alerts their scope lets them see. */
export interface PersonalRecipient {
  /** `@<username>/<channel>`: queued and logged like a contact point's name (which never starts with "@"). */
  readonly destination: string;
  covers(alert: Pick<AlertView, 'town' | 'domain'> & { readonly village?: string | null }): boolean;
}

export function personalDestination(username: string, channel: PersonalChannel): string {
  return `@${username}/${channel}`;
}

/** The operator and channel of a personal destination; undefined for a contact point's name. */
export function parsePersonalDestination(destination: string): { username: string; channel: PersonalChannel } | undefined {
  const match = /^@([^/]+)\/(email|sms)$/.exec(destination);
  return match === null ? undefined : { username: match[1], channel: match[2] as PersonalChannel };
}

// The reasons are part of the API's JSON (the delivery log), so they are spelt once in @hub/api-types.
export { SEND_REASONS, type SendReason } from '@hub/api-types';

export interface ContactPointAnswer {
  readonly ok: boolean;
  readonly retryable: boolean;
  readonly providerAnswer: string;
}

/** Sends one message (one or several alert changes of one group) to a named contact point or an operator. */
export interface ContactPointPort {
  /** The contact point's kind (email, sms, dingtalk…), undefined when there is none of that name. */
  kindOf(name: string): string | undefined;
  /** Operators subscribed to any of these routes (by name), each once. */
  personalRecipients(routeNames: readonly string[]): readonly PersonalRecipient[];
  send(contactPoint: string, alerts: readonly AlertNotification[], context: { route: string; level: number; reason: SendReason }): Promise<ContactPointAnswer>;
}

export const DEFAULT_POLICY_TREE: NotificationPolicyTree = {
  contactPoints: [],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
  quietHours: null,
  escalation: [],
  routes: [],
  personalDelivery: { email: null, sms: null },
};

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
