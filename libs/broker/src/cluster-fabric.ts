import type { HubLogger } from '@hub/common';
import type { RedisEndpoint } from '@hub/config';
import { closeRedis, REDIS_CLOSE_MS, redisOptions, within } from '@hub/cluster';
import createRedisPersistence from 'aedes-persistence-redis';
import MQEmitterRedis from 'mqemitter-redis';
import { Redis } from 'ioredis';

/** How the broker joins the other nodes' brokers: its node id (aedes' broker id) and the Redis they share. */
export interface BrokerClusterOptions {
  readonly nodeId: string;
  readonly redis: RedisEndpoint;
}

export interface FabricCounters {
  /** Errors of the Redis connections the broker's persistence and emitter hold (they reconnect by themselves). */
  redisErrors: number;
  /** Errors aedes reported on its `error` event (a persistence call that failed, a will that could not be published). */
  brokerErrors: number;
}

/** The emitter aedes fans messages out on: mqemitter's interface, as aedes calls it. */
export type FabricEmitter = MQEmitterRedis.MQEmitterRedis & { state: NodeJS.EventEmitter };

/**
 * The MQTT fabric between nodes (aedes' own clustering path): aedes-persistence-redis for sessions, retained messages,
 * wills and offline queues, mqemitter-redis for the fan-out between brokers. Three connections of their own (the
 * persistence's commands, the emitter's publisher and subscriber), each with an 'error' listener: an ioredis error
 * event without one would be thrown and end the process. Commands wait through a reconnect (redisOptions), so a
 * Redis outage pauses the fabric — publishes, subscribes, connects with a session — and it resumes by itself.
 */
export class ClusterFabric {
  readonly persistence: unknown;
  readonly mq: FabricEmitter;
  /** The persistence's command connection, also used for the hub's own `hub:` keys (offline-queue reservations). */
  readonly commands: Redis;
  private readonly connections: Redis[];
  private closed = false;
  /** When the emitter's subscriber lost Redis (null while connected), and when its last outage ended. */
  private linkDownSince: number | null = null;
  private lastOutageEndedAt = 0;
  /** Connections that logged their failure since they were last ready: one line per outage, the rest counted. */
  private readonly outOfTouch = new Set<string>();

  constructor(
    readonly nodeId: string,
    endpoint: RedisEndpoint,
    readonly counters: FabricCounters,
    private readonly logger: HubLogger,
  ) {
    const connect = (role: string) => {
      const connection = new Redis(redisOptions(endpoint, `${nodeId}:mqtt-${role}`));
      connection.on('error', (error: Error) => this.redisError(role, error));
      connection.on('ready', () => this.outOfTouch.delete(role));
      return connection;
    };
    this.commands = connect('persistence');
    const pubConn = connect('emitter-pub');
    const subConn = connect('emitter-sub');
    this.connections = [this.commands, pubConn, subConn];
    subConn.on('close', () => (this.linkDownSince ??= Date.now()));
    subConn.on('ready', () => {
      if (this.linkDownSince === null) return;
      this.linkDownSince = null;
      this.lastOutageEndedAt = Date.now();
    });
    this.persistence = createRedisPersistence({ conn: this.commands });
    // matchEmptyLevels: `a/#` matches `a` [MQTT-4.7.1-3], as aedes' own in-memory emitter is built.
    this.mq = MQEmitterRedis({ subConn, pubConn, concurrency: 100, matchEmptyLevels: true }) as FabricEmitter;
    // mqemitter-redis re-emits its connections' errors on `state`; an EventEmitter's 'error' without a listener throws.
    this.mq.state.on('error', () => undefined);
  }

  /**
   * True when this node was cut off from the other brokers' heartbeats at any time in the last `windowMs`: it then
   * cannot tell a dead broker from one it did not hear, and must not publish that broker's clients' wills yet.
   */
  cutOffWithin(windowMs: number): boolean {
    return this.linkDownSince !== null || Date.now() - this.lastOutageEndedAt < windowMs;
  }

  private redisError(role: string, error: Error): void {
    if (this.closed) return;
    this.counters.redisErrors++;
    if (this.outOfTouch.has(role)) return;
    this.outOfTouch.add(role);
    this.logger.warn({ msg: 'Redis (MQTT fabric between nodes) connection error; commands wait for the reconnect (further errors until it is back are only counted)', connection: role, error: error.message });
  }

  /**
   * After aedes closed, or gave up waiting for it (aedes closes the emitter itself, with QUITs that wait for Redis):
   * every connection, within REDIS_CLOSE_MS each step. Never throws, never waits for Redis to come back.
   */
  async close(): Promise<void> {
    this.closed = true;
    const persistence = this.persistence as { destroy(): Promise<void> };
    // destroy() unsubscribes on the emitter and QUITs: both wait for Redis while it is down.
    await within(persistence.destroy(), REDIS_CLOSE_MS);
    await Promise.all(this.connections.map((connection) => closeRedis(connection)));
  }
}
