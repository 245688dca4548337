import type { MqttAccessPolicy, MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal, MqttPublishRefusal } from './mqtt-access';

/** Integration clients are named `department.system` (e.g. `water.scada`); a device id never contains a dot. */
export function isIntegrationUsername(username: string | undefined): username is string {
  return username !== undefined && username.includes('.');
}

/**
 * One MQTT policy out of two: a username with a dot is an integration client, anything else a device. Later
 * questions go to the policy that admitted the principal, by its kind.
 */
export class UsernameRoutedPolicy implements MqttAccessPolicy {
  constructor(
    private readonly devices: MqttAccessPolicy,
    private readonly integrations: MqttAccessPolicy,
  ) {}

  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal {
    return (isIntegrationUsername(attempt.username) ? this.integrations : this.devices).authenticate(attempt);
  }

  publishRefusal(principal: MqttPrincipal, topic: string): MqttPublishRefusal | null {
    return this.policyOf(principal).publishRefusal(principal, topic);
  }

  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null {
    return this.policyOf(principal).subscriptionRefusal(principal, filter);
  }

  mayReceive(principal: MqttPrincipal, topic: string): boolean {
    return this.policyOf(principal).mayReceive(principal, topic);
  }

  private policyOf(principal: MqttPrincipal): MqttAccessPolicy {
    return principal.kind === 'integration' ? this.integrations : this.devices;
  }
}
