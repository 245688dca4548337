import { MqttLoginAttempt, MqttPrincipal } from '@hub/access';
import { DeviceAccessPolicy, MIN_KEPT_SECRET_BYTES } from './device-access.policy';
import { deviceSecretMatches } from './device-secret';
import { ADMIN, RegistryFixture } from './testing/registry-fixture';

const attempt = (deviceId: string, password: string | undefined, clientId = deviceId): MqttLoginAttempt => ({
  clientId,
  username: deviceId,
  password: password === undefined ? undefined : Buffer.from(password),
  remoteAddress: '10.0.0.7',
});

describe('DeviceAccessPolicy (registered mode)', () => {
  let fixture: RegistryFixture;
  let policy: DeviceAccessPolicy;
  let secret: string;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    policy = new DeviceAccessPolicy(fixture.registry, 'registered');
    secret = (await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' })).secret;
  });

  it('admits a device with its id as client id and username and its secret as password', async () => {
    expect(policy.authenticate(attempt('w-1', secret))).toEqual({ kind: 'device', deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' });
  });

  it.each<[string, MqttLoginAttempt, string, string]>([
    ['an unknown device', attempt('w-9', 'whatever'), 'bad-username-or-password', 'unknown-device'],
    ['a wrong secret', attempt('w-1', 'not-the-secret'), 'bad-username-or-password', 'wrong-secret'],
    ['no password', attempt('w-1', undefined), 'bad-username-or-password', 'wrong-secret'],
    ['no username', { clientId: 'w-1', username: undefined, password: undefined, remoteAddress: undefined }, 'bad-username-or-password', 'no-credentials'],
    ['an integration-style name', attempt('water.scada', 'x'), 'bad-username-or-password', 'unknown-device'],
  ])('refuses %s', (_case, login, refused, reason) => {
    expect(policy.authenticate(login)).toMatchObject({ refused, reason });
  });

  it('refuses a client id other than the username, even with the right secret', async () => {
    expect(policy.authenticate(attempt('w-1', secret, 'w-2'))).toMatchObject({ refused: 'identifier-rejected', reason: 'client-id-mismatch' });
  });

  it('refuses a disabled device only once the secret is right, and a revoked one as bad credentials', async () => {
    await fixture.registry.update(ADMIN, 'w-1', { enabled: false });
    expect(policy.authenticate(attempt('w-1', 'guess'))).toMatchObject({ refused: 'bad-username-or-password', reason: 'wrong-secret' });
    expect(policy.authenticate(attempt('w-1', secret))).toMatchObject({ refused: 'not-authorized', reason: 'disabled' });
    await fixture.registry.update(ADMIN, 'w-1', { enabled: true });
    await fixture.registry.revokeSecret(ADMIN, 'w-1');
    expect(policy.authenticate(attempt('w-1', secret))).toMatchObject({ refused: 'bad-username-or-password', reason: 'revoked' });
  });

  it('refuses an unknown device in registered mode without adding it anywhere', async () => {
    policy.authenticate(attempt('stranger', 'x'.repeat(40)));
    expect(fixture.registry.find('stranger')).toBeUndefined();
  });

  it('lets a device publish only on its own telemetry and status topics', async () => {
    const device = policy.authenticate(attempt('w-1', secret)) as MqttPrincipal;
    expect(policy.publishRefusal(device, 'sensors/water/w-1/telemetry')).toBeNull();
    expect(policy.publishRefusal(device, 'sensors/water/w-1/status')).toBeNull();
    for (const topic of ['sensors/water/w-2/telemetry', 'sensors/gas/w-1/telemetry', 'sensors/water/w-1/commands', 'sensors/water/w-1/telemetry/x', 'alerts/water/x']) {
      expect(policy.publishRefusal(device, topic)).toEqual({
        reason: 'TOPIC_FORBIDDEN',
        detail: `device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on ${topic}`,
        deviceId: 'w-1',
        domain: 'water',
      });
    }
  });

  it('lets a device subscribe to and receive only its own commands and config topics', async () => {
    const device = policy.authenticate(attempt('w-1', secret)) as MqttPrincipal;
    expect(policy.subscriptionRefusal(device, 'sensors/water/w-1/commands')).toBeNull();
    expect(policy.subscriptionRefusal(device, 'sensors/water/w-1/config')).toBeNull();
    for (const filter of ['sensors/water/w-1/+', 'sensors/#', '#', 'sensors/water/w-2/commands', 'sensors/water/w-1/telemetry']) {
      expect(policy.subscriptionRefusal(device, filter)).toBe(`device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to ${filter}`);
    }
    expect(policy.mayReceive(device, 'sensors/water/w-1/commands')).toBe(true);
    expect(policy.mayReceive(device, 'sensors/water/w-1/telemetry')).toBe(false);
    expect(policy.mayReceive(device, 'alerts/water/leak')).toBe(false);
  });

  it('refuses a quarantined device when quarantine mode is off', async () => {
    new DeviceAccessPolicy(fixture.registry, 'quarantine').authenticate(attempt('q-1', undefined));
    expect(policy.authenticate(attempt('q-1', undefined))).toMatchObject({ refused: 'not-authorized', reason: 'quarantined' });
  });
});

describe('DeviceAccessPolicy (quarantine mode)', () => {
  let fixture: RegistryFixture;
  let policy: DeviceAccessPolicy;
  const longSecret = 'k'.repeat(MIN_KEPT_SECRET_BYTES);

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    policy = new DeviceAccessPolicy(fixture.registry, 'quarantine');
  });

  it('lets an unknown device in as quarantined, recording where it came from and keeping a long secret for later', async () => {
    expect(policy.authenticate(attempt('q-1', longSecret))).toEqual({ kind: 'quarantined', deviceId: 'q-1' });
    expect(fixture.registry.find('q-1')).toMatchObject({ status: 'quarantined', domain: null, firstSeenAddress: '10.0.0.7', connectAttempts: 1, createdBy: 'quarantine' });
    expect(deviceSecretMatches(longSecret, fixture.registry.find('q-1')?.secretHash ?? null)).toBe(true);
    fixture.time += 1000;
    expect(policy.authenticate(attempt('q-1', longSecret))).toEqual({ kind: 'quarantined', deviceId: 'q-1' });
    expect(fixture.registry.find('q-1')).toMatchObject({ connectAttempts: 2, updatedAt: fixture.time });
    expect(policy.authenticate(attempt('q-1', 'y'.repeat(40)))).toMatchObject({ refused: 'bad-username-or-password', reason: 'wrong-secret' });
  });

  it('admits a device without credentials by its client id, and keeps no short password', async () => {
    expect(policy.authenticate({ clientId: 'legacy-7', username: undefined, password: undefined, remoteAddress: undefined })).toEqual({ kind: 'quarantined', deviceId: 'legacy-7' });
    expect(policy.authenticate(attempt('q-2', 'short'))).toEqual({ kind: 'quarantined', deviceId: 'q-2' });
    expect(fixture.registry.find('q-2')?.secretHash).toBeNull();
    expect(policy.authenticate({ clientId: 'bad id!', username: undefined, password: undefined, remoteAddress: undefined })).toMatchObject({ refused: 'bad-username-or-password' });
    // An empty client id (the broker would make one up) names no device.
    expect(policy.authenticate({ clientId: '', username: undefined, password: undefined, remoteAddress: undefined })).toMatchObject({ refused: 'bad-username-or-password' });
    expect(fixture.registry.list().map((device) => device.deviceId)).toEqual(['legacy-7', 'q-2']);
  });

  it('holds what a quarantined device sends on its own topics, learning its domain, and refuses other topics', async () => {
    const principal = policy.authenticate(attempt('q-1', longSecret)) as MqttPrincipal;
    expect(policy.publishRefusal(principal, 'sensors/gas/q-1/telemetry')).toEqual({
      reason: 'DEVICE_QUARANTINED',
      detail: 'device q-1 is quarantined: held until an operator approves it',
      deviceId: 'q-1',
      domain: 'gas',
    });
    expect(fixture.registry.find('q-1')?.domain).toBe('gas');
    expect(policy.publishRefusal(principal, 'sensors/water/q-1/status')).toMatchObject({ reason: 'DEVICE_QUARANTINED', domain: 'water' });
    expect(fixture.registry.find('q-1')?.domain).toBe('gas');
    expect(policy.publishRefusal(principal, 'sensors/gas/q-2/telemetry')).toMatchObject({ reason: 'TOPIC_FORBIDDEN', deviceId: 'q-1' });
    expect(policy.subscriptionRefusal(principal, 'sensors/gas/q-1/commands')).toBe('device q-1 is quarantined: no subscriptions until it is approved');
    expect(policy.mayReceive(principal, 'sensors/gas/q-1/commands')).toBe(false);
  });

  it('approves with trust on first use: the first secret keeps working; without one, a new secret is issued', async () => {
    policy.authenticate(attempt('q-1', longSecret));
    policy.publishRefusal({ kind: 'quarantined', deviceId: 'q-1' }, 'sensors/gas/q-1/telemetry');
    const approved = await fixture.registry.approve(ADMIN, 'q-1', { town: 'Ashford' }, false);
    expect(approved.secret).toBeNull();
    expect(approved.device).toMatchObject({ status: 'active', domain: 'gas', town: 'Ashford' });
    expect(fixture.disconnected).toEqual(['q-1']);
    expect(policy.authenticate(attempt('q-1', longSecret))).toEqual({ kind: 'device', deviceId: 'q-1', domain: 'gas', town: 'Ashford', site: null });

    policy.authenticate(attempt('q-2', undefined));
    const issued = await fixture.registry.approve(ADMIN, 'q-2', { domain: 'heat' }, false);
    expect(issued.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(policy.authenticate(attempt('q-2', issued.secret as string))).toMatchObject({ kind: 'device', domain: 'heat' });
    expect(fixture.auditTrail()).toEqual([
      ['device.approve', 'q-1', 'ada'],
      ['device.approve', 'q-2', 'ada'],
    ]);
  });

  it('needs a domain to approve a device that never published, and refuses to approve an active one', async () => {
    policy.authenticate(attempt('q-3', undefined));
    await expect(fixture.registry.approve(ADMIN, 'q-3', { town: 'Ashford' }, false)).rejects.toThrow('Invalid approval');
    await fixture.registry.approve(ADMIN, 'q-3', { domain: 'power' }, true);
    await expect(fixture.registry.approve(ADMIN, 'q-3', {}, false)).rejects.toThrow('Device q-3 is already active');
  });

  it('rejects a quarantined device for good, until it is deleted', async () => {
    policy.authenticate(attempt('q-4', longSecret));
    await fixture.registry.reject(ADMIN, 'q-4');
    expect(fixture.disconnected).toEqual(['q-4']);
    expect(policy.authenticate(attempt('q-4', longSecret))).toMatchObject({ refused: 'not-authorized', reason: 'rejected' });
    await fixture.registry.remove(ADMIN, 'q-4');
    expect(policy.authenticate(attempt('q-4', longSecret))).toEqual({ kind: 'quarantined', deviceId: 'q-4' });
  });
});
