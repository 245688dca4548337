import type { NetworkServerKind } from '@hub/api-types';

/**
 * A LoRaWAN network server the hub takes uplinks from, as an MQTT client of the network server's own broker
 * (issue 15). Only ChirpStack v4 for now; The Things Stack pushes over HTTP instead.
 */
export const NETWORK_SERVER_KINDS = ['chirpstack-v4'] as const satisfies readonly NetworkServerKind[];
export type { NetworkServerKind };

export const NETWORK_SERVER_NAME_PATTERN = /^[a-z0-9-]{1,40}$/;
export const NETWORK_SERVER_NAME_TEXT = 'lower-case letters, digits and -, 1–40 characters, e.g. chirpstack-north';

/**
 * ChirpStack v4 application ids are UUIDs; anything here becomes a topic level, so `/`, `+` and `#` must never
 * get in ([MQTT-4.7.1-1]: wildcards only as whole levels of a filter).
 */
export const APPLICATION_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const APPLICATION_ID_TEXT = 'an application id of letters, digits, _, . and - (1–64), e.g. a ChirpStack application UUID';

/** [MQTT-3.1.3-5] obliges brokers to accept 1–23 of [0-9a-zA-Z] only; mosquitto, EMQX and others take longer ones. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const CLIENT_ID_TEXT = 'letters, digits, _, ., : and - (1–64)';

export interface NetworkServerTls {
  /** PEM text of the CA(s) that signed the broker's certificate; null: the system's trust store. */
  readonly ca: string | null;
  readonly rejectUnauthorized: boolean;
}

export interface NetworkServerConnection {
  readonly name: string;
  readonly kind: NetworkServerKind;
  /** mqtt://host[:port] or mqtts://host[:port]. */
  readonly url: string;
  readonly username: string | null;
  /** Write-only: never in a view, never in a log line. */
  readonly password: string | null;
  readonly tls: NetworkServerTls;
  /** Empty: every application the credentials may read. */
  readonly applicationIds: readonly string[];
  /**
   * Stable across restarts: with clean session off, the broker keeps the subscriptions and every unacknowledged
   * QoS 1 message under this id while the hub is away, and delivers them when it is back.
   */
  readonly clientId: string;
  readonly enabled: boolean;
}

export function defaultClientId(name: string): string {
  return `county-hub-${name}`;
}

/** ChirpStack v4 publishes integration events on application/{applicationId}/device/{devEui}/event/{type}. */
export function subscriptionFilters(connection: Pick<NetworkServerConnection, 'applicationIds'>): string[] {
  const ids = connection.applicationIds.length === 0 ? ['+'] : connection.applicationIds;
  return ids.map((id) => `application/${id}/device/+/event/+`);
}

/**
 * Whether a change means a new MQTT session: another broker, identity or client id. The old session's
 * subscriptions then stay with the broker, so the bridge leaving it unsubscribes them first.
 */
export function sameSession(a: NetworkServerConnection, b: NetworkServerConnection): boolean {
  return a.url === b.url && a.username === b.username && a.clientId === b.clientId;
}

/** The host and port for logs and views: never the credentials (the input refuses them in the URL anyway). */
export function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable url)';
  }
}
