import type { ApiKeyView } from '@hub/api-types';
import { DomainIssue, type HubLogger } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import type { Store } from '@hub/store';
import type { Principal } from '../access-scope';
import { AccessConflictError, AccessNotFoundError } from '../access-errors';
import { fullScope, InvalidInputError, JsonInputReader, readRole, readScope } from '../access-input';
import { AuditRecorder } from '../audit-trail';
import { assertScopeWithin, scopeWithin } from '../scope-check';
import { ApiKey, apiKeyActor, apiKeyDisplayPrefix, apiKeyHash, API_KEY_NAME_PATTERN, isApiKey, newApiKey } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

/** An API key as the API shows it (never the key or its hash): the shape of @hub/api-types. */
export type { ApiKeyView };

/** How stale last-used may be: one write a minute per key at most, not one per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * API keys for systems (SCADA exports, dashboards, provisioning scripts): created by an admin, shown once, then only
 * their prefix; role and scope like an operator's; revoked at once. The audit log names a key's actions `key:<name>`.
 */
export class ApiKeysService {
  constructor(
    private readonly store: Store,
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditRecorder,
    /** Scopes name domains: the ones the catalogue holds now. */
    private readonly catalogue: CatalogueSource,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(body: unknown, by: Principal): Promise<{ key: string; apiKey: ApiKeyView }> {
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body, '', issues, ['name', 'description', 'role', 'towns', 'domains']);
    if (read === undefined) throw new InvalidInputError('API key', issues);
    const name = read.requiredString('name', { maxLength: 64, pattern: API_KEY_NAME_PATTERN, patternText: 'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit' });
    const description = read.string('description', { maxLength: 500 }) ?? '';
    const role = readRole(read, true);
    const scope = fullScope(readScope(read, this.catalogue.current()));
    if (issues.length > 0 || name === undefined || role === undefined) throw new InvalidInputError('API key', issues);
    assertScopeWithin(by, scope, `API key ${name}`);
    const key = newApiKey();
    const now = this.clock();
    const stored = await this.store.tx(async (tx) => {
      // Names stay unique, revoked keys included: `key:<name>` in the audit log must mean one key. Checked under the
      // lock so that of two admins choosing the same name at once, the second gets this 409 (not the index's 500).
      await tx.lock('api-keys');
      if ((await this.keys.byName(name, tx.exec)) !== undefined) throw new AccessConflictError(`An API key named ${name} exists (perhaps revoked): choose another name`);
      const inserted = await this.keys.insert({ name, description, prefix: apiKeyDisplayPrefix(key), role, scope, createdAt: now, createdBy: by.name, revokedAt: null, lastUsedAt: null }, apiKeyHash(key), tx.exec);
      await this.audit.record({ actor: by.name, action: 'api-key.create', targetType: 'api-key', targetId: name, detail: { role, ...scope, prefix: inserted.prefix } }, tx.exec);
      return inserted;
    });
    this.logger.log({ msg: 'API key created', name, role, prefix: stored.prefix, by: by.name });
    return { key, apiKey: view(stored) };
  }

  async list(by: Principal): Promise<ApiKeyView[]> {
    return (await this.keys.list()).filter((key) => scopeWithin(key.scope, by.scope)).map(view);
  }

  async revoke(id: number, by: Principal): Promise<ApiKeyView> {
    const at = this.clock();
    const revoked = await this.store.tx(async (tx) => {
      const key = await this.keys.get(id, tx.exec);
      if (key === undefined) throw new AccessNotFoundError(`Unknown API key ${id}`);
      assertScopeWithin(by, key.scope, `API key ${key.name}`);
      // The update itself decides: of two revocations at once, the one that finds the key still active wins.
      if (key.revokedAt !== null || !(await this.keys.revoke(id, at, tx.exec))) throw new AccessConflictError(`API key ${key.name} was revoked already`);
      await this.audit.record({ actor: by.name, action: 'api-key.revoke', targetType: 'api-key', targetId: key.name, detail: { prefix: key.prefix } }, tx.exec);
      return { ...key, revokedAt: at };
    });
    this.logger.log({ msg: 'API key revoked', name: revoked.name, by: by.name });
    return view(revoked);
  }

  /** The principal of a presented key, or null (not our shape, unknown, or revoked). */
  async resolve(presented: string): Promise<Principal | null> {
    if (!isApiKey(presented)) return null;
    const key = await this.keys.findActive(apiKeyHash(presented));
    if (key === undefined) return null;
    const now = this.clock();
    if (key.lastUsedAt === null || now - key.lastUsedAt >= TOUCH_EVERY_MS) await this.keys.touch(key.id, now);
    return { kind: 'api-key', name: apiKeyActor(key.name), role: key.role, scope: key.scope };
  }
}

function view(key: ApiKey): ApiKeyView {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: key.id,
    name: key.name,
    description: key.description,
    prefix: key.prefix,
    role: key.role,
    towns: key.scope.towns,
    domains: key.scope.domains,
    createdAt: new Date(key.createdAt).toISOString(),
    createdBy: key.createdBy,
    revokedAt: iso(key.revokedAt),
    lastUsedAt: iso(key.lastUsedAt),
  };
}
