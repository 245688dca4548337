import type { MqttPrincipal } from '@hub/access';
import type { ClusterBus } from '@hub/cluster';
import type { HubLogger } from '@hub/common';
import type { Domain } from '@hub/contract';
import type { DeviceSessions } from '@hub/devices';

/** The bus channel on which a node asks every node to close the MQTT connections of credentials it revoked. */
export const CREDENTIALS_REVOKED = 'credentials.revoked';

/** What to close, by name: JSON, it crosses Redis. A device's client id is its device id (DeviceAccessPolicy). */
export interface RevokedCredentials {
  /** Secret rotated or revoked; disabled, approved or rejected: closed, their wills published as on any lost connection. */
  readonly devices?: readonly string[];
  /** Deleted: closed as if they had sent DISCONNECT (no will: the device no longer exists). */
  readonly deletedDevices?: readonly string[];
  /** Integration clients whose secret was rotated or revoked, or whose scope changed. */
  readonly integrations?: readonly string[];
}

/** The broker as revocations use it (MqttBroker). */
export interface RevocationBroker {
  disconnect(clientId: string): void;
  retire(deviceId: string, domain: Domain | null): void;
  closeConnections(match: (principal: MqttPrincipal) => boolean): number;
  /** The client's open connection, undefined when it has none here. */
  connectionOf(clientId: string): object | undefined;
}

/**
 * Ends the MQTT sessions of revoked credentials on every node: here at once, and on the others through the bus.
 * Another node first reads the credentials again (`refresh`: its caches then refuse the old secret), then closes, so
 * a device that reconnects at once is refused there too. A deleted device's retained status is cleared by the node
 * that deleted it only (the retained store is shared once the broker runs on Redis; on per-node brokers the others
 * keep theirs).
 */
export class SessionRevocations implements DeviceSessions {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly broker: RevocationBroker,
    private readonly bus: ClusterBus,
    /** Reads the named credentials again from the database (CacheCoherence's refresh of the caches that hold them). */
    private readonly refresh: (revoked: RevokedCredentials) => Promise<void>,
    private readonly logger: HubLogger,
  ) {
    this.unsubscribe = bus.subscribe<unknown>(CREDENTIALS_REVOKED, (message, fromNode) => void this.received(message, fromNode));
  }

  disconnect(deviceId: string): void {
    this.broker.disconnect(deviceId);
    this.tell({ devices: [deviceId] });
  }

  retire(deviceId: string, domain: Domain | null): void {
    this.broker.retire(deviceId, domain);
    this.tell({ deletedDevices: [deviceId] });
  }

  /** An integration client's connections, here and on every node; returns how many were closed here. */
  disconnectIntegration(name: string): number {
    const closed = this.broker.closeConnections(integrationNamed(new Set([name])));
    this.tell({ integrations: [name] });
    return closed;
  }

  close(): void {
    this.unsubscribe();
  }

  private tell(revoked: RevokedCredentials): void {
    this.bus.publish(CREDENTIALS_REVOKED, revoked);
  }

  private async received(message: unknown, fromNode: string): Promise<void> {
    if (fromNode === this.bus.nodeId) return;
    const revoked = readRevoked(message);
    if (revoked === null) {
      this.logger.warn({ msg: 'Unreadable credentials.revoked message from another node: ignored', fromNode: String(fromNode).slice(0, 64) });
      return;
    }
    try {
      await this.refresh(revoked);
    } catch (error) {
      // Closed all the same: the cache retries its reload, and a connection on a revoked credential must not stay.
      this.logger.error({ msg: 'Could not read revoked credentials again before closing their connections', fromNode, error });
    }
    let closed = 0;
    for (const deviceId of revoked.devices ?? []) closed += this.closeDevice(deviceId, () => this.broker.disconnect(deviceId));
    // No domain: the node that deleted the device clears its retained messages (see the class comment).
    for (const deviceId of revoked.deletedDevices ?? []) closed += this.closeDevice(deviceId, () => this.broker.retire(deviceId, null));
    if (revoked.integrations !== undefined && revoked.integrations.length > 0) closed += this.broker.closeConnections(integrationNamed(new Set(revoked.integrations)));
    this.logger.log({ msg: 'Closed the connections of credentials revoked on another node', fromNode, ...revoked, closed });
  }

  private closeDevice(deviceId: string, close: () => void): number {
    const open = this.broker.connectionOf(deviceId) === undefined ? 0 : 1;
    close();
    return open;
  }
}

function integrationNamed(names: ReadonlySet<string>): (principal: MqttPrincipal) => boolean {
  return (principal) => principal.kind === 'integration' && names.has(principal.name);
}

function readRevoked(message: unknown): RevokedCredentials | null {
  if (typeof message !== 'object' || message === null) return null;
  const fields = message as Record<string, unknown>;
  const revoked: { devices?: string[]; deletedDevices?: string[]; integrations?: string[] } = {};
  for (const field of ['devices', 'deletedDevices', 'integrations'] as const) {
    const value = fields[field];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return null;
    revoked[field] = value;
  }
  return revoked;
}
