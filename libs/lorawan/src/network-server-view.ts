import type { BridgeStatus } from './chirpstack-bridge';
import { type NetworkServerConnection, type NetworkServerKind, subscriptionFilters } from './network-server-connection';

/** A stored connection with who made and last changed it. */
export interface StoredNetworkServer {
  readonly connection: NetworkServerConnection;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** What the API shows: everything but the password, whose presence alone is told, and the bridge's status. */
export interface NetworkServerView {
  readonly name: string;
  readonly kind: NetworkServerKind;
  readonly url: string;
  readonly username: string | null;
  readonly passwordSet: boolean;
  readonly tls: { readonly ca: string | null; readonly rejectUnauthorized: boolean };
  readonly applicationIds: readonly string[];
  /** The MQTT subscriptions these application ids make. */
  readonly subscriptions: readonly string[];
  readonly clientId: string;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly status: BridgeStatus;
}

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
