import { MetricCatalogue } from '@hub/contract';
import { isLoginRefusal, MqttLoginAttempt } from '@hub/access';
import { IntegrationAccessPolicy, IntegrationPrincipal } from './integration-access.policy';
import { IntegrationCredential } from './integration-client.repository';
import { hashSecret } from './integration-secret';

const SECRET = 'correct-horse-battery-staple-0123456789abcd';

function credential(name: string, options: { revoked?: boolean; domains?: IntegrationPrincipal['scope']['domains']; towns?: string[] } = {}): IntegrationCredential {
  return {
    client: {
      name,
      scope: { domains: options.domains ?? [], towns: options.towns ?? [] },
      description: '',
      createdAt: 0,
      createdBy: 'admin',
      updatedAt: 0,
      secretIssuedAt: options.revoked ? null : 0,
      revokedAt: options.revoked ? 1 : null,
    },
    secretHash: options.revoked ? null : hashSecret(Buffer.from(SECRET)),
  };
}

describe('IntegrationAccessPolicy', () => {
  const clients = new Map([
    ['water.scada', credential('water.scada', { domains: ['water'] })],
    ['county.gis', credential('county.gis')],
    ['old.export', credential('old.export', { revoked: true })],
    ['ashford.ops', credential('ashford.ops', { towns: ['Ashford'] })],
    ['mill.ops', credential('mill.ops', { towns: ['Ashford/Millbrook'] })],
  ]);
  // Device → area path, as the registry answers it.
  const towns = new Map([
    ['w-ash', 'Ashford'],
    ['w-brook', 'Brook'],
    ['w-mill', 'Ashford/Millbrook'],
  ]);
  const policy = new IntegrationAccessPolicy({ find: (name) => clients.get(name) }, (deviceId) => towns.get(deviceId) ?? null, MetricCatalogue.BUILT_IN);
  const login = (username: string | undefined, password: string | undefined, clientId = username ?? 'w-1'): ReturnType<IntegrationAccessPolicy['authenticate']> =>
    policy.authenticate({ clientId, username, password: password === undefined ? undefined : Buffer.from(password), remoteAddress: '127.0.0.1' } satisfies MqttLoginAttempt);

  it('refuses a login without a dot (UsernameRoutedPolicy sends those to the device policy)', () => {
    expect(login('w-1', 'whatever')).toEqual({ refused: 'bad-username-or-password', detail: 'not an integration client name (it has no dot)' });
    expect(login(undefined, undefined)).toEqual({ refused: 'bad-username-or-password', detail: 'not an integration client name (it has no dot)' });
  });

  it('lets a client in with its name and secret, as a principal with its scope', () => {
    expect(login('water.scada', SECRET)).toEqual({ kind: 'integration', name: 'water.scada', scope: { domains: ['water'], towns: [] } });
    expect(login('water.scada', SECRET, 'water.scada-backup')).toMatchObject({ kind: 'integration', name: 'water.scada' });
  });

  it('refuses a wrong, missing or revoked secret, an unknown name and a client id that is not its own', () => {
    const refusal = (result: ReturnType<IntegrationAccessPolicy['authenticate']>) => (result !== null && isLoginRefusal(result) ? [result.refused, result.detail] : result);
    expect(refusal(login('water.scada', `${SECRET}x`))).toEqual(['bad-username-or-password', 'wrong secret']);
    expect(refusal(login('water.scada', undefined))).toEqual(['bad-username-or-password', 'wrong secret']);
    expect(refusal(login('gas.scada', SECRET))).toEqual(['bad-username-or-password', 'no integration client of that name']);
    expect(refusal(login('Water.SCADA', SECRET))).toEqual(['bad-username-or-password', 'not a valid integration client name']);
    expect(refusal(login('old.export', SECRET))).toEqual(['not-authorized', 'its secret has been revoked']);
    expect(refusal(login('water.scada', SECRET, 'w-1'))).toEqual(['identifier-rejected', 'client id must be "water.scada" or start with "water.scada-"']);
    expect(refusal(login('water.scada', SECRET, 'water.scadax'))).toEqual(['identifier-rejected', 'client id must be "water.scada" or start with "water.scada-"']);
  });

  it("refuses a client id that is another client's own (names may hold '-': no takeover of its session)", () => {
    const named = new Map([...clients, ['water.scada-2', credential('water.scada-2', { domains: ['water'] })]]);
    const strict = new IntegrationAccessPolicy({ find: (name) => named.get(name) }, () => null, MetricCatalogue.BUILT_IN);
    const attempt = (clientId: string) => strict.authenticate({ clientId, username: 'water.scada', password: Buffer.from(SECRET), remoteAddress: '127.0.0.1' });
    expect(attempt('water.scada-2')).toEqual({ refused: 'identifier-rejected', detail: 'client id water.scada-2 belongs to integration client water.scada-2' });
    expect(attempt('water.scada-2-standby')).toEqual({ refused: 'identifier-rejected', detail: 'client id water.scada-2-standby belongs to integration client water.scada-2' });
    expect(attempt('water.scada-3')).toMatchObject({ kind: 'integration', name: 'water.scada' });
    expect(attempt('water.scada')).toMatchObject({ kind: 'integration', name: 'water.scada' });
    const own = strict.authenticate({ clientId: 'water.scada-2-standby', username: 'water.scada-2', password: Buffer.from(SECRET), remoteAddress: '127.0.0.1' });
    expect(own).toMatchObject({ kind: 'integration', name: 'water.scada-2' });
  });

  it('is read-only', () => {
    const scada = login('water.scada', SECRET) as IntegrationPrincipal;
    expect(policy.publishRefusal(scada, 'sensors/water/w-1/telemetry')).toEqual({
      reason: 'TOPIC_FORBIDDEN',
      detail: 'water.scada is an integration client and may not publish (sensors/water/w-1/telemetry); integration clients are read-only',
    });
  });

  it('subscribes within its domains only', () => {
    const scada = login('water.scada', SECRET) as IntegrationPrincipal;
    expect(policy.subscriptionRefusal(scada, 'sensors/water/#')).toBeNull();
    expect(policy.subscriptionRefusal(scada, 'alerts/water/#')).toBeNull();
    expect(policy.subscriptionRefusal(scada, 'sensors/gas/#')).not.toBeNull();
    expect(policy.subscriptionRefusal(scada, '#')).not.toBeNull();
  });

  it('receives only its domains and, when town-scoped, only devices of its towns', () => {
    const scada = login('water.scada', SECRET) as IntegrationPrincipal;
    expect(policy.mayReceive(scada, 'sensors/water/w-brook/telemetry')).toBe(true);
    expect(policy.mayReceive(scada, 'alerts/water/warning/w-brook')).toBe(true);
    expect(policy.mayReceive(scada, 'sensors/gas/g-1/telemetry')).toBe(false);
    expect(policy.mayReceive(scada, 'sensors/water/w-1/config')).toBe(false);
    const ashford = login('ashford.ops', SECRET) as IntegrationPrincipal;
    expect(policy.mayReceive(ashford, 'sensors/water/w-ash/telemetry')).toBe(true);
    expect(policy.mayReceive(ashford, 'alerts/gas/critical/w-ash')).toBe(true);
    expect(policy.mayReceive(ashford, 'sensors/water/w-brook/telemetry')).toBe(false);
    expect(policy.mayReceive(ashford, 'alerts/water/critical/w-brook')).toBe(false);
    // Not in the registry (or no town): in nobody's town.
    expect(policy.mayReceive(ashford, 'sensors/water/w-unknown/telemetry')).toBe(false);
    // A town scope takes its villages' devices; a village scope only that village's.
    expect(policy.mayReceive(ashford, 'sensors/water/w-mill/telemetry')).toBe(true);
    const mill = login('mill.ops', SECRET) as IntegrationPrincipal;
    expect(policy.mayReceive(mill, 'sensors/water/w-mill/telemetry')).toBe(true);
    expect(policy.mayReceive(mill, 'sensors/water/w-ash/telemetry')).toBe(false);
    const gis = login('county.gis', SECRET) as IntegrationPrincipal;
    expect(policy.mayReceive(gis, 'sensors/traffic/t-unknown/telemetry')).toBe(true);
  });
});
