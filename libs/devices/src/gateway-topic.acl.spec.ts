import { MetricCatalogue, parseSensorTopic } from '@hub/contract';
import { MqttLoginAttempt, MqttPrincipal } from '@hub/access';
import { DeviceAccessPolicy } from './device-access.policy';
import { childCommandTopic, gatewayPublishRefusal, gatewaySubscriptionRefusal, GatewayChild } from './gateway-topic.acl';
import { ADMIN, RegistryFixture } from './testing/registry-fixture';

const child = (deviceId: string, domain: 'water' | 'power' | 'gas', gatewayId: string | null, extra: Partial<GatewayChild> = {}): GatewayChild => ({
  deviceId,
  domain,
  gatewayId,
  status: 'active',
  enabled: true,
  ...extra,
});

describe('gatewayPublishRefusal', () => {
  const gateway = { deviceId: 'dtu-1', gatewayDomains: ['water', 'power'] as const };
  const registry = new Map<string, GatewayChild>([
    ['m-1', child('m-1', 'water', 'dtu-1')],
    ['m-2', child('m-2', 'power', 'dtu-1')],
    ['m-3', child('m-3', 'water', 'dtu-2')],
    ['m-4', child('m-4', 'water', null)],
    ['m-5', child('m-5', 'gas', 'dtu-1')],
    ['m-6', child('m-6', 'water', 'dtu-1', { enabled: false })],
  ]);
  const refusal = (topic: string) => gatewayPublishRefusal({ ...gateway, gatewayDomains: [...gateway.gatewayDomains] }, parseSensorTopic(topic, MetricCatalogue.BUILT_IN), topic, (id) => registry.get(id));

  it('lets a gateway publish telemetry, status, command replies and reported config for its registered children in its domains', async () => {
    expect(refusal('sensors/water/m-1/telemetry')).toBeNull();
    expect(refusal('sensors/water/m-1/status')).toBeNull();
    expect(refusal('sensors/power/m-2/telemetry')).toBeNull();
    expect(refusal('sensors/water/m-1/commands/reply')).toBeNull();
    expect(refusal('sensors/power/m-2/config/reported')).toBeNull();
  });

  it.each([
    ['an unregistered device', 'sensors/water/ghost/telemetry', 'gateway dtu-1 may not publish for ghost: no such device in the registry (provision it with gatewayId dtu-1)'],
    ["another gateway's child", 'sensors/water/m-3/telemetry', 'gateway dtu-1 may not publish for m-3: it is registered under gateway dtu-2'],
    ['a device without a gateway', 'sensors/water/m-4/status', 'gateway dtu-1 may not publish for m-4: it is not registered under any gateway'],
    ['its child under another domain', 'sensors/power/m-1/telemetry', 'gateway dtu-1 may not publish for m-1 under power: it is a water device'],
    ['a child in a domain it does not speak for', 'sensors/gas/m-5/telemetry', 'gateway dtu-1 does not speak for gas (its domains: water, power)'],
    ['a disabled child', 'sensors/water/m-6/telemetry', 'gateway dtu-1 may not publish for m-6: the device is disabled'],
    ["a child's commands topic", 'sensors/water/m-1/commands', 'gateway dtu-1 may publish only on its own topics and on sensors/{domain}/{child id}/telemetry, …/status, …/commands/reply and …/config/reported of the devices registered under it, not on sensors/water/m-1/commands'],
    ['an odd child id', 'sensors/water/m 1/telemetry', 'gateway dtu-1 may publish only on its own topics and on sensors/{domain}/{child id}/telemetry, …/status, …/commands/reply and …/config/reported of the devices registered under it, not on sensors/water/m 1/telemetry'],
    ["another gateway's child's command reply", 'sensors/water/m-3/commands/reply', 'gateway dtu-1 may not publish for m-3: it is registered under gateway dtu-2'],
    ["a disabled child's reported config", 'sensors/water/m-6/config/reported', 'gateway dtu-1 may not publish for m-6: the device is disabled'],
  ])('refuses %s, saying why', (_case, topic, detail) => {
    expect(refusal(topic)).toBe(detail);
  });
});

