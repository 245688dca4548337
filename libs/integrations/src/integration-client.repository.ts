import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import { IntegrationClient } from './integration-client';

interface IntegrationClientRow {
  name: string;
  secret_hash: string | null;
  secret_issued_at: number | null;
  domains: string;
  towns: string;
  description: string;
  created_at: number;
  created_by: string;
  updated_at: number;
  revoked_at: number | null;
}

export interface IntegrationCredential {
  readonly client: IntegrationClient;
  /** SHA-256 (hex) of the current secret; null when revoked. */
  readonly secretHash: string | null;
}

/** The `mqtt_clients` table. Scopes are JSON arrays; a revoked client keeps its row (the audit log refers to it). */
export class IntegrationClientRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /** False when the name is taken. */
  insert(client: IntegrationClient, secretHash: string): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO mqtt_clients (name, secret_hash, secret_issued_at, domains, towns, description, created_at, created_by, updated_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      )
      .run(client.name, secretHash, client.secretIssuedAt, JSON.stringify(client.scope.domains), JSON.stringify(client.scope.towns), client.description, client.createdAt, client.createdBy, client.updatedAt);
    return result.changes === 1;
  }

  find(name: string): IntegrationCredential | undefined {
    const row = this.db.prepare('SELECT * FROM mqtt_clients WHERE name = ?').get(name) as IntegrationClientRow | undefined;
    return row === undefined ? undefined : { client: toClient(row), secretHash: row.secret_hash };
  }

  list(): IntegrationClient[] {
    return (this.db.prepare('SELECT * FROM mqtt_clients ORDER BY name').all() as IntegrationClientRow[]).map(toClient);
  }

  /** A new secret: replaces the old one, or reinstates a revoked client. */
  setSecret(name: string, secretHash: string, at: number): void {
    this.db.prepare('UPDATE mqtt_clients SET secret_hash = ?, secret_issued_at = ?, revoked_at = NULL, updated_at = ? WHERE name = ?').run(secretHash, at, at, name);
  }

  revoke(name: string, at: number): void {
    this.db.prepare('UPDATE mqtt_clients SET secret_hash = NULL, secret_issued_at = NULL, revoked_at = ?, updated_at = ? WHERE name = ?').run(at, at, name);
  }

  update(client: IntegrationClient): void {
    this.db
      .prepare('UPDATE mqtt_clients SET domains = ?, towns = ?, description = ?, updated_at = ? WHERE name = ?')
      .run(JSON.stringify(client.scope.domains), JSON.stringify(client.scope.towns), client.description, client.updatedAt, client.name);
  }
}

function toClient(row: IntegrationClientRow): IntegrationClient {
  return {
    name: row.name,
    scope: { domains: JSON.parse(row.domains) as Domain[], towns: JSON.parse(row.towns) as string[] },
    description: row.description,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    secretIssuedAt: row.secret_issued_at,
    revokedAt: row.revoked_at,
  };
}
