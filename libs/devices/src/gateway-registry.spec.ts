import { readDeviceCsv } from './device-import';
import { DeviceImportService } from './device-import.service';
import { DeviceQueryService } from './device-view';
import { ADMIN, ASHFORD_ADMIN, RegistryFixture } from './testing/registry-fixture';

const NO_PRESENCE = { list: () => [], get: () => undefined };

describe('gateways in the device registry', () => {
  let fixture: RegistryFixture;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-1', domain: 'water', town: 'Ashford', kind: 'gateway', gatewayDomains: ['water', 'power'] });
  });

  it('provisions a gateway and children under it, each with its own secret, and keeps them across a restart', async () => {
    const child = await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'power', town: 'Ashford', gatewayId: 'dtu-1' });
    expect(child.secret).toHaveLength(43);
    expect(child.device).toMatchObject({ kind: 'device', gatewayId: 'dtu-1', gatewayDomains: [] });
    const reopened = await fixture.open();
    expect(reopened.find('dtu-1')).toMatchObject({ kind: 'gateway', gatewayId: null, gatewayDomains: ['water', 'power'] });
    expect(reopened.childrenOf('dtu-1').map((device) => device.deviceId)).toEqual(['m-1']);
    const views = new DeviceQueryService(reopened, NO_PRESENCE).list(ADMIN.scope);
    expect(views.map((view) => [view.deviceId, view.kind, view.gatewayId, view.childCount])).toEqual([
      ['m-1', 'device', 'dtu-1', null],
      ['dtu-1', 'gateway', null, 1],
    ]);
  });

  it("defaults a gateway's domains to its own", async () => {
    expect((await fixture.registry.provision(ADMIN, { deviceId: 'dtu-2', domain: 'gas', kind: 'gateway' })).device.gatewayDomains).toEqual(['gas']);
  });

  it.each([
    ['an unknown gateway', { deviceId: 'm-2', domain: 'water', gatewayId: 'dtu-9' }, 'gatewayId', 'no gateway dtu-9 in the registry (provision the gateway first, or in the same import)'],
    ['a plain device as gateway', { deviceId: 'm-2', domain: 'water', gatewayId: 'plain' }, 'gatewayId', 'plain is not a gateway (it is a plain device)'],
    ['a domain the gateway does not speak for', { deviceId: 'm-2', domain: 'gas', gatewayId: 'dtu-1' }, 'gatewayId', 'gateway dtu-1 does not speak for gas (its domains: water, power); add the domain to its gatewayDomains first'],
    ['a gateway under a gateway', { deviceId: 'dtu-3', domain: 'water', kind: 'gateway', gatewayId: 'dtu-1' }, 'gatewayId', 'a gateway cannot be under another gateway'],
    ['domains on a plain device', { deviceId: 'm-2', domain: 'water', gatewayDomains: ['water'] }, 'gatewayDomains', 'only a gateway (kind gateway) speaks for domains'],
    ['an unknown kind', { deviceId: 'm-2', domain: 'water', kind: 'router' }, 'kind', 'must be one of device, gateway, got "router"'],
  ])('refuses %s', async (_case, raw, field, problem) => {
    await fixture.registry.provision(ADMIN, { deviceId: 'plain', domain: 'water' });
    await expect(fixture.registry.provision(ADMIN, raw)).rejects.toThrow(expect.objectContaining({ issues: [{ field, problem }] }));
  });

  it('does not let a town-scoped admin hang a device under another town’s gateway, but lets them edit one that is', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-b', domain: 'water', town: 'Brook', kind: 'gateway' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-ash', domain: 'water', town: 'Ashford', gatewayId: 'dtu-b' });
    expect(await fixture.registry.update(ASHFORD_ADMIN, 'm-ash', { description: 'fed by the Brook DTU' })).toMatchObject({ gatewayId: 'dtu-b', description: 'fed by the Brook DTU' });
    await expect(fixture.registry.update(ASHFORD_ADMIN, 'm-ash', { gatewayId: 'dtu-b' })).rejects.toThrow(
      expect.objectContaining({ issues: [{ field: 'gatewayId', problem: 'no gateway dtu-b in the registry (provision the gateway first, or in the same import)' }] }),
    );
    await expect(fixture.registry.provision(ASHFORD_ADMIN, { deviceId: 'm-2', domain: 'water', town: 'Ashford', gatewayId: 'dtu-b' })).rejects.toThrow(
      expect.objectContaining({ issues: [{ field: 'gatewayId', problem: 'no gateway dtu-b in the registry (provision the gateway first, or in the same import)' }] }),
    );
  });

  it('moves a child, keeps the gateway’s domains covering its children and refuses to delete a gateway with children', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'power', gatewayId: 'dtu-1' });
    await expect(fixture.registry.update(ADMIN, 'dtu-1', { gatewayDomains: ['water'] })).rejects.toThrow(
      expect.objectContaining({ issues: [{ field: 'gatewayDomains', problem: 'children m-1 (power) are in domains the gateway would no longer speak for' }] }),
    );
    await expect(fixture.registry.remove(ADMIN, 'dtu-1')).rejects.toThrow('Gateway dtu-1 still has 1 devices registered under it (m-1): move them to another gateway or to none (PATCH gatewayId) or delete them first');
    await expect(fixture.registry.update(ADMIN, 'm-1', { kind: 'gateway' })).rejects.toThrow(expect.objectContaining({ issues: [{ field: 'kind', problem: 'kind cannot change; delete the device and provision it again' }] }));
    await fixture.registry.update(ADMIN, 'm-1', { gatewayId: null });
    expect(fixture.registry.childCountOf('dtu-1')).toBe(0);
    await fixture.registry.remove(ADMIN, 'dtu-1');
    expect(fixture.registry.find('dtu-1')).toBeUndefined();
  });

  it('names at most ten children when it refuses to delete their gateway', async () => {
    for (let index = 0; index < 12; index++) await fixture.registry.provision(ADMIN, { deviceId: `m-${String(index).padStart(2, '0')}`, domain: 'water', gatewayId: 'dtu-1' });
    await expect(fixture.registry.remove(ADMIN, 'dtu-1')).rejects.toThrow(
      'Gateway dtu-1 still has 12 devices registered under it (m-00, m-01, m-02, m-03, m-04, m-05, m-06, m-07, m-08, m-09 and 2 more): move them to another gateway or to none (PATCH gatewayId) or delete them first',
    );
  });

  it('removes what other features keep for a deleted device in the same transaction, and says how much in the audit entry', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'water' });
    fixture.registry.whenRemoved((deviceId) => Promise.resolve({ commandsRemoved: deviceId === 'm-1' ? 2 : 0 }));
    await fixture.registry.remove(ADMIN, 'm-1');
    expect(fixture.audit.list({ limit: 1000 }).filter((entry) => entry.action === 'device.delete').map((entry) => [entry.targetId, entry.detail])).toEqual([
      ['m-1', { domain: 'water', town: null, status: 'active', commandsRemoved: 2 }],
    ]);
  });

  it('keeps the device when removing another feature’s rows fails', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'water' });
    fixture.registry.whenRemoved(() => {
      throw new Error('disk full');
    });
    await expect(fixture.registry.remove(ADMIN, 'm-1')).rejects.toThrow('disk full');
    expect(fixture.registry.find('m-1')).toBeDefined();
  });

  it('imports a gateway and its meters from one CSV, refusing a meter of a gateway the file fails to create', async () => {
    const csv = readDeviceCsv(
      [
        'device_id,domain,kind,gateway_id,gateway_domains',
        'dtu-2,water,gateway,,water;heat',
        'h-1,heat,,dtu-2,',
        'w-1,water,device,dtu-2,',
        'dtu-1,water,gateway,,water',
        'w-2,water,,dtu-1,',
        'w-3,water,,dtu-x,',
      ].join('\n'),
    );
    if (!csv.ok) throw new Error('unreadable');
    const report = await new DeviceImportService(fixture.registry).import(ADMIN, csv.value, 'csv');
    expect(report.created.map((device) => device.deviceId)).toEqual(['dtu-2', 'h-1', 'w-1', 'w-2']);
    expect(report.refused).toEqual([
      { line: 5, deviceId: 'dtu-1', problems: [{ field: 'device_id', problem: 'is already provisioned (PATCH it to change it, or rotate its secret)' }] },
      { line: 7, deviceId: 'w-3', problems: [{ field: 'gateway_id', problem: 'no gateway dtu-x in the registry (provision the gateway first, or in the same import)' }] },
    ]);
    expect(fixture.registry.find('dtu-2')?.gatewayDomains).toEqual(['water', 'heat']);
    expect(fixture.registry.childrenOf('dtu-2').map((device) => device.deviceId).sort()).toEqual(['h-1', 'w-1']);
  });
});
