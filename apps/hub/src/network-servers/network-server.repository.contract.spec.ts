import type { StoredNetworkServer } from '@hub/lorawan';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { NetworkServerRepository } from './network-server.repository';

function server(name: string, changes: Partial<StoredNetworkServer['connection']> = {}): StoredNetworkServer {
  return {
    connection: {
      name,
      kind: 'chirpstack-v4',
      url: 'mqtts://ns.example:8883',
      username: 'hub',
      password: 'p4ss',
      tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', rejectUnauthorized: true },
      applicationIds: ['meters', '水表'],
      clientId: `county-hub-${name}`,
      enabled: true,
      ...changes,
    },
    createdAt: 1000,
    createdBy: 'alice',
    updatedAt: 1000,
    updatedBy: 'alice',
  };
}

describe.each(TEST_STORES)('NetworkServerRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let servers: NetworkServerRepository;

  beforeEach(async () => {
    test = await open();
    servers = new NetworkServerRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores a connection and reads it back as it was given, nulls and booleans included', async () => {
    const north = server('north');
    const bare = server('bare', { username: null, password: null, tls: { ca: null, rejectUnauthorized: false }, applicationIds: [], enabled: false });
    expect(await servers.insert(north)).toBe(true);
    expect(await servers.insert(bare)).toBe(true);
    expect(await servers.find('north')).toEqual(north);
    expect(await servers.find('bare')).toEqual(bare);
    expect(await servers.find('south')).toBeUndefined();
  });

  it('refuses a taken name without touching the stored row (INSERT OR IGNORE on both dialects)', async () => {
    await servers.insert(server('north'));
    expect(await servers.insert({ ...server('north', { url: 'mqtt://other:1883' }), createdBy: 'mallory' })).toBe(false);
    expect(await servers.find('north')).toEqual(server('north'));
    expect(await servers.list()).toHaveLength(1);
  });

  it('refuses a taken name inside a transaction and the transaction goes on', async () => {
    await servers.insert(server('north'));
    await test.store.tx(async (tx) => {
      expect(await servers.insert(server('north'), tx.exec)).toBe(false);
      expect(await servers.insert(server('south'), tx.exec)).toBe(true);
    });
    expect((await servers.list()).map((each) => each.connection.name)).toEqual(['north', 'south']);
  });

  it('lists by name in byte order (upper case before lower, as SQLite compares)', async () => {
    for (const name of ['north', 'South', 'east-2', 'East', 'a_b']) await servers.insert(server(name));
    expect((await servers.list()).map((each) => each.connection.name)).toEqual(['East', 'South', 'a_b', 'east-2', 'north']);
    expect(await servers.find('NORTH')).toBeUndefined();
  });

  it('updates what may change and keeps the kind and who created it', async () => {
    await servers.insert(server('north'));
    const changed: StoredNetworkServer = {
      ...server('north', { url: 'mqtt://ns.example:1883', password: null, tls: { ca: null, rejectUnauthorized: false }, applicationIds: [], clientId: 'hub-n', enabled: false }),
      createdAt: 5,
      createdBy: 'mallory',
      updatedAt: 2000,
      updatedBy: 'carol',
    };
    await servers.update(changed);
    expect(await servers.find('north')).toEqual({ ...changed, createdAt: 1000, createdBy: 'alice' });
  });

  it('deletes, answering whether there was such a row', async () => {
    await servers.insert(server('north'));
    await servers.insert(server('south'));
    expect(await servers.delete('north')).toBe(true);
    expect(await servers.delete('north')).toBe(false);
    expect((await servers.list()).map((each) => each.connection.name)).toEqual(['south']);
  });
});
