import type { MqttAccessPolicy, MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal } from '../../access/src/mqtt-access';
import { IntegrationAccessPolicy } from './integration-access.policy';

/**
 * The broker's access decisions: integration clients (dotted usernames) by their policy, every other login by
 * `devices`. Until the device registry's policy is plugged in (`devices` null), other logins get null: no principal,
 * the connection stays as open as before issue 6.
 */
export class IntegrationFirstAccess {
  constructor(
    private readonly integrations: IntegrationAccessPolicy,
    private readonly devices: MqttAccessPolicy | null,
  ) {}

  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal | null {
    return this.integrations.authenticate(attempt) ?? this.devices?.authenticate(attempt) ?? null;
  }

  publishRefusal(principal: MqttPrincipal, topic: string): string | null {
    if (principal.kind === 'integration') return this.integrations.publishRefusal(principal, topic);
    return this.devices?.publishRefusal(principal, topic) ?? null;
  }

  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null {
    if (principal.kind === 'integration') return this.integrations.subscriptionRefusal(principal, filter);
    return this.devices?.subscriptionRefusal(principal, filter) ?? null;
  }

  mayReceive(principal: MqttPrincipal, topic: string): boolean {
    if (principal.kind === 'integration') return this.integrations.mayReceive(principal, topic);
    return this.devices?.mayReceive(principal, topic) ?? true;
  }
}
