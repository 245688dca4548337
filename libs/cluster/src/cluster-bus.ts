import type { HubLogger } from '@hub/common';
import { Redis, type RedisOptions } from 'ioredis';
import { closeRedis } from './close-redis';

export type BusHandler<T> = (message: T, fromNode: string) => void;

/**
 * Messages between the hub's nodes, for what is not shared state: "this credential was revoked, close its
 * connections", "this cache changed, reload it", "a device connected here" (live events). At most once: a message
 * sent while a node is cut off from Redis is not delivered to it; `onResync` handlers run when it is back, so that
 * whoever keeps a copy of shared state reloads it whole. A node also receives its own messages (each handler says
 * whether that matters to it through `fromNode`). On a single node (no Redis) the LocalBus delivers in-process.
 */
export interface ClusterBus {
  readonly nodeId: string;
  publish<T>(channel: string, message: T): void;
  /** Returns the unsubscribe. A throwing handler is logged; the others still run. */
  subscribe<T>(channel: string, handler: BusHandler<T>): () => void;
  /** Runs after the node's link to the others came back (messages may have been missed meanwhile). */
  onResync(handler: () => void): () => void;
  close(): Promise<void>;
}

/** Where nothing crosses a process: one node. Delivered on the next tick, as from Redis, never inside publish. */
export class LocalBus implements ClusterBus {
  private readonly handlers = new Map<string, Set<BusHandler<unknown>>>();

  constructor(
    readonly nodeId: string,
    private readonly logger: HubLogger,
  ) {}

  publish<T>(channel: string, message: T): void {
    const copy = JSON.parse(JSON.stringify(message)) as T;
    setImmediate(() => deliver(this.handlers.get(channel), copy, this.nodeId, channel, this.logger));
  }

  subscribe<T>(channel: string, handler: BusHandler<T>): () => void {
    return addHandler(this.handlers, channel, handler as BusHandler<unknown>);
  }

  onResync(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

const CHANNEL_PREFIX = 'hub:bus:';

/** Redis pub/sub: one connection publishes, one subscribes (a subscribed connection can do nothing else). */
export class RedisBus implements ClusterBus {
  private readonly handlers = new Map<string, Set<BusHandler<unknown>>>();
  private readonly resyncHandlers = new Set<() => void>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private closed = false;

  constructor(
    readonly nodeId: string,
    options: RedisOptions,
    private readonly logger: HubLogger,
  ) {
    this.publisher = new Redis({ ...options, connectionName: `${nodeId}:bus-pub` });
    this.subscriber = new Redis({ ...options, connectionName: `${nodeId}:bus-sub` });
    for (const connection of [this.publisher, this.subscriber]) {
      // Without a listener an ioredis error event would be thrown; it reconnects by itself.
      connection.on('error', (error: Error) => this.logger.warn({ msg: 'Redis (bus between nodes) connection error', error: error.message }));
    }
    this.subscriber.on('ready', () => {
      // ioredis subscribes again by itself after a reconnect; what was sent meanwhile is gone. The first connection
      // counts too: a node that started while Redis was down loaded its copies before it could hear of changes.
      if (!this.closed) for (const handler of this.resyncHandlers) runSafely(handler, this.logger, 'resync');
    });
    this.subscriber.on('messageBuffer', (channelBuffer: Buffer, data: Buffer) => {
      const channel = channelBuffer.toString('utf8').slice(CHANNEL_PREFIX.length);
      let envelope: { node: string; message: unknown };
      try {
        envelope = JSON.parse(data.toString('utf8')) as { node: string; message: unknown };
      } catch (error) {
        this.logger.warn({ msg: 'Unreadable message on the bus between nodes', channel: channel.slice(0, 64), error });
        return;
      }
      deliver(this.handlers.get(channel), envelope.message, envelope.node, channel, this.logger);
    });
  }

  /** Resolves once both connections are up (the first connect: later reconnects are ioredis' business). */
  async ready(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((connection) => (connection.status === 'ready' ? undefined : new Promise<void>((resolve) => connection.once('ready', () => resolve())))));
  }

  publish<T>(channel: string, message: T): void {
    const data = JSON.stringify({ node: this.nodeId, message });
    this.publisher.publish(CHANNEL_PREFIX + channel, data).catch((error: unknown) => this.logger.warn({ msg: 'Could not send on the bus between nodes', channel, error }));
  }

  subscribe<T>(channel: string, handler: BusHandler<T>): () => void {
    const first = !this.handlers.has(channel);
    const remove = addHandler(this.handlers, channel, handler as BusHandler<unknown>);
    if (first) this.subscriber.subscribe(CHANNEL_PREFIX + channel).catch((error: unknown) => this.logger.error({ msg: 'Could not subscribe on the bus between nodes', channel, error }));
    return () => {
      remove();
      if (!this.handlers.has(channel) && !this.closed) this.subscriber.unsubscribe(CHANNEL_PREFIX + channel).catch(() => undefined);
    };
  }

  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Never hangs while Redis is down (see closeRedis): a stop must end whatever Redis does.
    await Promise.all([this.publisher, this.subscriber].map((connection) => closeRedis(connection)));
  }
}

function addHandler(handlers: Map<string, Set<BusHandler<unknown>>>, channel: string, handler: BusHandler<unknown>): () => void {
  let set = handlers.get(channel);
  if (set === undefined) handlers.set(channel, (set = new Set()));
  set.add(handler);
  return () => {
    set.delete(handler);
    if (set.size === 0 && handlers.get(channel) === set) handlers.delete(channel);
  };
}

function deliver(handlers: Set<BusHandler<unknown>> | undefined, message: unknown, fromNode: string, channel: string, logger: HubLogger): void {
  for (const handler of handlers ?? []) runSafely(() => handler(message, fromNode), logger, channel);
}

function runSafely(work: () => void, logger: HubLogger, what: string): void {
  try {
    work();
  } catch (error) {
    logger.error({ msg: 'A handler of the bus between nodes failed', channel: what.slice(0, 64), error });
  }
}
