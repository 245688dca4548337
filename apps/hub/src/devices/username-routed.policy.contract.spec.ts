import { MetricCatalogue } from '@hub/contract';
import { UsernameRoutedPolicy } from '@hub/access';
import { describeMqttAccessPolicyContract } from '@hub/access/testing';
import { DeviceAccessPolicy } from '@hub/devices';
import { RegistryFixture } from '@hub/devices/testing';
import { IntegrationAccessPolicy, IntegrationClientRepository, IntegrationCredentialCache, issueSecret } from '@hub/integrations';
import { Store } from '@hub/store';

// The policy the broker asks, wired as device.providers.ts wires it, on one registry database.
describeMqttAccessPolicyContract('UsernameRoutedPolicy (devices registered, integration clients)', () => {
  const fixture = RegistryFixture.empty();
  const device = fixture.seed({ deviceId: 'w-1', domain: 'water', town: 'Ashford', site: null });
  fixture.seed({ deviceId: 'w-brook', domain: 'water', town: 'Brook', site: null });
  // The broker reads integration clients from this cache (filled by IntegrationClientsService after each commit); the
  // harness is built synchronously, so the client is put there directly.
  const integrations = new IntegrationCredentialCache(new IntegrationClientRepository(Store.sqlite(fixture.db)));
  const scada = issueSecret();
  const at = fixture.time;
  integrations.remember({
    client: { name: 'ashford.scada', scope: { domains: ['water'], towns: ['Ashford'] }, description: '', createdAt: at, createdBy: 'ada', updatedAt: at, secretIssuedAt: at, revokedAt: null },
    secretHash: scada.hash,
  });
  const policy = new UsernameRoutedPolicy(
    new DeviceAccessPolicy(fixture.registry, 'registered'),
    new IntegrationAccessPolicy(integrations, (deviceId) => fixture.registry.townOf(deviceId), MetricCatalogue.BUILT_IN),
  );
  return {
    policy,
    clients: [
      {
        label: 'device w-1',
        attempt: { clientId: 'w-1', username: 'w-1', password: Buffer.from(device.secret), remoteAddress: '10.0.0.7' },
        principal: { kind: 'device', deviceId: 'w-1', domain: 'water', town: 'Ashford', site: null },
        wrongSecret: { reason: 'wrong-secret', detail: 'wrong secret for device w-1' },
        foreignClientId: { clientId: 'ashford.scada', refusal: { reason: 'client-id-mismatch', detail: 'client id "ashford.scada" is not the username "w-1"' } },
        publishes: ['sensors/water/w-1/telemetry', 'sensors/water/w-1/status'],
        forbiddenPublishes: [
          ['sensors/water/w-brook/telemetry', { detail: 'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-brook/telemetry', deviceId: 'w-1', domain: 'water' }],
        ],
        subscriptions: ['sensors/water/w-1/commands', 'sensors/water/w-1/config'],
        forbiddenSubscriptions: [['sensors/water/#', 'device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/#']],
        receives: ['sensors/water/w-1/commands'],
        doesNotReceive: ['sensors/water/w-brook/commands', 'sensors/water/w-1/telemetry'],
      },
      {
        label: 'integration client ashford.scada',
        attempt: { clientId: 'ashford.scada-standby', username: 'ashford.scada', password: Buffer.from(scada.secret), remoteAddress: '10.0.0.8' },
        principal: { kind: 'integration', name: 'ashford.scada', scope: { domains: ['water'], towns: ['Ashford'] } },
        wrongSecret: { detail: 'wrong secret' },
        foreignClientId: { clientId: 'w-1', refusal: { detail: 'client id must be "ashford.scada" or start with "ashford.scada-"' } },
        publishes: [],
        forbiddenPublishes: [['sensors/water/w-1/commands', { detail: 'ashford.scada is an integration client and may not publish (sensors/water/w-1/commands); integration clients are read-only' }]],
        subscriptions: ['sensors/water/#'],
        forbiddenSubscriptions: [['alerts/gas/#', "gas is outside this client's domains (water)"]],
        receives: ['sensors/water/w-1/telemetry', 'alerts/water/critical/w-1'],
        doesNotReceive: ['sensors/water/w-brook/telemetry', 'sensors/gas/w-1/telemetry'],
      },
    ],
    unknownUsernames: [
      ['w-9', { reason: 'unknown-device', detail: 'no device "w-9" in the registry' }],
      ['gas.scada', { detail: 'no integration client of that name' }],
    ],
    // Quarantine mode is off: nobody is ever admitted as quarantined.
    foreignPrincipal: { kind: 'quarantined', deviceId: 'q-1' },
    // The harness does not wait for its cleanup: what is left to write is in memory, and the database goes with it.
    cleanup: () => void fixture.dispose(),
  };
});
