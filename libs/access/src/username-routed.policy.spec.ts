import { MqttAccessPolicy, MqttLoginAttempt, MqttPrincipal } from './mqtt-access';
import { isIntegrationUsername, UsernameRoutedPolicy } from './username-routed.policy';

const login = (username: string | undefined): MqttLoginAttempt => ({ clientId: username ?? 'c', username, password: undefined, remoteAddress: undefined });

/** A policy that admits everyone as `principal` and records what it was asked. */
class Recording implements MqttAccessPolicy {
  readonly asked: string[] = [];
  constructor(private readonly principal: (attempt: MqttLoginAttempt) => MqttPrincipal) {}
  authenticate(attempt: MqttLoginAttempt): MqttPrincipal {
    this.asked.push(`authenticate ${attempt.username}`);
    return this.principal(attempt);
  }
  publishRefusal(): null {
    this.asked.push('publish');
    return null;
  }
  subscriptionRefusal(): null {
    this.asked.push('subscribe');
    return null;
  }
  mayReceive(): boolean {
    this.asked.push('receive');
    return true;
  }
}

describe('UsernameRoutedPolicy', () => {
  it('sends usernames with a dot to the integration policy and everything else to the device policy, and later questions to whichever admitted the principal', () => {
    expect(isIntegrationUsername('water.scada')).toBe(true);
    expect(isIntegrationUsername('w-1')).toBe(false);
    expect(isIntegrationUsername(undefined)).toBe(false);
    const devices = new Recording((attempt) => ({ kind: 'device', deviceId: attempt.clientId, domain: 'water', town: null, site: null }));
    const integrations = new Recording((attempt) => ({ kind: 'integration', name: attempt.username ?? '', scope: { towns: [], domains: [] } }));
    const policy = new UsernameRoutedPolicy(devices, integrations);

    const device = policy.authenticate(login('w-1')) as MqttPrincipal;
    policy.publishRefusal(device, 'sensors/water/w-1/telemetry');
    policy.subscriptionRefusal(device, 'sensors/water/w-1/commands');
    policy.mayReceive(device, 'x');
    const scada = policy.authenticate(login('water.scada')) as MqttPrincipal;
    policy.subscriptionRefusal(scada, 'sensors/water/#');
    policy.mayReceive(scada, 'sensors/water/w-1/telemetry');

    expect(devices.asked).toEqual(['authenticate w-1', 'publish', 'subscribe', 'receive']);
    expect(integrations.asked).toEqual(['authenticate water.scada', 'subscribe', 'receive']);
  });
});
