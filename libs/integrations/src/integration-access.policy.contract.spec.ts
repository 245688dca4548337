import { MetricCatalogue } from '@hub/contract';
import { describeMqttAccessPolicyContract } from '@hub/access/testing';
import { IntegrationAccessPolicy } from './integration-access.policy';
import { IntegrationCredential } from './integration-client.repository';
import { hashSecret } from './integration-secret';

const SECRET = 'correct-horse-battery-staple-0123456789abcd';

function credential(name: string, domains: IntegrationCredential['client']['scope']['domains'], towns: string[]): IntegrationCredential {
  return {
    client: { name, scope: { domains, towns }, description: '', createdAt: 0, createdBy: 'admin', updatedAt: 0, secretIssuedAt: 0, revokedAt: null },
    secretHash: hashSecret(Buffer.from(SECRET)),
  };
}

const FOREIGN_CLIENT_ID = { clientId: 'w-1', refusal: { detail: 'client id must be "water.scada" or start with "water.scada-"' } };

describeMqttAccessPolicyContract('IntegrationAccessPolicy', () => {
  const clients = new Map([
    ['water.scada', credential('water.scada', ['water'], [])],
    ['ashford.ops', credential('ashford.ops', [], ['Ashford'])],
  ]);
  const towns = new Map([
    ['w-ash', 'Ashford'],
    ['w-brook', 'Brook'],
  ]);
  const password = Buffer.from(SECRET);
  return {
    policy: new IntegrationAccessPolicy({ find: (name) => clients.get(name) }, (deviceId) => towns.get(deviceId) ?? null, MetricCatalogue.BUILT_IN),
    clients: [
      {
        label: 'water.scada (water only)',
        attempt: { clientId: 'water.scada', username: 'water.scada', password, remoteAddress: '10.0.0.7' },
        principal: { kind: 'integration', name: 'water.scada', scope: { domains: ['water'], towns: [] } },
        wrongSecret: { detail: 'wrong secret' },
        foreignClientId: FOREIGN_CLIENT_ID,
        publishes: [],
        forbiddenPublishes: [
          ['sensors/water/w-1/telemetry', { detail: 'water.scada is an integration client and may not publish (sensors/water/w-1/telemetry); integration clients are read-only' }],
          ['sensors/water/w-1/commands', { detail: 'water.scada is an integration client and may not publish (sensors/water/w-1/commands); integration clients are read-only' }],
        ],
        subscriptions: ['sensors/water/#', 'alerts/water/#', 'sensors/water/w-brook/telemetry'],
        forbiddenSubscriptions: [
          ['sensors/gas/#', "gas is outside this client's domains (water)"],
          ['sensors/+/w-1/telemetry', '"+" in the domain level also matches domains this client may not read; it may read water: e.g. sensors/water/# or alerts/water/#'],
          ['#', 'integration clients read only under sensors/ and alerts/, e.g. sensors/water/# or alerts/water/#'],
        ],
        receives: ['sensors/water/w-brook/telemetry', 'sensors/water/w-unknown/status', 'alerts/water/warning/w-brook'],
        doesNotReceive: ['sensors/gas/g-1/telemetry', 'sensors/water/w-1/config', 'sensors/water/w-1/commands'],
      },
      {
        label: 'ashford.ops (Ashford only)',
        attempt: { clientId: 'ashford.ops-2', username: 'ashford.ops', password, remoteAddress: undefined },
        principal: { kind: 'integration', name: 'ashford.ops', scope: { domains: [], towns: ['Ashford'] } },
        wrongSecret: { detail: 'wrong secret' },
        foreignClientId: { clientId: 'water.scada', refusal: { detail: 'client id must be "ashford.ops" or start with "ashford.ops-"' } },
        publishes: [],
        forbiddenPublishes: [['sensors/gas/w-ash/telemetry', { detail: 'ashford.ops is an integration client and may not publish (sensors/gas/w-ash/telemetry); integration clients are read-only' }]],
        subscriptions: ['sensors/#', 'alerts/+/critical/+'],
        forbiddenSubscriptions: [['devices/#', 'integration clients read only under sensors/ and alerts/, e.g. sensors/water/# or alerts/water/#']],
        receives: ['sensors/gas/w-ash/telemetry', 'alerts/water/critical/w-ash'],
        doesNotReceive: ['sensors/water/w-brook/telemetry', 'sensors/water/w-unknown/telemetry'],
      },
    ],
    unknownUsernames: [
      ['gas.scada', { detail: 'no integration client of that name' }],
      ['Water.SCADA', { detail: 'not a valid integration client name' }],
      ['w-1', { detail: 'not an integration client name (it has no dot)' }],
    ],
    foreignPrincipal: { kind: 'device', deviceId: 'w-1', domain: 'water', town: 'Ashford', site: null },
    cleanup: () => undefined,
  };
});
