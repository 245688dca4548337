import { assertCountyWide, type Principal } from '@hub/access';
import {
  applyNetworkServerChange, auditedConnection, NetworkServerBridges, NetworkServerExistsError, NetworkServerNotFoundError, type NetworkServerView,
  parseNewNetworkServer, type StoredNetworkServer, toNetworkServerView,
} from '@hub/lorawan';
import type { AuditLogRepository, Store, Tx } from '@hub/store';
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
    private readonly store: Store,
    private readonly repository: NetworkServerRepository,
    private readonly audit: AuditLogRepository,
    private readonly bridges: NetworkServerBridges,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored connections, for the bridges at boot. */
  stored(): Promise<StoredNetworkServer[]> {
    return this.repository.list();
  }

  async list(by: NetworkServersActor): Promise<NetworkServerView[]> {
    assertCountyWide(by, 'see the network servers', SHARED);
    return (await this.repository.list()).map((stored) => this.view(stored));
  }

  async get(name: string, by: NetworkServersActor): Promise<NetworkServerView> {
    assertCountyWide(by, 'see the network servers', SHARED);
    return this.view(await this.find(name));
  }

  // Each change commits before its bridge is told (a bridge connects to a broker, never awaited inside a
  // transaction, and must not run a connection the store does not have). The bridges are told from afterCommit, in
  // the order the changes committed, and apply what they are told one after another: the last change committed is
  // the one running.

  async create(body: unknown, by: NetworkServersActor): Promise<NetworkServerView> {
    assertCountyWide(by, 'add a network server', SHARED);
    const connection = parseNewNetworkServer(body);
    const now = this.now();
    const stored: StoredNetworkServer = { connection, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name };
    let applied: Promise<void> | undefined;
    await this.store.tx(async (tx) => {
      if (!(await this.repository.insert(stored, tx.exec))) throw new NetworkServerExistsError(connection.name);
      await this.audit.record({ at: now, actor: by.name, action: 'network-server.create', targetType: TARGET_TYPE, targetId: connection.name, detail: auditedConnection(connection) }, tx.exec);
      tx.afterCommit(() => {
        applied = this.bridges.upsert(connection);
      });
    });
    await applied;
    return this.view(stored);
  }

  async update(name: string, body: unknown, by: NetworkServersActor): Promise<NetworkServerView> {
    assertCountyWide(by, 'change a network server', SHARED);
    let applied: Promise<void> | undefined;
    const stored = await this.store.tx(async (tx) => {
      // A change applies to the connection as it is now: two at once must not each start from the same old one.
      await tx.lock(`network-server:${name}`);
      const current = await this.find(name, tx);
      const connection = applyNetworkServerChange(body, current.connection);
      const now = this.now();
      const changed: StoredNetworkServer = { ...current, connection, updatedAt: now, updatedBy: by.name };
      await this.repository.update(changed, tx.exec);
      await this.audit.record(
        {
          at: now,
          actor: by.name,
          action: 'network-server.update',
          targetType: TARGET_TYPE,
          targetId: name,
          detail: { before: auditedConnection(current.connection), after: auditedConnection(connection), passwordChanged: connection.password !== current.connection.password },
        },
        tx.exec,
      );
      tx.afterCommit(() => {
        applied = this.bridges.upsert(connection);
      });
      return changed;
    });
    await applied;
    return this.view(stored);
  }

  async remove(name: string, by: NetworkServersActor): Promise<void> {
    assertCountyWide(by, 'delete a network server', SHARED);
    let applied: Promise<void> | undefined;
    await this.store.tx(async (tx) => {
      await tx.lock(`network-server:${name}`);
      const current = await this.find(name, tx);
      await this.repository.delete(name, tx.exec);
      await this.audit.record({ actor: by.name, action: 'network-server.delete', targetType: TARGET_TYPE, targetId: name, detail: auditedConnection(current.connection) }, tx.exec);
      tx.afterCommit(() => {
        applied = this.bridges.remove(name);
      });
    });
    await applied;
  }

  private async find(name: string, tx?: Tx): Promise<StoredNetworkServer> {
    const stored = await this.repository.find(name, tx?.exec);
    if (stored === undefined) throw new NetworkServerNotFoundError(name);
    return stored;
  }

  private view(stored: StoredNetworkServer): NetworkServerView {
    return toNetworkServerView(stored, this.bridges.status(stored.connection.name));
  }
}
