import type { BridgeStatus, NetworkServerView } from '@hub/api-types';
import { type NetworkServerConnection, subscriptionFilters } from './network-server-connection';

/** A stored connection with who made and last changed it. */
export interface StoredNetworkServer {
  readonly connection: NetworkServerConnection;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export type { NetworkServerView } from '@hub/api-types';

/** The connection as audit entries record it: the password's presence, never the password. */
export function auditedConnection(connection: NetworkServerConnection): Record<string, unknown> {
  const { password, ...rest } = connection;
  return { ...rest, passwordSet: password !== null };
}

export function toNetworkServerView(stored: StoredNetworkServer, status: BridgeStatus): NetworkServerView {
  const { connection } = stored;
  return {
    name: connection.name,
    kind: connection.kind,
    url: connection.url,
    username: connection.username,
    passwordSet: connection.password !== null,
    tls: { ca: connection.tls.ca, rejectUnauthorized: connection.tls.rejectUnauthorized },
    applicationIds: connection.applicationIds,
    subscriptions: subscriptionFilters(connection),
    clientId: connection.clientId,
    enabled: connection.enabled,
    createdAt: new Date(stored.createdAt).toISOString(),
    createdBy: stored.createdBy,
    updatedAt: new Date(stored.updatedAt).toISOString(),
    updatedBy: stored.updatedBy,
    status,
  };
}
