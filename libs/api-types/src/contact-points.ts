/**
 * Contact points and notification policies (issue 16) as /api/contact-points and /api/notification-policies show
 * and take them, for the console. The hub's own definitions are in @hub/notify (ContactPointView, DeliveryResult)
 * and @hub/alerts (NotificationPolicyTree); the hub's controllers answer with those, which these mirror.
 */
import type { Severity } from './alerts';
import type { PersonalChannelName } from './notifications';

export const CONTACT_POINT_KINDS = ['email', 'dingtalk', 'feishu', 'wecom', 'sms', 'webhook'] as const;
export type ContactPointKind = (typeof CONTACT_POINT_KINDS)[number];

/** The languages a contact point's messages can be written in (NOTIFY_LANGUAGES in @hub/notify). */
export const CONTACT_POINT_LANGUAGES = ['en', 'zh'] as const;
export type ContactPointLanguage = (typeof CONTACT_POINT_LANGUAGES)[number];

/** A contact point without its secrets: `secrets` says which are set; a URL holding a token shows as `endpoint`. */
export interface ContactPointView {
  readonly name: string;
  readonly kind: ContactPointKind;
  /** null: the hub's HUB_NOTIFY_LANGUAGE. */
  readonly language: ContactPointLanguage | null;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly secretSet: boolean;
  readonly secrets: Readonly<Record<string, boolean>>;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface NewContactPointBody {
  readonly name: string;
  readonly kind: ContactPointKind;
  readonly language?: ContactPointLanguage | null;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The fields sent replace the current ones; a secret left out keeps its value, null clears it. */
export interface ContactPointChangeBody {
  readonly language?: ContactPointLanguage | null;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** What one send attempt came to: `status` absent when nothing answered. */
export interface DeliveryResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly providerAnswer: string;
  readonly retryable: boolean;
}

/** One row of a contact point's delivery log; alertId null for a test message. */
export interface ContactPointDelivery {
  readonly id: number;
  readonly contactPoint: string;
  readonly alertId: number | null;
  readonly at: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly providerAnswer: string;
  readonly retryable: boolean;
}

/** Which alerts a route takes: each list absent means any. */
export interface RouteMatchers {
  readonly domains?: readonly string[];
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
  /** Optional, unique in the tree: what operators subscribe to (a route and every route under it). */
  readonly name?: string;
  readonly matchers?: RouteMatchers;
  readonly continue?: boolean;
  readonly routes?: readonly PolicyRoute[];
}

/** The whole tree, one document: the default route (it matches everything) and its children. */
export interface NotificationPolicyTree extends RouteSettings {
  readonly routes: readonly PolicyRoute[];
  /**
   * Per channel, the contact point whose server or gateway carries operators' own subscriptions (its recipients
   * replaced by the operator's address); null: the channel is not offered.
   */
  readonly personalDelivery: Readonly<Record<PersonalChannelName, string | null>>;
}
