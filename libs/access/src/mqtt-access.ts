import { Domain } from '@hub/contract';
import { AccessScope } from './access-scope';

/** Who is on an MQTT connection, decided once at CONNECT. */
export type MqttPrincipal =
  /** A provisioned, enabled device with a valid secret: publishes its own telemetry and status. */
  | { readonly kind: 'device'; readonly deviceId: string; readonly domain: Domain; readonly town: string | null; readonly site: string | null }
  /** Quarantine mode: an unknown device let in to be approved; what it sends is held as dead letters, not stored. */
  | { readonly kind: 'quarantined'; readonly deviceId: string }
  /** A department or integration system (e.g. the water SCADA): read-only subscriptions within its scope. */
  | { readonly kind: 'integration'; readonly name: string; readonly scope: AccessScope };

export interface MqttLoginAttempt {
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: Buffer | undefined;
  readonly remoteAddress: string | undefined;
}

/** CONNACK return codes of MQTT 3.1.1 that a refused CONNECT can carry [MQTT-3.2.2-3]. */
export type MqttRefusalCode = 'identifier-rejected' | 'bad-username-or-password' | 'not-authorized';

export interface MqttLoginRefusal {
  readonly refused: MqttRefusalCode;
  /**
   * Short fixed code for the counters (`unknown-device`, `wrong-secret`, `disabled` …), so refusals can be told apart
   * on a dashboard without a label per detail text. Counted by `refused` when absent.
   */
  readonly reason?: string;
  /** Why, for the log; never sent to the client (it would help an attacker). */
  readonly detail: string;
}

/**
 * Why a PUBLISH is not taken: acknowledged (so the sender does not resend it forever), dead-lettered with `reason`,
 * neither stored nor forwarded nor retained.
 */
export interface MqttPublishRefusal {
  readonly reason: 'TOPIC_FORBIDDEN' | 'DEVICE_QUARANTINED' | 'DOMAIN_UNKNOWN';
  readonly detail: string;
  /** Whom the dead letter is filed under (the sender, for a device), so a field engineer finds it with the device. */
  readonly deviceId?: string;
  readonly domain?: Domain;
}

/**
 * The broker's access decisions. Pure and synchronous (the registry is SQLite and in-memory maps), so the broker hooks
 * only translate: authenticate at CONNECT, then the principal it returned is asked about every PUBLISH, SUBSCRIBE and
 * delivery.
 */
export interface MqttAccessPolicy {
  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal;
  /** Null when the principal may publish on `topic`; otherwise why not (the message is dead-lettered with the reason). */
  publishRefusal(principal: MqttPrincipal, topic: string): MqttPublishRefusal | null;
  /** Null when the principal may subscribe to `filter`; otherwise why not (SUBACK 0x80 for that filter). */
  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null;
  /** Whether a message on `topic` may be delivered to the principal (it matched one of its subscriptions). */
  mayReceive(principal: MqttPrincipal, topic: string): boolean;
}

export function isLoginRefusal(result: MqttPrincipal | MqttLoginRefusal): result is MqttLoginRefusal {
  return 'refused' in result;
}
