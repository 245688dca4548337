import { scopeCovers } from '../../access/src/access-scope';
import type { MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal, MqttRefusalCode } from '../../access/src/mqtt-access';
import { INTEGRATION_CLIENT_NAME_PATTERN, isIntegrationUsername } from './integration-client';
import { IntegrationCredential } from './integration-client.repository';
import { filterRefusal, topicSubject } from './integration-topics';
import { secretMatches } from './integration-secret';

export type IntegrationPrincipal = Extract<MqttPrincipal, { kind: 'integration' }>;

/** The town a device belongs to (from the device registry); null when it has none or is unknown. */
export type TownLookup = (deviceId: string) => string | null;

export interface IntegrationCredentials {
  find(name: string): IntegrationCredential | undefined;
}

/**
 * MQTT access of integration clients: they log in with their name (it holds a dot) and secret, subscribe read-only
 * within their domains, and receive only messages about devices in their towns. Logins without a dot are not this
 * policy's business (`authenticate` answers null), so it composes with the device policy.
 */
export class IntegrationAccessPolicy {
  constructor(
    private readonly credentials: IntegrationCredentials,
    private readonly townOf: TownLookup,
  ) {}

  authenticate(attempt: MqttLoginAttempt): IntegrationPrincipal | MqttLoginRefusal | null {
    const name = attempt.username;
    if (!isIntegrationUsername(name)) return null;
    if (!INTEGRATION_CLIENT_NAME_PATTERN.test(name)) return refuse('bad-username-or-password', 'not a valid integration client name');
    const credential = this.credentials.find(name);
    if (credential === undefined) return refuse('bad-username-or-password', 'no integration client of that name');
    if (credential.secretHash === null) return refuse('not-authorized', 'its secret has been revoked');
    if (attempt.password === undefined || !secretMatches(attempt.password, credential.secretHash)) return refuse('bad-username-or-password', 'wrong secret');
    // The client id must be its own, so it can never take over a device's session (or another client's).
    if (attempt.clientId !== name && !attempt.clientId.startsWith(`${name}-`)) {
      return refuse('identifier-rejected', `client id must be "${name}" or start with "${name}-"`);
    }
    return { kind: 'integration', name, scope: credential.client.scope };
  }

  /** Integration clients are read-only. */
  publishRefusal(principal: IntegrationPrincipal, topic: string): string {
    return `${principal.name} is an integration client and may not publish (${topic.slice(0, 64)}); integration clients are read-only`;
  }

  subscriptionRefusal(principal: IntegrationPrincipal, filter: string): string | null {
    return filterRefusal(filter, principal.scope.domains);
  }

  /**
   * Towns cannot be told from a subscription filter, so each delivery is checked here. The domain is checked again too
   * (defence in depth: subscriptions already passed subscriptionRefusal, also those aedes restores from a session).
   */
  mayReceive(principal: IntegrationPrincipal, topic: string): boolean {
    const subject = topicSubject(topic);
    if (subject === null) return false;
    // The registry is asked only for town-scoped clients; a device without a town is in nobody's town.
    const town = principal.scope.towns.length === 0 ? null : this.townOf(subject.deviceId);
    return scopeCovers(principal.scope, { domain: subject.domain, town });
  }
}

function refuse(refused: MqttRefusalCode, detail: string): MqttLoginRefusal {
  return { refused, detail };
}
