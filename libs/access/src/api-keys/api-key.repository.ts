import type { Domain } from '@hub/contract';
import type { ApiKeysTable, Executor, Store } from '@hub/store';
import type { Selectable } from 'kysely';
import type { Role } from '../access-scope';
import { ApiKey } from './api-key';

/** API keys in the hub's database (table `api_keys`). Revoked keys are kept: the audit log refers to them. */
export class ApiKeyRepository {
  constructor(private readonly store: Store) {}

  async insert(key: Omit<ApiKey, 'id'>, keyHash: string, exec: Executor = this.store.db): Promise<ApiKey> {
    const { id } = await exec
      .insertInto('api_keys')
      .values({
        name: key.name,
        description: key.description,
        key_hash: keyHash,
        key_prefix: key.prefix,
        role: key.role,
        towns: JSON.stringify(key.scope.towns),
        domains: JSON.stringify(key.scope.domains),
        created_at: key.createdAt,
        created_by: key.createdBy,
        revoked_at: null,
        last_used_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...key, id };
  }

  /** Active keys first, then by name. */
  async list(exec: Executor = this.store.db): Promise<ApiKey[]> {
    const rows = await exec
      .selectFrom('api_keys')
      .selectAll()
      .orderBy((eb) => eb('revoked_at', 'is not', null))
      .orderBy('name')
      .execute();
    return rows.map(toApiKey);
  }

  async get(id: number, exec: Executor = this.store.db): Promise<ApiKey | undefined> {
    const row = await exec.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  async byName(name: string, exec: Executor = this.store.db): Promise<ApiKey | undefined> {
    const row = await exec.selectFrom('api_keys').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  /** The key with this hash unless revoked. */
  async findActive(keyHash: string, exec: Executor = this.store.db): Promise<ApiKey | undefined> {
    const row = await exec.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  /** False when it was revoked already (or is unknown): of two revocations at once, one wins. */
  async revoke(id: number, at: number, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async touch(id: number, at: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.key_prefix,
    role: row.role as Role,
    scope: { towns: JSON.parse(row.towns) as string[], domains: JSON.parse(row.domains) as Domain[] },
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
