import { DeviceConflictError, DeviceNotFoundError, DeviceOutOfScopeError, InvalidDeviceError } from './device-registry.errors';
import { deviceSecretMatches } from './device-secret';
import { ADMIN, ASHFORD_ADMIN, RegistryFixture } from './testing/registry-fixture';

describe('DeviceRegistryService', () => {
  let fixture: RegistryFixture;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
  });

  it('provisions a device with a secret whose hash only is kept, audited, and still there after a restart', async () => {
    const { device, secret } = await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: ' Ashford ', site: 'Mill Lane', latitude: 52.1, longitude: -0.5 });
    expect(device).toMatchObject({ deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane', latitude: 52.1, longitude: -0.5, status: 'active', enabled: true, createdBy: 'ada' });
    expect(deviceSecretMatches(secret, device.secretHash)).toBe(true);
    expect(JSON.stringify(fixture.db.prepare('SELECT * FROM registry_devices').all())).not.toContain(secret);
    expect(fixture.auditTrail()).toEqual([['device.provision', 'w-1', 'ada']]);
    const reopened = await fixture.open();
    expect(reopened.find('w-1')).toEqual(device);
    expect(reopened.tagsOf('w-1')).toEqual([['site', 'Mill Lane'], ['town', 'Ashford']]);
    expect(reopened.townOf('w-1')).toBe('Ashford');
  });

  it('refuses a duplicate id (409), bad fields (400 naming each) and a town outside the actor scope (403)', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    await expect(fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' })).rejects.toThrow(DeviceConflictError);
    let invalid: unknown;
    try {
      await fixture.registry.provision(ADMIN, { deviceId: 'w-2', domain: 'water', latitude: 10, expectedIntervalS: 0.5, enabled: 'yes' });
    } catch (error) {
      invalid = error;
    }
    expect(invalid).toBeInstanceOf(InvalidDeviceError);
    expect((invalid as InvalidDeviceError).issues).toEqual([
      { field: 'expectedIntervalS', problem: 'must be whole seconds, from 1 s to 604800 s (7 days), got 0.5' },
      { field: 'enabled', problem: 'must be true or false, got "yes"' },
      { field: 'longitude', problem: 'latitude and longitude go together: give both or neither' },
    ]);
    await expect(fixture.registry.provision(ASHFORD_ADMIN, { deviceId: 'b-1', domain: 'gas', town: 'Brook' })).rejects.toThrow(DeviceOutOfScopeError);
    await expect(fixture.registry.provision(ASHFORD_ADMIN, { deviceId: 'n-1', domain: 'gas' })).rejects.toThrow(DeviceOutOfScopeError);
    expect((await fixture.registry.provision(ASHFORD_ADMIN, { deviceId: 'a-1', domain: 'gas', town: 'Ashford' })).device.town).toBe('Ashford');
  });

  it('refuses control, bidi and other invisible characters in town and site (InfluxDB 1.x would store them as tags), naming them visibly', async () => {
    const problemsOf = async (act: () => Promise<unknown>): Promise<unknown> => {
      try {
        await act();
      } catch (error) {
        if (error instanceof InvalidDeviceError) return error.issues;
        throw error;
      }
      return 'accepted';
    };
    const invisible = 'must not contain control or invisible formatting characters (line breaks, tabs, bidi overrides, zero-width spaces)';
    expect(await problemsOf(() => fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ash\u202eford', site: 'Mill\tLane' }))).toEqual([
      { field: 'town', problem: `${invisible}; found "\\u202e" in "Ash\\u202eford"` },
      { field: 'site', problem: `${invisible}; found "\\t" in "Mill\\tLane"` },
    ]);
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' });
    for (const [field, value, found] of [
      ['town', 'Ash\u0085ford', '"\\u0085"'],
      ['town', '\u2066Ashford\u2069', '"\\u2066"'],
      ['site', 'Mill\u200bLane', '"\\u200b"'],
      ['site', 'Mill\u2028Lane', '"\\u2028"'],
      ['site', 'Mill\ufeffLane', '"\\ufeff"'],
      ['site', 'Mill\ud800Lane', '"\\ud800"'],
    ] as const) {
      expect(await problemsOf(() => fixture.registry.update(ADMIN, 'w-1', { [field]: value }))).toEqual([{ field, problem: expect.stringContaining(`${invisible}; found ${found} in "`) }]);
    }
    expect(fixture.registry.find('w-1')).toMatchObject({ town: 'Ashford', site: 'Mill Lane' });
    // Other scripts and accents are names like any other; at the ends, such characters are trimmed like spaces.
    expect(await fixture.registry.update(ADMIN, 'w-1', { town: 'Køge', site: 'מגדל המים' })).toMatchObject({ town: 'Køge', site: 'מגדל המים' });
    expect(await fixture.registry.update(ADMIN, 'w-1', { site: '\ufeffMill Lane\u2028\n' })).toMatchObject({ site: 'Mill Lane' });
  });

  it('updates the profile, clears fields with null, keeps the domain fixed and ends the session when it disables the device', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford', site: 'Mill Lane' });
    fixture.time += 1000;
    const updated = await fixture.registry.update(ADMIN, 'w-1', { site: null, description: 'inlet', expectedIntervalS: 300 });
    expect(updated).toMatchObject({ town: 'Ashford', site: null, description: 'inlet', expectedIntervalS: 300, updatedAt: fixture.time });
    expect(fixture.registry.tagsOf('w-1')).toEqual([['town', 'Ashford']]);
    expect(fixture.disconnected).toEqual([]);
    await expect(fixture.registry.update(ADMIN, 'w-1', { domain: 'gas' })).rejects.toThrow(InvalidDeviceError);
    await expect(fixture.registry.update(ADMIN, 'w-1', { latitude: 50 })).rejects.toThrow(InvalidDeviceError);
    await expect(fixture.registry.update(ADMIN, 'nope', { enabled: false })).rejects.toThrow(DeviceNotFoundError);
    await fixture.registry.update(ADMIN, 'w-1', { enabled: false });
    expect(fixture.disconnected).toEqual(['w-1']);
    await fixture.registry.update(ADMIN, 'w-1', { enabled: false });
    expect(fixture.disconnected).toEqual(['w-1']);
  });

  it('lets a town-scoped admin change only its own towns, and not move a device out of them', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'a-1', domain: 'water', town: 'Ashford' });
    await fixture.registry.provision(ADMIN, { deviceId: 'b-1', domain: 'water', town: 'Brook' });
    await expect(fixture.registry.update(ASHFORD_ADMIN, 'b-1', { description: 'x' })).rejects.toThrow(DeviceOutOfScopeError);
    await expect(fixture.registry.rotateSecret(ASHFORD_ADMIN, 'b-1')).rejects.toThrow(DeviceOutOfScopeError);
    await expect(fixture.registry.remove(ASHFORD_ADMIN, 'b-1')).rejects.toThrow(DeviceOutOfScopeError);
    await expect(fixture.registry.update(ASHFORD_ADMIN, 'a-1', { town: 'Brook' })).rejects.toThrow(DeviceOutOfScopeError);
    expect(fixture.registry.find('a-1')?.town).toBe('Ashford');
    expect((await fixture.registry.update(ASHFORD_ADMIN, 'a-1', { description: 'mine' })).description).toBe('mine');
  });

  it('rotates a secret (the old one stops matching) and revokes it, ending the session each time', async () => {
    const { secret: first } = await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    fixture.time += 5000;
    const { device, secret: second } = await fixture.registry.rotateSecret(ADMIN, 'w-1');
    expect(deviceSecretMatches(first, device.secretHash)).toBe(false);
    expect(deviceSecretMatches(second, device.secretHash)).toBe(true);
    expect(device.secretIssuedAt).toBe(fixture.time);
    const revoked = await fixture.registry.revokeSecret(ADMIN, 'w-1');
    expect(revoked).toMatchObject({ secretHash: null, secretIssuedAt: null });
    expect(fixture.disconnected).toEqual(['w-1', 'w-1']);
    expect(fixture.auditTrail().map(([action]) => action)).toEqual(['device.provision', 'device.secret.rotate', 'device.secret.revoke']);
  });

  it('removes a device from the registry and memory, retiring its session (no last will, retained status cleared)', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford' });
    await fixture.registry.remove(ADMIN, 'w-1');
    expect(fixture.registry.find('w-1')).toBeUndefined();
    expect(fixture.registry.tagsOf('w-1')).toEqual([]);
    expect((await fixture.open()).find('w-1')).toBeUndefined();
    expect([fixture.retired, fixture.disconnected]).toEqual([['water/w-1'], []]);
    expect((await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' })).device.town).toBeNull();
  });
});
