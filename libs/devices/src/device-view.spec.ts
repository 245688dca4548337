import type { DeviceState } from './presence/device-state.repository';
import { DeviceNotFoundError, DeviceOutOfScopeError } from './device-registry.errors';
import { DeviceQueryService } from './device-view';
import { ADMIN, RegistryFixture } from './testing/registry-fixture';

const seen = (deviceId: string, domain: string, online = true): DeviceState => ({
  deviceId,
  domain,
  clientId: deviceId,
  online,
  firstSeen: 1,
  lastSeen: 2,
  lastReadingTs: 2,
  lastValues: { v: 1 },
  lastValueTs: { v: 2 },
  statusChangedAt: 1,
});

describe('DeviceQueryService', () => {
  let fixture: RegistryFixture;
  let query: DeviceQueryService;
  const presence = new Map<string, DeviceState>();

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    presence.clear();
    query = new DeviceQueryService(fixture.registry, { list: () => [...presence.values()], get: (id) => presence.get(id) });
    await fixture.registry.provision(ADMIN, { deviceId: 'a-water', domain: 'water', town: 'Ashford', latitude: 1, longitude: 2 });
    await fixture.registry.provision(ADMIN, { deviceId: 'b-gas', domain: 'gas', town: 'Brook' });
    await fixture.registry.provision(ADMIN, { deviceId: 'n-power', domain: 'power' });
    presence.set('a-water', seen('a-water', 'water'));
    presence.set('legacy-1', seen('legacy-1', 'heat', false));
  });

  it('merges the registry with presence and lists what presence alone knows as unregistered', async () => {
    const all = query.list({ towns: [], domains: [] });
    expect(all.map((view) => [view.deviceId, view.registered, view.status, view.online])).toEqual([
      ['b-gas', true, 'active', false],
      ['legacy-1', false, null, false],
      ['n-power', true, 'active', false],
      ['a-water', true, 'active', true],
    ]);
    expect(all[3]).toMatchObject({ town: 'Ashford', location: { latitude: 1, longitude: 2 }, hasSecret: true, lastValues: { v: 1 }, provisionedBy: 'ada' });
    expect(Object.keys(all[3])).not.toContain('secretHash');
    expect(query.list({ towns: [], domains: [] }, { status: 'unregistered' }).map((view) => view.deviceId)).toEqual(['legacy-1']);
    expect(query.list({ towns: [], domains: [] }, { town: 'Brook' }).map((view) => view.deviceId)).toEqual(['b-gas']);
    expect(query.list({ towns: [], domains: [] }, { domain: 'power' }).map((view) => view.deviceId)).toEqual(['n-power']);
  });

  it('shows a town-scoped principal only the devices of its towns (none without a town), and 403 for another town’s device', async () => {
    const ashford = { name: 'ash', scope: { towns: ['Ashford'], domains: [] } };
    expect(query.list(ashford.scope).map((view) => view.deviceId)).toEqual(['a-water']);
    expect(query.get(ashford, 'a-water').deviceId).toBe('a-water');
    expect(() => query.get(ashford, 'b-gas')).toThrow(DeviceOutOfScopeError);
    expect(() => query.get(ashford, 'legacy-1')).toThrow(DeviceOutOfScopeError);
    expect(() => query.get(ashford, 'nobody')).toThrow(DeviceNotFoundError);
    const gasOnly = { name: 'gasco', scope: { towns: [], domains: ['gas' as const] } };
    expect(query.list(gasOnly.scope).map((view) => view.deviceId)).toEqual(['b-gas']);
  });

  it('lists the devices registered under a gateway (not the gateway itself), within the scope', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-1', domain: 'water', town: 'Ashford', kind: 'gateway', gatewayDomains: ['water', 'gas'] });
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-2', domain: 'water', town: 'Ashford', kind: 'gateway' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-2', domain: 'water', town: 'Ashford', gatewayId: 'dtu-1' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'gas', town: 'Brook', gatewayId: 'dtu-1' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-3', domain: 'water', town: 'Ashford', gatewayId: 'dtu-2' });
    const everywhere = { towns: [], domains: [] };
    expect(query.list(everywhere, { gateway: 'dtu-1' }).map((view) => view.deviceId)).toEqual(['m-1', 'm-2']);
    expect(query.list(everywhere, { gateway: 'dtu-1', domain: 'water' }).map((view) => view.deviceId)).toEqual(['m-2']);
    expect(query.list({ towns: ['Ashford'], domains: [] }, { gateway: 'dtu-1' }).map((view) => view.deviceId)).toEqual(['m-2']);
    expect(query.list(everywhere, { gateway: 'a-water' })).toEqual([]);
    expect(query.list(everywhere, { gateway: 'nobody' })).toEqual([]);
  });
});
