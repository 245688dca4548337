import { createHash, timingSafeEqual } from 'node:crypto';
import { COUNTY_SCOPE } from './access-scope';
import type { MqttAccessPolicy, MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal, MqttPublishRefusal } from './mqtt-access';

/**
 * Stand-in for the integration-client registry (department systems with their own credentials and scopes): a
 * username with a dot and the bootstrap admin key as password connects as a read-only, county-wide subscriber. It is
 * what lets alert subscribers and tests listen on a hub whose devices are authenticated, until the real integration
 * policy replaces it. Without a bootstrap key nothing is admitted.
 */
export class BootstrapKeyIntegrationPolicy implements MqttAccessPolicy {
  private readonly keyDigest: Buffer | null;

  constructor(bootstrapKey: string | null) {
    this.keyDigest = bootstrapKey === null ? null : sha256(bootstrapKey);
  }

  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal {
    const presented = sha256(attempt.password ?? '');
    if (this.keyDigest === null || !timingSafeEqual(presented, this.keyDigest)) {
      return { refused: 'bad-username-or-password', reason: 'unknown-integration', detail: `no integration client ${JSON.stringify(attempt.username ?? '')}` };
    }
    return { kind: 'integration', name: attempt.username ?? '', scope: COUNTY_SCOPE };
  }

  publishRefusal(principal: MqttPrincipal): MqttPublishRefusal {
    return { reason: 'TOPIC_FORBIDDEN', detail: `${principal.kind === 'integration' ? principal.name : principal.deviceId} is a read-only integration client` };
  }

  subscriptionRefusal(): string | null {
    return null;
  }

  mayReceive(): boolean {
    return true;
  }
}

function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
