import type { Redis } from 'ioredis';
import type { ClusterClients } from './cluster-clients';
import type { FabricEmitter } from './cluster-fabric';
import type { SubscriptionIndex } from './subscription-index';

/** The emitter's topic levels: `$SYS/<brokerId>/…`. */
const SYS = '$SYS/';
/** A node's answer to another's birth: the filters its connected clients hold (clean sessions are not in Redis). */
const HELD_FILTERS = 'hub/subscriptions';

interface SubscriptionAnnouncement {
  readonly clientId: string;
  readonly subs: ReadonlyArray<{ readonly topic: string; readonly qos: number } | string>;
}

type MqHandler = (packet: { topic: string; payload?: unknown }, done: () => void) => void;

/**
 * Makes the "forward only when someone subscribes" index cluster-wide: a message published on this node must be
 * forwarded when a client of any node holds a matching filter. Fed by what aedes itself announces on the shared
 * emitter for every SUBSCRIBE and UNSUBSCRIBE (`$SYS/<broker>/new/subscribes`, `…/new/unsubscribes`), seeded from the
 * persistent sessions stored in Redis (clients that are away still count: their QoS 1 messages are queued), and, for
 * the clean sessions already connected to other nodes when this one starts, by their answer to its birth.
 * A subscription on another node counts here one Redis round trip after its SUBACK.
 */
export class ClusterAnnouncements {
  constructor(
    private readonly brokerId: string,
    private readonly mq: FabricEmitter,
    private readonly index: SubscriptionIndex,
    private readonly clients: ClusterClients,
    /** The filters this node's connected clients hold now. */
    private readonly localFilters: () => Array<[string, string[]]>,
  ) {}

  /** Every persistent session's filters, as aedes-persistence-redis 11.2 stores them (`clients`, `client:<id>`). */
  async seed(commands: Redis): Promise<number> {
    const clientIds = await commands.smembers('clients');
    const pipeline = commands.pipeline();
    for (const clientId of clientIds) pipeline.hkeys(`client:${encodeURIComponent(clientId)}`);
    const results = clientIds.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    results.forEach(([error, filters], position) => {
      if (error === null && Array.isArray(filters)) this.index.subscribed(clientIds[position], filters as string[]);
    });
    return clientIds.length;
  }

  /** Listens on the emitter; resolves when Redis has the subscriptions (before aedes announces this node's birth). */
  async listen(): Promise<void> {
    await Promise.all([
      this.on('+/new/subscribes', (brokerId, payload) => {
        if (brokerId === this.brokerId) return; // this node's own were taken from aedes' event, without the round trip
        const announced = JSON.parse(payload) as SubscriptionAnnouncement;
        this.index.subscribed(announced.clientId, heldFilters(announced.subs));
      }),
      this.on('+/new/unsubscribes', (brokerId, payload) => {
        if (brokerId === this.brokerId) return;
        const announced = JSON.parse(payload) as SubscriptionAnnouncement;
        this.index.unsubscribed(announced.clientId, announced.subs.map((sub) => (typeof sub === 'string' ? sub : sub.topic)));
      }),
      this.on('+/birth', (brokerId) => {
        if (brokerId === this.brokerId) return;
        const payload = Buffer.from(JSON.stringify(this.localFilters()));
        this.mq.emit({ topic: `${SYS}${this.brokerId}/${HELD_FILTERS}`, payload });
      }),
      this.on(`+/${HELD_FILTERS}`, (brokerId, payload) => {
        if (brokerId === this.brokerId) return;
        for (const [clientId, filters] of JSON.parse(payload) as Array<[string, string[]]>) this.index.subscribed(clientId, filters);
      }),
      this.on('+/new/clients', (brokerId, payload) => this.clients.connected(brokerId, payload)),
      this.on('+/disconnect/clients', (brokerId, payload) => this.clients.disconnected(brokerId, payload)),
    ]);
  }

  private on(pattern: string, handle: (brokerId: string, payload: string) => void): Promise<void> {
    const handler: MqHandler = (packet, done) => {
      try {
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload.toString('utf8') : String(packet.payload);
        handle(packet.topic.split('/')[1], payload);
      } catch {
        // A message of another version's shape: ignored rather than thrown into the emitter.
      }
      done();
    };
    return new Promise((resolve) => this.mq.on(SYS + pattern, handler, () => resolve()));
  }
}

/** 128: the subscription was refused, so aedes holds no such filter. */
function heldFilters(subs: SubscriptionAnnouncement['subs']): string[] {
  return subs.flatMap((sub) => (typeof sub === 'string' ? [sub] : sub.qos === 128 ? [] : [sub.topic]));
}