describe('gatewaySubscriptionRefusal', () => {
  const gateway = { deviceId: 'dtu-1', gatewayDomains: ['water', 'power'] as const };
  const registry = new Map<string, GatewayChild>([
    ['m-1', child('m-1', 'water', 'dtu-1')],
    ['m-2', child('m-2', 'power', 'dtu-1')],
    ['m-3', child('m-3', 'water', 'dtu-2')],
    ['m-5', child('m-5', 'gas', 'dtu-1')],
    ['m-7', child('m-7', 'water', 'dtu-1', { status: 'rejected' })],
  ]);
  const refusal = (filter: string) => gatewaySubscriptionRefusal({ ...gateway, gatewayDomains: [...gateway.gatewayDomains] }, filter, (id) => registry.get(id));
  const OWN_AND_CHILDREN = 'gateway dtu-1 may subscribe only to its own commands and config topics and to sensors/{domain}/{child id}/commands and …/config of the devices registered under it, not to';

  it('lets a gateway subscribe to the commands and config of its registered children in its domains', async () => {
    expect(refusal('sensors/water/m-1/commands')).toBeNull();
    expect(refusal('sensors/water/m-1/config')).toBeNull();
    expect(refusal('sensors/power/m-2/commands')).toBeNull();
  });

  it.each([
    ["another gateway's child", 'sensors/water/m-3/commands', 'gateway dtu-1 may not subscribe for m-3: it is registered under gateway dtu-2'],
    ['an unregistered device', 'sensors/water/ghost/config', 'gateway dtu-1 may not subscribe for ghost: no such device in the registry (provision it with gatewayId dtu-1)'],
    ['its child under another domain', 'sensors/power/m-1/commands', 'gateway dtu-1 may not subscribe for m-1 under power: it is a water device'],
    ['a child in a domain it does not speak for', 'sensors/gas/m-5/commands', 'gateway dtu-1 does not speak for gas (its domains: water, power)'],
    ['a rejected child', 'sensors/water/m-7/commands', 'gateway dtu-1 may not subscribe for m-7: the device is rejected'],
    ["a child's telemetry", 'sensors/water/m-1/telemetry', `${OWN_AND_CHILDREN} sensors/water/m-1/telemetry`],
    ["a child's command replies", 'sensors/water/m-1/commands/reply', `${OWN_AND_CHILDREN} sensors/water/m-1/commands/reply`],
    ['a wildcard over every device', 'sensors/water/+/commands', `${OWN_AND_CHILDREN} sensors/water/+/commands`],
    ['everything', '#', `${OWN_AND_CHILDREN} #`],
  ])('refuses %s, saying why', (_case, filter, detail) => {
    expect(refusal(filter)).toBe(detail);
  });

  it('reads the child out of a commands or config topic only', async () => {
    expect(childCommandTopic('sensors/water/m-1/commands')).toEqual({ domain: 'water', deviceId: 'm-1', leaf: 'commands' });
    expect(childCommandTopic('sensors/heat/m-1/config')).toEqual({ domain: 'heat', deviceId: 'm-1', leaf: 'config' });
    expect(childCommandTopic('sensors/water/m-1/config/reported')).toBeNull();
    expect(childCommandTopic('sensors/water/#')).toBeNull();
    expect(childCommandTopic('other/water/m-1/commands')).toBeNull();
  });
});

