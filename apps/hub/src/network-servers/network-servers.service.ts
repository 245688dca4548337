import { assertCountyWide, type Principal } from '@hub/access';
import {
  applyNetworkServerChange, auditedConnection, NetworkServerBridges, NetworkServerExistsError, NetworkServerNotFoundError, type NetworkServerView,
  parseNewNetworkServer, type StoredNetworkServer, toNetworkServerView,
} from '@hub/lorawan';
import type { AuditLogRepository } from '@hub/store';
import type { NetworkServerRepository } from './network-server.repository';

/** Why only a county-wide admin changes it, for the 403's message. */
const SHARED = "a network server carries every town's devices";

const TARGET_TYPE = 'network-server';

/** Who manages network servers: recorded by name; only an admin of the whole county. */
export type NetworkServersActor = Pick<Principal, 'name' | 'scope'>;

/**
 * LoRaWAN network server connections: stored, audited, and in force at once — each change restarts that
 * connection's bridge (in-flight messages answered first), a delete leaves its subscriptions. A network server
 * serves devices of every town, and its credentials read all of them, so only a county-wide admin manages them.
 * The password is write-only: views and audit entries say only whether one is set.
 */
export class NetworkServersService {
  constructor(
    private readonly repository: NetworkServerRepository,
    private readonly audit: AuditLogRepository,
    private readonly bridges: NetworkServerBridges,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored connections, for the bridges at boot. */
  stored(): StoredNetworkServer[] {
    return this.repository.list();
  }

  list(by: NetworkServersActor): NetworkServerView[] {
    assertCountyWide(by, 'see the network servers', SHARED);
    return this.repository.list().map((stored) => this.view(stored));
  }

  get(name: string, by: NetworkServersActor): NetworkServerView {
    assertCountyWide(by, 'see the network servers', SHARED);
    return this.view(this.find(name));
  }

  async create(body: unknown, by: NetworkServersActor): Promise<NetworkServerView> {
    assertCountyWide(by, 'add a network server', SHARED);
    const connection = parseNewNetworkServer(body);
    const now = this.now();
    const stored: StoredNetworkServer = { connection, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name };
    if (!this.repository.insert(stored)) throw new NetworkServerExistsError(connection.name);
    this.audit.record({ at: now, actor: by.name, action: 'network-server.create', targetType: TARGET_TYPE, targetId: connection.name, detail: auditedConnection(connection) });
    await this.bridges.upsert(connection);
    return this.view(stored);
  }

  async update(name: string, body: unknown, by: NetworkServersActor): Promise<NetworkServerView> {
    assertCountyWide(by, 'change a network server', SHARED);
    const current = this.find(name);
    const connection = applyNetworkServerChange(body, current.connection);
    const now = this.now();
    const stored: StoredNetworkServer = { ...current, connection, updatedAt: now, updatedBy: by.name };
    this.repository.update(stored);
    this.audit.record({
      at: now,
      actor: by.name,
      action: 'network-server.update',
      targetType: TARGET_TYPE,
      targetId: name,
      detail: { before: auditedConnection(current.connection), after: auditedConnection(connection), passwordChanged: connection.password !== current.connection.password },
    });
    await this.bridges.upsert(connection);
    return this.view(stored);
  }

  async remove(name: string, by: NetworkServersActor): Promise<void> {
    assertCountyWide(by, 'delete a network server', SHARED);
    const current = this.find(name);
    this.repository.delete(name);
    this.audit.record({ actor: by.name, action: 'network-server.delete', targetType: TARGET_TYPE, targetId: name, detail: auditedConnection(current.connection) });
    await this.bridges.remove(name);
  }

  private find(name: string): StoredNetworkServer {
    const stored = this.repository.find(name);
    if (stored === undefined) throw new NetworkServerNotFoundError(name);
    return stored;
  }

  private view(stored: StoredNetworkServer): NetworkServerView {
    return toNetworkServerView(stored, this.bridges.status(stored.connection.name));
  }
}
