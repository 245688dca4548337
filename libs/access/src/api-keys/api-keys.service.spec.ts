import { AccessConflictError, AccessDeniedError } from '../access-errors';
import { InvalidInputError } from '../access-input';
import { AccessFixture, ADMIN, MINUTE, T0 } from '../testing/access-fixtures';
import { apiKeyHash, isApiKey } from './api-key';

describe('API keys', () => {
  let access: AccessFixture;

  beforeEach(async () => {
    access = new AccessFixture();
  });

  afterEach(() => access.close());

  it('look like cshub_ + 43 base64url characters, and only that shape is looked up', async () => {
    const { key } = await access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN);
    expect(key).toMatch(/^cshub_[A-Za-z0-9_-]{43}$/);
    expect(isApiKey(key)).toBe(true);
    for (const bad of [`${key}x`, key.slice(0, -1), key.replace('cshub_', 'hub_'), `${key.slice(0, -1)}=`, '']) expect(isApiKey(bad)).toBe(false);
  });

  it('are shown once and stored as SHA-256 with a display prefix; a key becomes its principal, `key:<name>`', async () => {
    const { key, apiKey } = await access.keys.create({ name: 'water-scada', description: 'nightly export', role: 'viewer', domains: ['water'] }, ADMIN);
    expect(apiKey).toMatchObject({ name: 'water-scada', prefix: key.slice(0, 12), role: 'viewer', towns: [], domains: ['water'], createdBy: 'admin', revokedAt: null, lastUsedAt: null });
    const row = await access.store.db.selectFrom('api_keys').select(['key_hash', 'key_prefix']).executeTakeFirstOrThrow();
    expect(row).toEqual({ key_hash: apiKeyHash(key), key_prefix: key.slice(0, 12) });
    expect(JSON.stringify(await access.keys.list(ADMIN))).not.toContain(key.slice(12));
    expect(await access.keys.resolve(key)).toEqual({ kind: 'api-key', name: 'key:water-scada', role: 'viewer', scope: { towns: [], domains: ['water'] } });
    expect(await access.keys.resolve(`cshub_${'A'.repeat(43)}`)).toBeNull();
    expect(await access.auditTrail()).toEqual(['admin api-key.create water-scada']);
  });

  it('record when they were last used, to the minute', async () => {
    const { key } = await access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN);
    access.now = T0 + MINUTE;
    await access.keys.resolve(key);
    access.now = T0 + MINUTE + 30_000;
    await access.keys.resolve(key);
    expect((await access.keys.list(ADMIN))[0].lastUsedAt).toBe(new Date(T0 + MINUTE).toISOString());
  });

  it('stop working at once when revoked, stay listed, and keep their name', async () => {
    const { key, apiKey } = await access.keys.create({ name: 'scada', role: 'operator' }, ADMIN);
    expect((await access.keys.revoke(apiKey.id, ADMIN)).revokedAt).toBe(new Date(T0).toISOString());
    expect(await access.keys.resolve(key)).toBeNull();
    await expect(access.keys.revoke(apiKey.id, ADMIN)).rejects.toThrow(new AccessConflictError('API key scada was revoked already'));
    await expect(access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN)).rejects.toThrow(AccessConflictError);
    expect((await access.keys.list(ADMIN)).map((listed) => [listed.name, listed.revokedAt !== null])).toEqual([['scada', true]]);
    expect(await access.auditTrail()).toEqual(['admin api-key.create scada', 'admin api-key.revoke scada']);
  });

  it('refuse bad input field by field, and a scope wider than the creator’s', async () => {
    await expect(access.keys.create({ name: 'Water SCADA', role: 'root' }, ADMIN)).rejects.toThrow(
      new InvalidInputError('API key', [
        { field: 'name', problem: 'must match lower-case letters, digits, ".", "_" or "-", starting with a letter or digit' },
        { field: 'role', problem: 'must be one of viewer, operator, admin, got "root"' },
      ]),
    );
    const waterAdmin = { ...ADMIN, name: 'w.admin', scope: { towns: [], domains: ['water' as const] } };
    await expect(access.keys.create({ name: 'all', role: 'viewer' }, waterAdmin)).rejects.toThrow(AccessDeniedError);
    expect((await access.keys.create({ name: 'water-only', role: 'viewer', domains: ['water'] }, waterAdmin)).apiKey.domains).toEqual(['water']);
  });
});
