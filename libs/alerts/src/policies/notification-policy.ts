import type { SendReason } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import type { AlertNotification } from '../lifecycle/alert.view';
import type { Severity } from '../rules/alert-rule';

/** Which alerts a route takes: each list absent means any. */
export interface RouteMatchers {
  readonly domains?: readonly Domain[];
  readonly towns?: readonly string[];
  readonly severities?: readonly Severity[];
  readonly ruleIds?: readonly string[];
}

/** Local time window ("22:00"–"07:00" may wrap midnight) in which non-critical alerts are held. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

export interface EscalationLevel {
  /** Since the alert fired, unacknowledged. */
  readonly afterMs: number;
  readonly contactPoints: readonly string[];
}

export interface RouteSettings {
  readonly contactPoints: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  /** 0: never repeat. */
  readonly repeatIntervalMs: number;
  readonly quietHours: QuietHours | null;
  readonly escalation: readonly EscalationLevel[];
}

/** A child route as written: settings it leaves out are inherited from its parent. */
export interface PolicyRoute extends Partial<RouteSettings> {
  readonly matchers?: RouteMatchers;
  readonly continue?: boolean;
  readonly routes?: readonly PolicyRoute[];
}

/** The whole tree, one document: the default route (it matches everything) and its children. */
export interface NotificationPolicyTree extends RouteSettings {
  readonly routes: readonly PolicyRoute[];
}

/** A route an alert matched, with the settings it inherited; `key` is its path in the tree (`routes[1].routes[0]`). */
export interface ResolvedRoute extends RouteSettings {
  readonly key: string;
}

// The reasons are part of the API's JSON (the delivery log), so they are spelt once in @hub/api-types.
export { SEND_REASONS, type SendReason } from '@hub/api-types';

export interface ContactPointAnswer {
  readonly ok: boolean;
  readonly retryable: boolean;
  readonly providerAnswer: string;
}

/** Sends one message (one or several alert changes of one group) to a named contact point. */
export interface ContactPointPort {
  exists(name: string): boolean;
  /** Its kind (email, dingtalk, …), for the delivery log and /metrics; undefined when there is none of that name. */
  kindOf(name: string): string | undefined;
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
};

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
