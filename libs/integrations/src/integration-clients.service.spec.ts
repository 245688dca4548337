import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { IntegrationClientRepository } from './integration-client.repository';
import { IntegrationClientsActor, IntegrationClientsService } from './integration-clients.service';
import { IntegrationCredentialCache } from './integration-credential.cache';
import { secretMatches } from './integration-secret';

const county = (name: string): IntegrationClientsActor => ({ name, scope: { towns: [], domains: [] } });

describe('IntegrationClientsService', () => {
  let test: TestStore;
  let repository: IntegrationClientRepository;
  let cache: IntegrationCredentialCache;
  const audit = new AuditLogRepository(null);
  let disconnected: string[];
  /** The cache's hash for the client when its connections were closed: the new one, or a reconnect gets in on the old. */
  let hashWhenDisconnected: (string | null | undefined)[];
  let service: IntegrationClientsService;
  let now: number;
  const auditList = (query: Parameters<AuditLogRepository['list']>[0]) => audit.list(query, test.store.db);

  beforeEach(async () => {
    test = await sqliteTestStore();
    repository = new IntegrationClientRepository(test.store);
    cache = new IntegrationCredentialCache(repository);
    await cache.load();
    disconnected = [];
    hashWhenDisconnected = [];
    now = Date.UTC(2026, 0, 15, 12);
    const connections = {
      count: () => 1,
      disconnect: (name: string) => {
        disconnected.push(name);
        hashWhenDisconnected.push(cache.find(name)?.secretHash);
        return 1;
      },
    };
    service = new IntegrationClientsService(test.store, repository, cache, audit, MetricCatalogue.BUILT_IN, connections, () => now);
  });

  afterEach(() => test.dispose());

  it('creates a client with a secret shown once and stored only as its hash, and records who did it', async () => {
    const { client, secret } = await service.create({ name: 'water.scada', domains: ['water'], description: 'SCADA historian' }, county('alice'));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client).toEqual({
      name: 'water.scada',
      domains: ['water'],
      towns: [],
      description: 'SCADA historian',
      active: true,
      createdAt: '2026-01-15T12:00:00.000Z',
      createdBy: 'alice',
      updatedAt: '2026-01-15T12:00:00.000Z',
      secretIssuedAt: '2026-01-15T12:00:00.000Z',
      revokedAt: null,
    });
    const stored = await repository.find('water.scada');
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.secretHash).not.toContain(secret);
    expect(secretMatches(Buffer.from(secret), stored?.secretHash ?? '')).toBe(true);
    const [entry] = await auditList({ limit: 10 });
    expect(entry).toMatchObject({ actor: 'alice', action: 'mqtt-client.create', targetType: 'mqtt-client', targetId: 'water.scada', detail: { domains: ['water'], towns: [], description: 'SCADA historian' } });
    expect(JSON.stringify(entry)).not.toContain(secret);
    expect((await service.list(county('alice'))).map((view) => view.name)).toEqual(['water.scada']);
    // The broker's cache has it once committed: the first CONNECT is answered from memory.
    expect(cache.find('water.scada')).toEqual(stored);
  });

  it('refuses a taken name (409) and bad input with every problem named (400)', async () => {
    await service.create({ name: 'water.scada' }, county('alice'));
    const first = cache.find('water.scada');
    await expect(service.create({ name: 'water.scada' }, county('alice'))).rejects.toThrow(expect.objectContaining({ kind: 'conflict' }));
    // The refused second secret never reaches the cache.
    expect(cache.find('water.scada')).toEqual(first);
    expect(await repository.find('water.scada')).toEqual(first);
    let error: unknown;
    try {
      await service.create({ name: 'scada', domains: ['water', 'oil'], towns: [''], secret: 'x' }, county('alice'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      kind: 'invalid',
      issues: [
        { field: 'secret', problem: 'is not a known field; allowed: name, domains, towns, description' },
        { field: 'name', problem: 'must match lower-case words of a-z, 0-9, _ and - joined by dots, 3–64 characters, e.g. water.scada' },
        { field: 'domains[1]', problem: 'must be one of water, power, gas, heat, traffic, got "oil"' },
        { field: 'towns[0]', problem: 'must be a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters, got ""' },
      ],
    });
    await expect(service.get('gas.scada', county('alice'))).rejects.toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  it('rotates a secret: the old one stops matching and the client is disconnected', async () => {
    const { secret: first } = await service.create({ name: 'water.scada' }, county('alice'));
    now += 60_000;
    const { secret: second, client } = await service.rotateSecret('water.scada', county('bob'));
    expect(second).not.toBe(first);
    const hash = (await repository.find('water.scada'))?.secretHash ?? '';
    expect([secretMatches(Buffer.from(first), hash), secretMatches(Buffer.from(second), hash)]).toEqual([false, true]);
    expect(client.secretIssuedAt).toBe('2026-01-15T12:01:00.000Z');
    expect(disconnected).toEqual(['water.scada']);
    expect(hashWhenDisconnected).toEqual([hash]);
    expect(cache.find('water.scada')).toEqual(await repository.find('water.scada'));
    expect((await auditList({ limit: 1 }))[0]).toMatchObject({ actor: 'bob', action: 'mqtt-client.secret.rotate', detail: { reinstated: false, disconnected: 1 } });
  });

  it('revokes a secret once, disconnecting the client; a new secret reinstates it', async () => {
    await service.create({ name: 'water.scada' }, county('alice'));
    const revoked = await service.revokeSecret('water.scada', county('bob'));
    expect(revoked).toMatchObject({ active: false, secretIssuedAt: null, revokedAt: '2026-01-15T12:00:00.000Z' });
    expect((await repository.find('water.scada'))?.secretHash).toBeNull();
    expect(await service.revokeSecret('water.scada', county('bob'))).toEqual(revoked);
    expect(disconnected).toEqual(['water.scada']);
    // Revoked in memory before its connections closed: a reconnect is refused.
    expect(hashWhenDisconnected).toEqual([null]);
    expect(cache.find('water.scada')).toEqual(await repository.find('water.scada'));
    expect((await auditList({ limit: 10 })).map((entry) => entry.action)).toEqual(['mqtt-client.secret.revoke', 'mqtt-client.create']);
    const { client } = await service.rotateSecret('water.scada', county('carol'));
    expect(client).toMatchObject({ active: true, revokedAt: null });
    expect((await auditList({ limit: 1 }))[0].detail).toEqual({ reinstated: true, disconnected: 1 });
  });

  it('changes the scope (disconnecting the client) or only the description (not disconnecting it)', async () => {
    await service.create({ name: 'county.gis', description: 'GIS' }, county('alice'));
    expect(await service.update('county.gis', { description: 'GIS export' }, county('bob'))).toMatchObject({ description: 'GIS export', domains: [], towns: [] });
    expect(disconnected).toEqual([]);
    expect(await service.update('county.gis', { towns: ['Ashford'] }, county('bob'))).toMatchObject({ description: 'GIS export', domains: [], towns: ['Ashford'] });
    expect(disconnected).toEqual(['county.gis']);
    expect(cache.find('county.gis')?.client.scope).toEqual({ domains: [], towns: ['Ashford'] });
    expect(cache.find('county.gis')).toEqual(await repository.find('county.gis'));
    expect((await auditList({ limit: 1 }))[0]).toMatchObject({
      action: 'mqtt-client.update',
      detail: { before: { towns: [] }, after: { towns: ['Ashford'] }, disconnected: 1 },
    });
    await expect(service.update('county.gis', {}, county('bob'))).rejects.toThrow(expect.objectContaining({ kind: 'invalid', issues: [{ field: 'domains', problem: 'or towns or description is required: what to change' }] }));
  });

  it('keeps a scoped admin to clients inside their scope: no wider client made, seen, widened, rotated or revoked', async () => {
    const ashford: IntegrationClientsActor = { name: 'ash-admin', scope: { towns: ['Ashford'], domains: [] } };
    await service.create({ name: 'county.gis' }, county('alice'));
    const forbidden = expect.objectContaining({ kind: 'forbidden' });
    await expect(service.create({ name: 'ashford.all' }, ashford)).rejects.toThrow(forbidden);
    await expect(service.create({ name: 'ashford.brook', towns: ['Ashford', 'Brook'] }, ashford)).rejects.toThrow(forbidden);
    await expect(service.rotateSecret('county.gis', ashford)).rejects.toThrow(forbidden);
    await expect(service.revokeSecret('county.gis', ashford)).rejects.toThrow(forbidden);
    await expect(service.update('county.gis', { description: 'mine now' }, ashford)).rejects.toThrow(forbidden);
    await expect(service.get('county.gis', ashford)).rejects.toThrow(forbidden);
    expect((await repository.find('county.gis'))?.client).toMatchObject({ description: '', revokedAt: null, scope: { towns: [], domains: [] } });

    const { client } = await service.create({ name: 'ashford.ops', towns: ['Ashford'] }, ashford);
    expect(client).toMatchObject({ name: 'ashford.ops', towns: ['Ashford'], createdBy: 'ash-admin' });
    await expect(service.update('ashford.ops', { towns: ['Ashford', 'Brook'] }, ashford)).rejects.toThrow(forbidden);
    expect(await service.update('ashford.ops', { domains: ['water'] }, ashford)).toMatchObject({ towns: ['Ashford'], domains: ['water'] });
    expect((await service.list(ashford)).map((view) => view.name)).toEqual(['ashford.ops']);
    expect((await service.list(county('alice'))).map((view) => view.name)).toEqual(['ashford.ops', 'county.gis']);
    expect((await auditList({ limit: 10 })).map((entry) => entry.action)).toEqual(['mqtt-client.update', 'mqtt-client.create', 'mqtt-client.create']);
  });

  it('leaves the cache as it was when the change rolls back', async () => {
    await service.create({ name: 'water.scada' }, county('alice'));
    const before = cache.find('water.scada');
    const failing = new IntegrationClientsService(test.store, repository, cache, { record: () => Promise.reject(new Error('audit log unavailable')) }, MetricCatalogue.BUILT_IN, { count: () => 0, disconnect: () => 0 }, () => now);
    await expect(failing.rotateSecret('water.scada', county('bob'))).rejects.toThrow('audit log unavailable');
    await expect(failing.create({ name: 'gas.scada' }, county('bob'))).rejects.toThrow('audit log unavailable');
    expect(cache.find('water.scada')).toEqual(before);
    expect(await repository.find('water.scada')).toEqual(before);
    expect(cache.find('gas.scada')).toBeUndefined();
    expect(await repository.find('gas.scada')).toBeUndefined();
  });

  it('loads every client at start and reloads one changed elsewhere (another node)', async () => {
    await service.create({ name: 'water.scada' }, county('alice'));
    await service.create({ name: 'county.gis' }, county('alice'));
    const fresh = new IntegrationCredentialCache(repository);
    expect(fresh.find('water.scada')).toBeUndefined();
    await fresh.load();
    expect([fresh.find('water.scada'), fresh.find('county.gis')]).toEqual([await repository.find('water.scada'), await repository.find('county.gis')]);
    await repository.revoke('water.scada', now + 1);
    expect(fresh.find('water.scada')?.secretHash).not.toBeNull();
    await fresh.reload('water.scada');
    expect(fresh.find('water.scada')?.secretHash).toBeNull();
    await test.store.db.deleteFrom('mqtt_clients').where('name', '=', 'county.gis').execute();
    await fresh.reload('county.gis');
    expect(fresh.find('county.gis')).toBeUndefined();
    await fresh.reload();
    expect(fresh.find('water.scada')?.client.revokedAt).toBe(now + 1);
  });
});
