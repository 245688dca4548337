/** The channels an operator can subscribe with: their own email address or phone. */
export const PERSONAL_CHANNEL_NAMES = ['email', 'sms'] as const;
export type PersonalChannelName = (typeof PERSONAL_CHANNEL_NAMES)[number];

/** One named route an operator subscribes to, and how they want to hear of it. */
export interface RouteSubscription {
  readonly route: string;
  readonly channels: readonly PersonalChannelName[];
}

/** A named route of the notification policies as an operator sees it when choosing what to subscribe to. */
export interface SubscribableRouteView {
  readonly name: string;
  /** The towns and domains it can take at most (null: any), from its matchers and those above it. */
  readonly towns: readonly string[] | null;
  readonly domains: readonly string[] | null;
  /** False when none of its alerts could be in the operator's scope: it cannot be subscribed to. */
  readonly inScope: boolean;
}

/** GET/PUT /api/me/notifications: an operator's own address per channel and the routes they follow. */
export interface PersonalNotificationsView {
  readonly email: string | null;
  readonly phone: string | null;
  readonly subscriptions: readonly RouteSubscription[];
  /** Channels the county offers (an admin chose the contact point that carries them); the others cannot be used. */
  readonly channelsOffered: readonly PersonalChannelName[];
  readonly routes: readonly SubscribableRouteView[];
  readonly updatedAt: string | null;
}
