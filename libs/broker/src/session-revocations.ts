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

/**
 * What a CONNECT is checked against besides its credential (MqttAccessHooks): a credential whose revocation this node
 * heard of but could not yet read again is refused, and a client that authenticated before a revocation of its
 * credential is closed when it registers (it was not among the connections the revocation closed).
 */
export interface LoginGate {
  /** null: refused now; otherwise a mark to give back to stillValid when the client registers. */
  admit(principal: MqttPrincipal): number | null;
  /** False when the principal's credential was revoked after `mark`, or its revocation is still pending. */
  stillValid(principal: MqttPrincipal, mark: number): boolean;
}

/** How long after a failed reload of revoked credentials it is tried again. */
const RELOAD_RETRY_MS = 1_000;
/** How long a revocation is remembered for clients that authenticated before it and register after it. */
const REMEMBER_REVOKED_MS = 60_000;

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
export class SessionRevocations implements DeviceSessions, LoginGate {
  private readonly unsubscribe: () => void;
  /** Credentials (see keyOf) revoked on another node and not yet read again here: how many reloads wait for each. */
  private readonly pending = new Map<string, number>();
  /** The sequence number of each credential's latest revocation, for REMEMBER_REVOKED_MS. */
  private readonly revokedAt = new Map<string, number>();
  private sequence = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly broker: RevocationBroker,
    private readonly bus: ClusterBus,
    /** Reads the named credentials again from the database (CacheCoherence's refresh of the caches that hold them). */
    private readonly refresh: (revoked: RevokedCredentials) => Promise<void>,
    private readonly logger: HubLogger,
    private readonly retryMs = RELOAD_RETRY_MS,
  ) {
    this.unsubscribe = bus.subscribe<unknown>(CREDENTIALS_REVOKED, (message, fromNode) => void this.received(message, fromNode));
  }

  admit(principal: MqttPrincipal): number | null {
    return this.pending.has(keyOf(principal)) ? null : this.sequence;
  }

  stillValid(principal: MqttPrincipal, mark: number): boolean {
    const key = keyOf(principal);
    return !this.pending.has(key) && (this.revokedAt.get(key) ?? 0) <= mark;
  }

  disconnect(deviceId: string): void {
    this.revoked({ devices: [deviceId] });
    this.broker.disconnect(deviceId);
    this.tell({ devices: [deviceId] });
  }

  retire(deviceId: string, domain: Domain | null): void {
    this.revoked({ deletedDevices: [deviceId] });
    this.broker.retire(deviceId, domain);
    this.tell({ deletedDevices: [deviceId] });
  }

  /** An integration client's connections, here and on every node; returns how many were closed here. */
  disconnectIntegration(name: string): number {
    this.revoked({ integrations: [name] });
    const closed = this.broker.closeConnections(integrationNamed(new Set([name])));
    this.tell({ integrations: [name] });
    return closed;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Marks the credentials revoked now: a client that authenticated with them before and registers later is closed. */
  private revoked(revoked: RevokedCredentials): string[] {
    const keys = keysOf(revoked);
    this.sequence++;
    for (const key of keys) this.revokedAt.set(key, this.sequence);
    const sequence = this.sequence;
    this.later(REMEMBER_REVOKED_MS, () => {
      for (const key of keys) if (this.revokedAt.get(key) === sequence) this.revokedAt.delete(key);
    });
    return keys;
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
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
    const keys = this.revoked(revoked);
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (await this.reload(revoked, fromNode)) {
      this.settle(keys);
      this.closeRevoked(revoked, fromNode);
      return;
    }
    // Closed all the same: a connection on a revoked credential must not stay. Until a reload succeeds this node's
    // memory still holds the old secret, so the credentials stay refused (admit) and are closed again after it.
    this.closeRevoked(revoked, fromNode);
    const retry = () =>
      void this.reload(revoked, fromNode).then((reloaded) => {
        if (this.closed) return;
        if (!reloaded) return this.later(this.retryMs, retry);
        this.settle(keys);
        this.closeRevoked(revoked, fromNode);
      });
    this.later(this.retryMs, retry);
  }

  private async reload(revoked: RevokedCredentials, fromNode: string): Promise<boolean> {
    try {
      await this.refresh(revoked);
      return true;
    } catch (error) {
      this.logger.error({ msg: 'Could not read revoked credentials again before closing their connections; they are refused until a reload succeeds', fromNode, error });
      return false;
    }
  }

  private settle(keys: readonly string[]): void {
    for (const key of keys) {
      const waiting = (this.pending.get(key) ?? 1) - 1;
      if (waiting > 0) this.pending.set(key, waiting);
      else this.pending.delete(key);
    }
  }

  private closeRevoked(revoked: RevokedCredentials, fromNode: string): void {
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

/** Devices (rotated, disabled, deleted; quarantined ones too) by device id, integration clients by name. */
function keyOf(principal: MqttPrincipal): string {
  return principal.kind === 'integration' ? `integration:${principal.name}` : `device:${principal.deviceId}`;
}

function keysOf(revoked: RevokedCredentials): string[] {
  return [...(revoked.devices ?? []), ...(revoked.deletedDevices ?? [])].map((id) => `device:${id}`).concat((revoked.integrations ?? []).map((name) => `integration:${name}`));
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
