import type { Domain } from '@hub/contract';
import type { Executor, MqttClientsTable, Store } from '@hub/store';
import type { Selectable } from 'kysely';
import { IntegrationClient } from './integration-client';

export interface IntegrationCredential {
  readonly client: IntegrationClient;
  /** SHA-256 (hex) of the current secret; null when revoked. */
  readonly secretHash: string | null;
}

/** The `mqtt_clients` table. Scopes are JSON arrays; a revoked client keeps its row (the audit log refers to it). */
export class IntegrationClientRepository {
  constructor(private readonly store: Store) {}

  /** False when the name is taken. */
  async insert(client: IntegrationClient, secretHash: string, exec: Executor = this.store.db): Promise<boolean> {
    const inserted = await exec
      .insertInto('mqtt_clients')
      .values({
        name: client.name,
        secret_hash: secretHash,
        secret_issued_at: client.secretIssuedAt,
        domains: JSON.stringify(client.scope.domains),
        towns: JSON.stringify(client.scope.towns),
        description: client.description,
        created_at: client.createdAt,
        created_by: client.createdBy,
        updated_at: client.updatedAt,
        revoked_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('name')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async find(name: string, exec: Executor = this.store.db): Promise<IntegrationCredential | undefined> {
    const row = await exec.selectFrom('mqtt_clients').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toCredential(row);
  }

  async list(exec: Executor = this.store.db): Promise<IntegrationClient[]> {
    return (await this.credentials(exec)).map((credential) => credential.client);
  }

  /** Every client with its secret's hash, by name: what the broker's credential cache holds. */
  async credentials(exec: Executor = this.store.db): Promise<IntegrationCredential[]> {
    return (await exec.selectFrom('mqtt_clients').selectAll().orderBy('name').execute()).map(toCredential);
  }

  /** A new secret: replaces the old one, or reinstates a revoked client. */
  async setSecret(name: string, secretHash: string, at: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('mqtt_clients').set({ secret_hash: secretHash, secret_issued_at: at, revoked_at: null, updated_at: at }).where('name', '=', name).execute();
  }

  async revoke(name: string, at: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('mqtt_clients').set({ secret_hash: null, secret_issued_at: null, revoked_at: at, updated_at: at }).where('name', '=', name).execute();
  }

  async update(client: IntegrationClient, exec: Executor = this.store.db): Promise<void> {
    await exec
      .updateTable('mqtt_clients')
      .set({ domains: JSON.stringify(client.scope.domains), towns: JSON.stringify(client.scope.towns), description: client.description, updated_at: client.updatedAt })
      .where('name', '=', client.name)
      .execute();
  }
}

function toCredential(row: Selectable<MqttClientsTable>): IntegrationCredential {
  return {
    client: {
      name: row.name,
      scope: { domains: JSON.parse(row.domains) as Domain[], towns: JSON.parse(row.towns) as string[] },
      description: row.description,
      createdAt: row.created_at,
      createdBy: row.created_by,
      updatedAt: row.updated_at,
      secretIssuedAt: row.secret_issued_at,
      revokedAt: row.revoked_at,
    },
    secretHash: row.secret_hash,
  };
}