describe('DeviceAccessPolicy with a gateway', () => {
  const login = (deviceId: string, secret: string): MqttLoginAttempt => ({ clientId: deviceId, username: deviceId, password: Buffer.from(secret), remoteAddress: '10.0.0.7' });
  let fixture: RegistryFixture;
  let policy: DeviceAccessPolicy;
  let gateway: MqttPrincipal;
  let plain: MqttPrincipal;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    policy = new DeviceAccessPolicy(fixture.registry, 'registered');
    gateway = policy.authenticate(login('dtu-1', (await fixture.registry.provision(ADMIN, { deviceId: 'dtu-1', domain: 'water', kind: 'gateway' })).secret)) as MqttPrincipal;
    plain = policy.authenticate(login('w-9', (await fixture.registry.provision(ADMIN, { deviceId: 'w-9', domain: 'water' })).secret)) as MqttPrincipal;
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'water', gatewayId: 'dtu-1' });
  });

  it('lets the gateway publish on its own topics and its children’s, filing refusals under the gateway', async () => {
    expect(policy.publishRefusal(gateway, 'sensors/water/dtu-1/telemetry')).toBeNull();
    expect(policy.publishRefusal(gateway, 'sensors/water/m-1/telemetry')).toBeNull();
    expect(policy.publishRefusal(gateway, 'sensors/water/w-9/telemetry')).toEqual({
      reason: 'TOPIC_FORBIDDEN',
      detail: 'gateway dtu-1 may not publish for w-9: it is not registered under any gateway',
      deviceId: 'dtu-1',
      domain: 'water',
    });
  });

  it('does not let a plain device publish for a gateway’s child', async () => {
    expect(policy.publishRefusal(plain, 'sensors/water/m-1/telemetry')).toMatchObject({ reason: 'TOPIC_FORBIDDEN', deviceId: 'w-9' });
  });

  it('lets the gateway subscribe to and receive its own and its children’s commands and config only', async () => {
    expect(policy.subscriptionRefusal(gateway, 'sensors/water/dtu-1/commands')).toBeNull();
    expect(policy.subscriptionRefusal(gateway, 'sensors/water/m-1/commands')).toBeNull();
    expect(policy.subscriptionRefusal(gateway, 'sensors/water/m-1/config')).toBeNull();
    expect(policy.subscriptionRefusal(gateway, 'sensors/water/w-9/commands')).toBe('gateway dtu-1 may not subscribe for w-9: it is not registered under any gateway');
    expect(policy.mayReceive(gateway, 'sensors/water/m-1/commands')).toBe(true);
    expect(policy.mayReceive(gateway, 'sensors/water/w-9/commands')).toBe(false);
    expect(policy.publishRefusal(gateway, 'sensors/water/m-1/commands/reply')).toBeNull();
  });

  it('does not let a plain device subscribe to a gateway child’s commands', async () => {
    expect(policy.subscriptionRefusal(plain, 'sensors/water/m-1/commands')).toBe('device w-9 may subscribe only to sensors/water/w-9/commands and sensors/water/w-9/config, not to sensors/water/m-1/commands');
    expect(policy.mayReceive(plain, 'sensors/water/m-1/commands')).toBe(false);
  });

  it('stops delivering a child’s commands to its old gateway as soon as the child moves', async () => {
    await fixture.registry.update(ADMIN, 'm-1', { gatewayId: null });
    expect(policy.mayReceive(gateway, 'sensors/water/m-1/commands')).toBe(false);
  });

  it('stops a gateway publishing for a child moved to no gateway', async () => {
    await fixture.registry.update(ADMIN, 'm-1', { gatewayId: null });
    expect(policy.publishRefusal(gateway, 'sensors/water/m-1/telemetry')).toMatchObject({ detail: 'gateway dtu-1 may not publish for m-1: it is not registered under any gateway' });
  });

  it('answers DOMAIN_UNKNOWN for a well-formed domain nobody defined, before the ACL, and TOPIC_FORBIDDEN for a name that cannot be a domain', async () => {
    const unknown = { reason: 'DOMAIN_UNKNOWN', detail: 'unknown domain "sewage": no such domain in the catalogue (GET /api/catalogue)', domain: 'water' };
    expect(policy.publishRefusal(plain, 'sensors/sewage/w-9/telemetry')).toEqual({ ...unknown, deviceId: 'w-9' });
    expect(policy.publishRefusal(gateway, 'sensors/sewage/m-1/telemetry')).toEqual({ ...unknown, deviceId: 'dtu-1' });
    expect(policy.publishRefusal(plain, 'sensors/Sewage/w-9/telemetry')).toMatchObject({ reason: 'TOPIC_FORBIDDEN', deviceId: 'w-9' });
  });
});
