import { scopeCovers, type MqttAccessPolicy, type MqttLoginAttempt, type MqttLoginRefusal, type MqttPrincipal, type MqttPublishRefusal, type MqttRefusalCode } from '@hub/access';
import { placeOfPath } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import { INTEGRATION_CLIENT_NAME_PATTERN, isIntegrationUsername } from './integration-client';
import { IntegrationCredential } from './integration-client.repository';
import { filterRefusal, topicSubject } from './integration-topics';
import { secretMatches } from './integration-secret';

export type IntegrationPrincipal = Extract<MqttPrincipal, { kind: 'integration' }>;

/** The town a device belongs to (from the device registry); null when it has none or is unknown. */
/** A device's area path (`Town` or `Town/Village`), or null. */
export type AreaLookup = (deviceId: string) => string | null;

export interface IntegrationCredentials {
  find(name: string): IntegrationCredential | undefined;
}

/**
 * MQTT access of integration clients: they log in with their name (it holds a dot) and secret, subscribe read-only
 * within their domains, and receive only messages about devices in their towns. UsernameRoutedPolicy sends it the
 * logins whose username holds a dot and the questions about the principals it admitted.
 */
export class IntegrationAccessPolicy implements MqttAccessPolicy {
  constructor(
    private readonly credentials: IntegrationCredentials,
    private readonly areaOf: AreaLookup,
    private readonly catalogue: CatalogueSource,
  ) {}

  authenticate(attempt: MqttLoginAttempt): IntegrationPrincipal | MqttLoginRefusal {
    const name = attempt.username;
    if (!isIntegrationUsername(name)) return refuse('bad-username-or-password', 'not an integration client name (it has no dot)');
    if (!INTEGRATION_CLIENT_NAME_PATTERN.test(name)) return refuse('bad-username-or-password', 'not a valid integration client name');
    const credential = this.credentials.find(name);
    if (credential === undefined) return refuse('bad-username-or-password', 'no integration client of that name');
    if (credential.secretHash === null) return refuse('not-authorized', 'its secret has been revoked');
    if (attempt.password === undefined || !secretMatches(attempt.password, credential.secretHash)) return refuse('bad-username-or-password', 'wrong secret');
    // The client id must be its own, so it can never take over a device's session (or another client's).
    if (attempt.clientId !== name && !attempt.clientId.startsWith(`${name}-`)) {
      return refuse('identifier-rejected', `client id must be "${name}" or start with "${name}-"`);
    }
    // Names may hold "-": `water.scada-2` is another client, and its ids must stay its own (aedes hands a client id's
    // session, queued messages and subscriptions to whoever connects with it, and closes the one already connected).
    const owner = this.clientIdOwner(attempt.clientId, name);
    if (owner !== null) return refuse('identifier-rejected', `client id ${attempt.clientId.slice(0, 64)} belongs to integration client ${owner}`);
    return { kind: 'integration', name, scope: credential.client.scope };
  }

  /** Another integration client whose own client ids include `clientId` (its name, or its name + `-` …), or null. */
  private clientIdOwner(clientId: string, name: string): string | null {
    for (let end = clientId.length; end > name.length; end = clientId.lastIndexOf('-', end - 1)) {
      const candidate = clientId.slice(0, end);
      if (this.credentials.find(candidate) !== undefined) return candidate;
    }
    return null;
  }

  /** Integration clients are read-only: what one publishes is acknowledged and dead-lettered, never stored or forwarded. */
  publishRefusal(principal: MqttPrincipal, topic: string): MqttPublishRefusal {
    return { reason: 'TOPIC_FORBIDDEN', detail: `${nameOf(principal)} is an integration client and may not publish (${topic.slice(0, 64)}); integration clients are read-only` };
  }

  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null {
    if (principal.kind !== 'integration') return `${nameOf(principal)} is not an integration client`;
    return filterRefusal(filter, principal.scope.domains, this.catalogue.current());
  }

  /**
   * Towns cannot be told from a subscription filter, so each delivery is checked here. The domain is checked again too
   * (defence in depth: subscriptions already passed subscriptionRefusal, also those aedes restores from a session).
   */
  mayReceive(principal: MqttPrincipal, topic: string): boolean {
    if (principal.kind !== 'integration') return false;
    const subject = topicSubject(topic);
    if (subject === null) return false;
    // The registry is asked only for town-scoped clients; a device without a town is in nobody's town.
    const place = placeOfPath(principal.scope.towns.length === 0 ? null : this.areaOf(subject.deviceId));
    return scopeCovers(principal.scope, { domain: subject.domain, ...place });
  }
}

function nameOf(principal: MqttPrincipal): string {
  return principal.kind === 'integration' ? principal.name : principal.deviceId;
}

function refuse(refused: MqttRefusalCode, detail: string): MqttLoginRefusal {
  return { refused, detail };
}
