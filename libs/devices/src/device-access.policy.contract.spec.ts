import { describeMqttAccessPolicyContract } from '@hub/access/testing';
import { DeviceAccessPolicy } from './device-access.policy';
import { RegistryFixture } from './testing/registry-fixture';

describeMqttAccessPolicyContract('DeviceAccessPolicy (registered mode)', () => {
  const fixture = RegistryFixture.empty();
  const { secret } = fixture.seed({ deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' });
  return {
    policy: new DeviceAccessPolicy(fixture.registry, 'registered'),
    clients: [
      {
        label: 'device w-1',
        attempt: { clientId: 'w-1', username: 'w-1', password: Buffer.from(secret), remoteAddress: '10.0.0.7' },
        principal: { kind: 'device', deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' },
        wrongSecret: { reason: 'wrong-secret', detail: 'wrong secret for device w-1' },
        foreignClientId: { clientId: 'w-2', refusal: { reason: 'client-id-mismatch', detail: 'client id "w-2" is not the username "w-1"' } },
        publishes: ['sensors/water/w-1/telemetry', 'sensors/water/w-1/status', 'sensors/water/w-1/commands/reply', 'sensors/water/w-1/config/reported'],
        forbiddenPublishes: [
          ['sensors/water/w-2/telemetry', { detail: 'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-2/telemetry', deviceId: 'w-1', domain: 'water' }],
          ['sensors/gas/w-1/telemetry', { detail: 'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/gas/w-1/telemetry', deviceId: 'w-1', domain: 'water' }],
          ['sensors/water/w-1/commands', { detail: 'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-1/commands', deviceId: 'w-1', domain: 'water' }],
          ['sensors/water/w-2/commands/reply', { detail: 'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-2/commands/reply', deviceId: 'w-1', domain: 'water' }],
        ],
        subscriptions: ['sensors/water/w-1/commands', 'sensors/water/w-1/config'],
        forbiddenSubscriptions: [
          ['sensors/water/w-1/+', 'device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/w-1/+'],
          ['sensors/water/#', 'device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/#'],
          ['sensors/water/w-1/telemetry', 'device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/w-1/telemetry'],
        ],
        receives: ['sensors/water/w-1/commands', 'sensors/water/w-1/config'],
        doesNotReceive: ['sensors/water/w-1/telemetry', 'sensors/water/w-2/commands', 'alerts/water/warning/w-1'],
      },
    ],
    unknownUsernames: [
      ['w-9', { reason: 'unknown-device', detail: 'no device "w-9" in the registry' }],
      ['water.scada', { reason: 'unknown-device', detail: 'no device "water.scada" in the registry' }],
    ],
    foreignPrincipal: { kind: 'integration', name: 'water.scada', scope: { domains: [], towns: [] } },
    // The harness does not wait for its cleanup: what is left to write is in memory, and the database goes with it.
    cleanup: () => void fixture.dispose(),
  };
});
