import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { IntegrationClient } from './integration-client';
import { IntegrationClientRepository } from './integration-client.repository';
import { IntegrationCredentialCache } from './integration-credential.cache';

const T0 = Date.UTC(2026, 0, 15, 12);

function client(name: string, change: Partial<IntegrationClient> = {}): IntegrationClient {
  return { name, scope: { domains: [], towns: [] }, description: '', createdAt: T0, createdBy: 'alice', updatedAt: T0, secretIssuedAt: T0, revokedAt: null, ...change };
}

describe.each(TEST_STORES)('IntegrationClientRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let clients: IntegrationClientRepository;

  beforeEach(async () => {
    test = await open();
    clients = new IntegrationClientRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores a client with its hash and reads it back field for field, scope JSON included (unicode, villages)', async () => {
    const scada = client('water.scada', { scope: { domains: ['water', 'heat'], towns: ['城关镇', 'Ashford/Millbrook', 'O’Brien “Quote”'] }, description: 'SCADA 历史库' });
    expect(await clients.insert(scada, 'hash-1')).toBe(true);
    expect(await clients.find('water.scada')).toEqual({ client: scada, secretHash: 'hash-1' });
    expect(await clients.find('Water.SCADA')).toBeUndefined();
    expect(await clients.list()).toEqual([scada]);
  });

  it('answers false for a taken name and keeps the first client and secret (no error, no second row)', async () => {
    expect(await clients.insert(client('water.scada'), 'hash-1')).toBe(true);
    expect(await clients.insert(client('water.scada', { description: 'impostor' }), 'hash-2')).toBe(false);
    expect(await clients.credentials()).toEqual([{ client: client('water.scada'), secretHash: 'hash-1' }]);
  });

  it('lists by name in byte order', async () => {
    for (const name of ['water.scada-2', 'water.scada', 'Gas.ops', 'county.gis', 'water.scada_b']) await clients.insert(client(name), `hash-${name}`);
    expect((await clients.list()).map((listed) => listed.name)).toEqual(['Gas.ops', 'county.gis', 'water.scada', 'water.scada-2', 'water.scada_b']);
    expect((await clients.credentials()).map((credential) => credential.secretHash)).toEqual(['hash-Gas.ops', 'hash-county.gis', 'hash-water.scada', 'hash-water.scada-2', 'hash-water.scada_b']);
  });

  it('revokes (hash and issue time cleared), reinstates with a new secret, and changes scope and description only', async () => {
    await clients.insert(client('water.scada'), 'hash-1');
    await clients.revoke('water.scada', T0 + 1);
    expect(await clients.find('water.scada')).toEqual({ client: client('water.scada', { secretIssuedAt: null, revokedAt: T0 + 1, updatedAt: T0 + 1 }), secretHash: null });
    await clients.setSecret('water.scada', 'hash-2', T0 + 2);
    expect(await clients.find('water.scada')).toEqual({ client: client('water.scada', { secretIssuedAt: T0 + 2, revokedAt: null, updatedAt: T0 + 2 }), secretHash: 'hash-2' });
    const changed = client('water.scada', { scope: { domains: ['water'], towns: ['Ashford'] }, description: 'new', updatedAt: T0 + 3, createdBy: 'ignored', secretIssuedAt: T0 + 2 });
    await clients.update(changed);
    expect(await clients.find('water.scada')).toEqual({ client: { ...changed, createdBy: 'alice' }, secretHash: 'hash-2' });
  });

  it('fills the credential cache from the table, and a reload follows changes made by someone else', async () => {
    await clients.insert(client('water.scada'), 'hash-1');
    const cache = new IntegrationCredentialCache(clients);
    await cache.load();
    expect(cache.find('water.scada')).toEqual({ client: client('water.scada'), secretHash: 'hash-1' });
    await clients.setSecret('water.scada', 'hash-2', T0 + 5);
    await clients.insert(client('county.gis'), 'hash-3');
    expect([cache.find('water.scada')?.secretHash, cache.find('county.gis')]).toEqual(['hash-1', undefined]);
    await cache.reload('water.scada');
    expect(cache.find('water.scada')?.secretHash).toBe('hash-2');
    await cache.reload();
    expect(cache.find('county.gis')?.secretHash).toBe('hash-3');
  });
});
