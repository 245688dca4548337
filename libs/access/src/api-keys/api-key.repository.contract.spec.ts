import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AccessConflictError } from '../access-errors';
import { AccessFixture, ADMIN, refusalOf, T0 } from '../testing/access-fixtures';
import { ApiKey } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

function key(name: string, change: Partial<Omit<ApiKey, 'id'>> = {}): Omit<ApiKey, 'id'> {
  return { name, description: '', prefix: `cshub_${name.slice(0, 6)}`, role: 'viewer', scope: { towns: [], domains: [] }, createdAt: T0, createdBy: 'admin', revokedAt: null, lastUsedAt: null, ...change };
}

describe.each(TEST_STORES)('ApiKeyRepository on %s', (dialect, open) => {
  let test: TestStore;
  let keys: ApiKeyRepository;

  beforeEach(async () => {
    test = await open();
    keys = new ApiKeyRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('gives each key the next id and reads it back field for field, scope JSON included', async () => {
    const first = await keys.insert(key('scada', { description: '夜间导出 “nightly”', role: 'operator', scope: { towns: ['城关镇', 'Ashford/Millbrook'], domains: ['water', 'gas'] } }), 'hash-1');
    const second = await keys.insert(key('gis'), 'hash-2');
    expect([typeof first.id, second.id - first.id]).toEqual(['number', 1]);
    expect(await keys.get(first.id)).toEqual(first);
    expect(await keys.byName('scada')).toEqual(first);
    expect(await keys.findActive('hash-1')).toEqual(first);
    expect(await keys.findActive('HASH-1')).toBeUndefined();
    expect(await keys.byName('Scada')).toBeUndefined();
    expect(await keys.get(second.id + 1)).toBeUndefined();
  });

  it('lists active keys first, each part by name in byte order', async () => {
    const ids = new Map<string, number>();
    for (const name of ['zeta', 'Alpha', 'beta', 'old-b', 'Old-a']) ids.set(name, (await keys.insert(key(name), `hash-${name}`)).id);
    expect(await keys.revoke(ids.get('old-b') ?? 0, T0 + 1)).toBe(true);
    expect(await keys.revoke(ids.get('Old-a') ?? 0, T0 + 2)).toBe(true);
    expect((await keys.list()).map((listed) => [listed.name, listed.revokedAt])).toEqual([
      ['Alpha', null],
      ['beta', null],
      ['zeta', null],
      ['Old-a', T0 + 2],
      ['old-b', T0 + 1],
    ]);
  });

  it('revokes once (the second answers false), after which the hash finds nothing; touch records last use', async () => {
    const { id } = await keys.insert(key('scada'), 'hash-1');
    await keys.touch(id, T0 + 60_000);
    expect((await keys.findActive('hash-1'))?.lastUsedAt).toBe(T0 + 60_000);
    expect(await keys.revoke(id, T0 + 120_000)).toBe(true);
    expect(await keys.revoke(id, T0 + 180_000)).toBe(false);
    expect(await keys.revoke(id + 1, T0)).toBe(false);
    expect(await keys.findActive('hash-1')).toBeUndefined();
    expect(await keys.get(id)).toMatchObject({ revokedAt: T0 + 120_000, lastUsedAt: T0 + 60_000 });
  });

  it('refuses a second key with a taken name or hash (unique indexes), keeping the first', async () => {
    const first = await keys.insert(key('scada'), 'hash-1');
    expect(await refusalOf(keys.insert(key('scada'), 'hash-2'))).toMatch(dialect === 'sqlite' ? /^UNIQUE constraint failed: api_keys\.name$/ : /^duplicate key value violates unique constraint "api_keys_name_key"$/);
    expect(await refusalOf(keys.insert(key('other'), 'hash-1'))).toMatch(dialect === 'sqlite' ? /^UNIQUE constraint failed: api_keys\.key_hash$/ : /^duplicate key value violates unique constraint "api_keys_key_hash_key"$/);
    expect(await keys.list()).toEqual([first]);
  });
});

describe.each(TEST_STORES)('ApiKeysService under concurrency on %s', (_dialect, open) => {
  let test: TestStore;
  let access: AccessFixture;

  beforeEach(async () => {
    test = await open();
    access = new AccessFixture(test.store);
  });
  afterEach(async () => {
    await access.close();
    await test.dispose();
  });

  it('issues one key of two created at once under one name, and tells the other it exists (409, not a 500)', async () => {
    const results = await Promise.allSettled([access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN), access.keys.create({ name: 'scada', role: 'admin' }, ADMIN)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused?.reason).toEqual(new AccessConflictError('An API key named scada exists (perhaps revoked): choose another name'));
    expect(await access.auditTrail()).toEqual(['admin api-key.create scada']);
  });

  it('records one revocation of two at once; the other is told it was revoked already', async () => {
    const { apiKey } = await access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN);
    const results = await Promise.allSettled([access.keys.revoke(apiKey.id, ADMIN), access.keys.revoke(apiKey.id, ADMIN)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused?.reason).toEqual(new AccessConflictError('API key scada was revoked already'));
    expect(await access.auditTrail()).toEqual(['admin api-key.create scada', 'admin api-key.revoke scada']);
  });
});
