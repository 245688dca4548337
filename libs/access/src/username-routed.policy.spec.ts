import { BootstrapKeyIntegrationPolicy } from './bootstrap-key-integration.policy';
import { MqttAccessPolicy, MqttLoginAttempt, MqttPrincipal } from './mqtt-access';
import { isIntegrationUsername, UsernameRoutedPolicy } from './username-routed.policy';

const KEY = 'k'.repeat(32);
const login = (username: string | undefined, password?: string): MqttLoginAttempt => ({
  clientId: username ?? 'c',
  username,
  password: password === undefined ? undefined : Buffer.from(password),
  remoteAddress: undefined,
});

/** A device policy that admits everyone as a device and records what it was asked. */
class DevicesOnly implements MqttAccessPolicy {
  readonly asked: string[] = [];
  authenticate(attempt: MqttLoginAttempt): MqttPrincipal {
    this.asked.push(`authenticate ${attempt.username}`);
    return { kind: 'device', deviceId: attempt.clientId, domain: 'water', town: null, site: null };
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
    return false;
  }
}

describe('UsernameRoutedPolicy', () => {
  it('sends usernames with a dot to the integration policy and everything else to the device policy', () => {
    expect(isIntegrationUsername('water.scada')).toBe(true);
    expect(isIntegrationUsername('w-1')).toBe(false);
    expect(isIntegrationUsername(undefined)).toBe(false);
    const devices = new DevicesOnly();
    const policy = new UsernameRoutedPolicy(devices, new BootstrapKeyIntegrationPolicy(KEY));
    const device = policy.authenticate(login('w-1', 's')) as MqttPrincipal;
    policy.publishRefusal(device, 'sensors/water/w-1/telemetry');
    policy.subscriptionRefusal(device, 'sensors/water/w-1/commands');
    policy.mayReceive(device, 'x');
    expect(devices.asked).toEqual(['authenticate w-1', 'publish', 'subscribe', 'receive']);

    const scada = policy.authenticate(login('water.scada', KEY)) as MqttPrincipal;
    expect(scada).toEqual({ kind: 'integration', name: 'water.scada', scope: { towns: [], domains: [] } });
    expect(policy.publishRefusal(scada, 'sensors/water/w-1/telemetry')).toEqual({ reason: 'TOPIC_FORBIDDEN', detail: 'water.scada is a read-only integration client' });
    expect(policy.subscriptionRefusal(scada, 'sensors/#')).toBeNull();
    expect(policy.mayReceive(scada, 'sensors/water/w-1/telemetry')).toBe(true);
    expect(devices.asked).toHaveLength(4);
  });

  it('admits an integration client only with the bootstrap key, and none when there is no key', () => {
    const withKey = new BootstrapKeyIntegrationPolicy(KEY);
    expect(withKey.authenticate(login('water.scada', `${KEY}x`))).toMatchObject({ refused: 'bad-username-or-password', reason: 'unknown-integration' });
    expect(withKey.authenticate(login('water.scada'))).toMatchObject({ refused: 'bad-username-or-password' });
    expect(new BootstrapKeyIntegrationPolicy(null).authenticate(login('water.scada', KEY))).toMatchObject({ refused: 'bad-username-or-password' });
  });
});
