import { AccessDeniedError, COUNTY_SCOPE } from '@hub/access';
import { InvalidInputError } from '@hub/common';
import { type BridgeStatus, NetworkServerBridges, NetworkServerExistsError, NetworkServerNotFoundError, type NetworkServerConnection, STOPPED_STATUS } from '@hub/lorawan';
import { type AuditEntry, AuditLogRepository, type AuditQuery } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { NetworkServerRepository } from './network-server.repository';
import { NetworkServersService } from './network-servers.service';

const ADMIN = { name: 'alice', scope: COUNTY_SCOPE };
const TOWN_ADMIN = { name: 'bob', scope: { towns: ['Ashford'], domains: [] } };
const BODY = { name: 'north', kind: 'chirpstack-v4', url: 'mqtts://ns.example:8883', username: 'hub', password: 'p4ss', applicationIds: ['meters'] };

/** The manager as the service sees it: what it was asked to run or stop. */
class RecordingBridges {
  readonly calls: Array<['upsert', NetworkServerConnection] | ['remove', string]> = [];
  status(_name: string): BridgeStatus {
    return STOPPED_STATUS;
  }

  async upsert(connection: NetworkServerConnection): Promise<void> {
    this.calls.push(['upsert', connection]);
  }

  async remove(name: string): Promise<void> {
    this.calls.push(['remove', name]);
  }
}

describe('NetworkServersService', () => {
  let test: TestStore;
  const audit = new AuditLogRepository(null);
  const audited = (query: AuditQuery): Promise<AuditEntry[]> => audit.list(query, test.store.db);
  let bridges: RecordingBridges;
  let service: NetworkServersService;
  let clock: number;

  beforeEach(async () => {
    test = await sqliteTestStore();
    bridges = new RecordingBridges();
    clock = Date.parse('2026-12-05T08:00:00Z');
    service = new NetworkServersService(test.store, new NetworkServerRepository(test.store), audit, bridges as unknown as NetworkServerBridges, () => clock);
  });

  afterEach(() => test.dispose());

  it('stores a new connection, starts its bridge and audits it without the password', async () => {
    const view = await service.create(BODY, ADMIN);
    expect(view).toMatchObject({ name: 'north', passwordSet: true, clientId: 'county-hub-north', createdBy: 'alice', createdAt: '2026-12-05T08:00:00.000Z', status: { state: 'stopped' } });
    expect(JSON.stringify(view)).not.toContain('p4ss');
    expect(bridges.calls).toEqual([['upsert', expect.objectContaining({ name: 'north', password: 'p4ss' })]]);
    expect((await service.stored()).map((stored) => stored.connection)).toEqual([bridges.calls[0]![1]]);
    const [entry] = await audited({ limit: 10 });
    expect(entry).toMatchObject({ actor: 'alice', action: 'network-server.create', targetType: 'network-server', targetId: 'north' });
    expect(entry!.detail).toMatchObject({ passwordSet: true, username: 'hub' });
    expect(JSON.stringify(entry)).not.toContain('p4ss');
  });

  it('refuses a taken name (409) without a second audit entry or bridge', async () => {
    await service.create(BODY, ADMIN);
    await expect(service.create(BODY, ADMIN)).rejects.toThrow(NetworkServerExistsError);
    expect(await audited({ limit: 10 })).toHaveLength(1);
    expect(bridges.calls).toHaveLength(1);
  });

  it('refuses bad input before storing anything', async () => {
    await expect(service.create({ ...BODY, url: 'ftp://x' }, ADMIN)).rejects.toThrow(InvalidInputError);
    expect(await service.stored()).toEqual([]);
    expect(await audited({ limit: 10 })).toEqual([]);
  });

  it('changes a connection, keeps the password unless sent, and audits before and after', async () => {
    await service.create(BODY, ADMIN);
    clock += 60_000;
    const view = await service.update('north', { applicationIds: [], enabled: false }, { name: 'carol', scope: COUNTY_SCOPE });
    expect(view).toMatchObject({ applicationIds: [], subscriptions: ['application/+/device/+/event/+'], enabled: false, passwordSet: true, updatedBy: 'carol', createdBy: 'alice' });
    expect(bridges.calls[1]).toEqual(['upsert', expect.objectContaining({ enabled: false, password: 'p4ss' })]);
    const [entry] = await audited({ limit: 1 });
    expect(entry).toMatchObject({ actor: 'carol', action: 'network-server.update', detail: { passwordChanged: false, before: { applicationIds: ['meters'] }, after: { applicationIds: [] } } });
  });

  it('deletes, stops the bridge and audits; unknown names are 404', async () => {
    await service.create(BODY, ADMIN);
    await service.remove('north', ADMIN);
    expect(bridges.calls.at(-1)).toEqual(['remove', 'north']);
    expect(await service.stored()).toEqual([]);
    expect((await audited({ limit: 1 }))[0]).toMatchObject({ action: 'network-server.delete', targetId: 'north' });
    await expect(service.remove('north', ADMIN)).rejects.toThrow(NetworkServerNotFoundError);
    await expect(service.update('north', { enabled: true }, ADMIN)).rejects.toThrow(NetworkServerNotFoundError);
    await expect(service.get('north', ADMIN)).rejects.toThrow(NetworkServerNotFoundError);
  });

  it('lets only a county-wide admin see or change network servers', async () => {
    await service.create(BODY, ADMIN);
    await expect(service.list(TOWN_ADMIN)).rejects.toThrow(AccessDeniedError);
    await expect(service.create({ ...BODY, name: 'south' }, TOWN_ADMIN)).rejects.toThrow(
      "Only an admin of the whole county may add a network server: a network server carries every town's devices (bob has towns Ashford)",
    );
    await expect(service.remove('north', TOWN_ADMIN)).rejects.toThrow(AccessDeniedError);
    expect(await service.stored()).toHaveLength(1);
  });

  it('tells the bridge nothing when the change does not commit', async () => {
    await service.create(BODY, ADMIN);
    const failingAudit = { record: () => Promise.reject(new Error('audit log unavailable')) } as unknown as AuditLogRepository;
    const failing = new NetworkServersService(test.store, new NetworkServerRepository(test.store), failingAudit, bridges as unknown as NetworkServerBridges, () => clock);
    await expect(failing.update('north', { enabled: false }, ADMIN)).rejects.toThrow('audit log unavailable');
    await expect(failing.remove('north', ADMIN)).rejects.toThrow('audit log unavailable');
    await expect(failing.create({ ...BODY, name: 'south' }, ADMIN)).rejects.toThrow('audit log unavailable');
    expect(bridges.calls).toHaveLength(1);
    expect((await service.stored()).map((stored) => [stored.connection.name, stored.connection.enabled])).toEqual([['north', true]]);
  });
});
