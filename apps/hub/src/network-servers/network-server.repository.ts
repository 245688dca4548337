import type { NetworkServerKind, StoredNetworkServer } from '@hub/lorawan';
import type { Executor, NetworkServersTable, Store } from '@hub/store';

/** The `network_servers` table: one row per connection, application ids as a JSON array. */
export class NetworkServerRepository {
  constructor(private readonly store: Store) {}

  async list(exec: Executor = this.store.db): Promise<StoredNetworkServer[]> {
    const rows = await exec.selectFrom('network_servers').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  }

  async find(name: string, exec: Executor = this.store.db): Promise<StoredNetworkServer | undefined> {
    const row = await exec.selectFrom('network_servers').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  /** False when the name is taken. */
  async insert(stored: StoredNetworkServer, exec: Executor = this.store.db): Promise<boolean> {
    const inserted = await exec
      .insertInto('network_servers')
      .values(toRow(stored))
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async update(stored: StoredNetworkServer, exec: Executor = this.store.db): Promise<void> {
    const row = toRow(stored);
    // The kind and the creation stay as they were: a connection's kind is fixed once it exists.
    await exec
      .updateTable('network_servers')
      .set({
        url: row.url,
        username: row.username,
        password: row.password,
        tls_ca: row.tls_ca,
        tls_reject_unauthorized: row.tls_reject_unauthorized,
        application_ids: row.application_ids,
        client_id: row.client_id,
        enabled: row.enabled,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      })
      .where('name', '=', row.name)
      .execute();
  }

  /** False when there was no such row. */
  async delete(name: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('network_servers').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function toRow(stored: StoredNetworkServer): NetworkServersTable {
  const { connection } = stored;
  return {
    name: connection.name,
    kind: connection.kind,
    url: connection.url,
    username: connection.username,
    password: connection.password,
    tls_ca: connection.tls.ca,
    tls_reject_unauthorized: connection.tls.rejectUnauthorized ? 1 : 0,
    application_ids: JSON.stringify(connection.applicationIds),
    client_id: connection.clientId,
    enabled: connection.enabled ? 1 : 0,
    created_at: stored.createdAt,
    created_by: stored.createdBy,
    updated_at: stored.updatedAt,
    updated_by: stored.updatedBy,
  };
}

function fromRow(row: NetworkServersTable): StoredNetworkServer {
  return {
    connection: {
      name: row.name,
      kind: row.kind as NetworkServerKind,
      url: row.url,
      username: row.username,
      password: row.password,
      tls: { ca: row.tls_ca, rejectUnauthorized: row.tls_reject_unauthorized === 1 },
      applicationIds: JSON.parse(row.application_ids) as string[],
      clientId: row.client_id,
      enabled: row.enabled === 1,
    },
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
