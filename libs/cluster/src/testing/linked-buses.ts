import type { BusHandler, ClusterBus } from '../cluster-bus';

/**
 * Buses of several pretend nodes joined in one process, for unit tests of what crosses nodes: a message published on
 * one reaches every node's handlers (the sender's too, as with Redis) on the next tick. `cut(node)` stops delivery
 * to a node (it misses messages, as a node cut off from Redis does) and `resync(node)` brings it back.
 */
export class LinkedBuses {
  private readonly nodes = new Map<string, LinkedBus>();

  bus(nodeId: string): ClusterBus & { readonly published: Array<{ channel: string; message: unknown }> } {
    let bus = this.nodes.get(nodeId);
    if (bus === undefined) this.nodes.set(nodeId, (bus = new LinkedBus(nodeId, this)));
    return bus;
  }

  cut(nodeId: string): void {
    this.node(nodeId).connected = false;
  }

  resync(nodeId: string): void {
    const bus = this.node(nodeId);
    bus.connected = true;
    for (const handler of bus.resyncHandlers) handler();
  }

  /** @internal */
  deliver(channel: string, message: unknown, fromNode: string): void {
    const data = JSON.stringify(message);
    setImmediate(() => {
      for (const bus of this.nodes.values()) if (bus.connected) for (const handler of bus.handlersOf(channel)) handler(JSON.parse(data), fromNode);
    });
  }

  private node(nodeId: string): LinkedBus {
    const bus = this.nodes.get(nodeId);
    if (bus === undefined) throw new Error(`no node ${nodeId}`);
    return bus;
  }
}

class LinkedBus implements ClusterBus {
  connected = true;
  readonly resyncHandlers = new Set<() => void>();
  readonly published: Array<{ channel: string; message: unknown }> = [];
  private readonly handlers = new Map<string, Set<BusHandler<unknown>>>();

  constructor(
    readonly nodeId: string,
    private readonly network: LinkedBuses,
  ) {}

  handlersOf(channel: string): BusHandler<unknown>[] {
    return [...(this.handlers.get(channel) ?? [])];
  }

  publish<T>(channel: string, message: T): void {
    this.published.push({ channel, message });
    if (this.connected) this.network.deliver(channel, message, this.nodeId);
  }

  subscribe<T>(channel: string, handler: BusHandler<T>): () => void {
    let set = this.handlers.get(channel);
    if (set === undefined) this.handlers.set(channel, (set = new Set()));
    set.add(handler as BusHandler<unknown>);
    return () => set.delete(handler as BusHandler<unknown>);
  }

  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
