import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import type { Role } from '../access-scope';
import { ApiKey } from './api-key';

interface Row {
  id: number;
  name: string;
  description: string;
  key_hash: string;
  key_prefix: string;
  role: Role;
  towns: string;
  domains: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** API keys in the embedded database (table `api_keys`). Revoked keys are kept: the audit log refers to them. */
export class ApiKeyRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(key: Omit<ApiKey, 'id'>, keyHash: string): ApiKey {
    const result = this.db
      .prepare(
        `INSERT INTO api_keys (name, description, key_hash, key_prefix, role, towns, domains, created_at, created_by, revoked_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
      )
      .run(key.name, key.description, keyHash, key.prefix, key.role, JSON.stringify(key.scope.towns), JSON.stringify(key.scope.domains), key.createdAt, key.createdBy);
    return { ...key, id: Number(result.lastInsertRowid) };
  }

  list(): ApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY revoked_at IS NOT NULL, name').all() as Row[]).map(toApiKey);
  }

  get(id: number): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : toApiKey(row);
  }

  byName(name: string): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE name = ?').get(name) as Row | undefined;
    return row === undefined ? undefined : toApiKey(row);
  }

  /** The key with this hash unless revoked. */
  findActive(keyHash: string): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL').get(keyHash) as Row | undefined;
    return row === undefined ? undefined : toApiKey(row);
  }

  revoke(id: number, at: number): boolean {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes === 1;
  }

  touch(id: number, at: number): void {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}

function toApiKey(row: Row): ApiKey {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.key_prefix,
    role: row.role,
    scope: { towns: JSON.parse(row.towns) as string[], domains: JSON.parse(row.domains) as Domain[] },
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
