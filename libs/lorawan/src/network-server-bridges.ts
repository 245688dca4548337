import type { HubLogger } from '@hub/common';
import { type BridgeStatus, ChirpStackBridge } from './chirpstack-bridge';
import { type NetworkServerConnection, sameSession, subscriptionFilters } from './network-server-connection';
import type { UplinkSink } from './uplink-sink';

export interface NetworkServerBridgesOptions {
  readonly sink: UplinkSink;
  readonly logger: HubLogger;
  /** How long a stop waits for the sink's answers to what is in flight. */
  readonly stopGraceMs?: number;
  readonly createBridge?: (connection: NetworkServerConnection, sink: UplinkSink, logger: HubLogger) => ChirpStackBridge;
}

/** A bridge that is not running: disabled, or not started yet. */
export const STOPPED_STATUS: BridgeStatus = Object.freeze({
  state: 'stopped',
  connected: false,
  connectedSince: null,
  sessionPresent: null,
  lastError: null,
  inFlight: 0,
  counters: Object.freeze({ received: 0, acknowledged: 0, refusedUnacknowledged: 0 }),
});

/**
 * The running bridges, one per enabled connection, kept in step with the stored connections so that an admin's
 * change applies at once: a changed connection's bridge is stopped (its in-flight messages answered first) and a
 * new one started. Changes are applied one at a time, in the order asked.
 */
export class NetworkServerBridges {
  private readonly bridges = new Map<string, ChirpStackBridge>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: NetworkServerBridgesOptions) {}

  status(name: string): BridgeStatus {
    return this.bridges.get(name)?.status() ?? STOPPED_STATUS;
  }

  /** At boot: a bridge for each enabled connection. */
  /** Publishes through a connection's bridge (a downlink); rejects when there is none or it is not connected. */
  publish(name: string, topic: string, payload: string): Promise<void> {
    const bridge = this.bridges.get(name);
    return bridge === undefined ? Promise.reject(new Error(`no network server connection ${name} is running`)) : bridge.publish(topic, payload);
  }

  startAll(connections: readonly NetworkServerConnection[]): Promise<void> {
    return this.serially(async () => {
      for (const connection of connections) await this.apply(connection.name, connection);
    });
  }

  /** A connection created or changed. */
  upsert(connection: NetworkServerConnection): Promise<void> {
    return this.serially(() => this.apply(connection.name, connection));
  }

  /** A connection deleted: its subscriptions are left, so the broker stops keeping messages for it. */
  remove(name: string): Promise<void> {
    return this.serially(() => this.apply(name, undefined));
  }

  /** At shutdown: every bridge stopped, their sessions kept with the broker for the next start. */
  stopAll(): Promise<void> {
    return this.serially(async () => {
      const stopping = [...this.bridges.values()].map((bridge) => bridge.stop(this.options.stopGraceMs));
      this.bridges.clear();
      await Promise.all(stopping);
    });
  }

  private async apply(name: string, next: NetworkServerConnection | undefined): Promise<void> {
    const running = this.bridges.get(name);
    if (running !== undefined && next !== undefined && next.enabled && sameConnection(running.connection, next)) return;
    if (running !== undefined) {
      this.bridges.delete(name);
      await running.stop(this.options.stopGraceMs, filtersToLeave(running.connection, next));
    }
    if (next === undefined || !next.enabled) return;
    const create = this.options.createBridge ?? ((connection, sink, logger) => new ChirpStackBridge({ connection, sink, logger }));
    const bridge = create(next, this.options.sink, this.options.logger);
    this.bridges.set(name, bridge);
    bridge.start();
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    // A failed change must not stop the ones after it; its caller gets the failure.
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * What the old session subscribed to that nothing will read any more: every filter when the connection is gone or
 * moves to another session (broker, user, client id), the dropped applications' filters otherwise. Disabling keeps
 * them: the broker holds what comes meanwhile (up to its queue limit) for when the connection is enabled again.
 */
function filtersToLeave(previous: NetworkServerConnection, next: NetworkServerConnection | undefined): string[] {
  const old = subscriptionFilters(previous);
  if (next === undefined || !sameSession(previous, next)) return old;
  const kept = new Set(subscriptionFilters(next));
  return old.filter((filter) => !kept.has(filter));
}

function sameConnection(a: NetworkServerConnection, b: NetworkServerConnection): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
