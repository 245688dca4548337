import type { NetworkServerKind, StoredNetworkServer } from '@hub/lorawan';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

interface NetworkServerRow {
  name: string;
  kind: string;
  url: string;
  username: string | null;
  password: string | null;
  tls_ca: string | null;
  tls_reject_unauthorized: number;
  application_ids: string;
  client_id: string;
  enabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** The `network_servers` table: one row per connection, application ids as a JSON array. */
export class NetworkServerRepository {
  private readonly all: Statement;
  private readonly one: Statement;
  private readonly insertRow: Statement;
  private readonly updateRow: Statement;
  private readonly deleteRow: Statement;

  constructor(db: SqliteDatabase) {
    this.all = db.prepare('SELECT * FROM network_servers ORDER BY name');
    this.one = db.prepare('SELECT * FROM network_servers WHERE name = ?');
    const columns = 'kind, url, username, password, tls_ca, tls_reject_unauthorized, application_ids, client_id, enabled';
    this.insertRow = db.prepare(
      `INSERT OR IGNORE INTO network_servers (name, ${columns}, created_at, created_by, updated_at, updated_by)
       VALUES (@name, @kind, @url, @username, @password, @tlsCa, @tlsRejectUnauthorized, @applicationIds, @clientId, @enabled, @createdAt, @createdBy, @updatedAt, @updatedBy)`,
    );
    this.updateRow = db.prepare(
      `UPDATE network_servers SET url = @url, username = @username, password = @password, tls_ca = @tlsCa, tls_reject_unauthorized = @tlsRejectUnauthorized,
         application_ids = @applicationIds, client_id = @clientId, enabled = @enabled, updated_at = @updatedAt, updated_by = @updatedBy
       WHERE name = @name`,
    );
    this.deleteRow = db.prepare('DELETE FROM network_servers WHERE name = ?');
  }

  list(): StoredNetworkServer[] {
    return (this.all.all() as NetworkServerRow[]).map(fromRow);
  }

  find(name: string): StoredNetworkServer | undefined {
    const row = this.one.get(name) as NetworkServerRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** False when the name is taken. */
  insert(stored: StoredNetworkServer): boolean {
    return this.insertRow.run(toParams(stored)).changes === 1;
  }

  update(stored: StoredNetworkServer): void {
    this.updateRow.run(toParams(stored));
  }

  /** False when there was no such row. */
  delete(name: string): boolean {
    return this.deleteRow.run(name).changes === 1;
  }
}

function toParams(stored: StoredNetworkServer): Record<string, unknown> {
  const { connection } = stored;
  return {
    name: connection.name,
    kind: connection.kind,
    url: connection.url,
    username: connection.username,
    password: connection.password,
    tlsCa: connection.tls.ca,
    tlsRejectUnauthorized: connection.tls.rejectUnauthorized ? 1 : 0,
    applicationIds: JSON.stringify(connection.applicationIds),
    clientId: connection.clientId,
    enabled: connection.enabled ? 1 : 0,
    createdAt: stored.createdAt,
    createdBy: stored.createdBy,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
  };
}

function fromRow(row: NetworkServerRow): StoredNetworkServer {
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
