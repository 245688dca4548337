import type { Aedes, Client } from 'aedes';
import type { IngestService, PublishingClient } from '@hub/pipeline';
import type { ClusterClients } from './cluster-clients';
import type { ClusterFabric } from './cluster-fabric';
import type { MqttAccessHooks, StoredWill } from './mqtt-access.hooks';

/**
 * aedes' heartbeat between brokers in a cluster. A broker unheard for 3 intervals is dead, and every broker looks for
 * dead brokers' wills every 4 intervals (aedes.js _clearWills): a dead node's clients' wills go out 3–7 s after its
 * last heartbeat, so within 8 s of its death. A heartbeat is one small Redis PUBLISH per node per second.
 */
export const CLUSTER_HEARTBEAT_MS = 1000;

/**
 * After this node lost Redis, how long it publishes no other node's wills: every node's heartbeats were missing
 * meanwhile, and come back only once each node's connections are back (ioredis retries up to 2 s apart), so until
 * then a live node looks dead. A dead node's wills wait that much longer after a Redis outage.
 */
const REJOIN_GRACE_MS = 10 * CLUSTER_HEARTBEAT_MS;

export interface DepartedWillCounters {
  /** Wills of clients whose node died, published by this node (accepted by the access policy as registered). */
  departedWillsPublished: number;
  /** Wills of a dead node's clients not published: the client had meanwhile connected to a live node. */
  departedWillsSuperseded: number;
  /** Rounds of dead nodes' wills put off because this node itself had lost Redis lately (it could not tell). */
  departedWillsDeferred: number;
}

/** Refuses a round of dead brokers' wills (aedes keeps them and tries again next round). */
export class WillsDeferredError extends Error {
  constructor() {
    super("not publishing other nodes' wills: this node lost Redis lately, so it cannot tell a dead node from one it did not hear");
    this.name = 'WillsDeferredError';
  }
}

/** Stand-in for the client when aedes publishes the will of a client that is already gone (client === null). */
export const DEPARTED_CLIENT: PublishingClient = { id: '(will of a departed client)' };

/**
 * The wills of clients whose broker died, which aedes publishes from a surviving broker (aedes.js _clearWills): the
 * access decision (accepted when the client registered the will on its own topics), stale wills of clients that
 * have reconnected meanwhile, and their publishing as this broker's own message.
 */
export class DepartedWills {
  /** Wills accepted for publishing (see publishAsOwn). */
  private readonly accepted = new WeakSet<object>();

  constructor(
    private readonly access: MqttAccessHooks,
    private readonly ingest: IngestService,
    private readonly counters: DepartedWillCounters,
    private readonly clients: ClusterClients,
    private readonly fabric: () => ClusterFabric | null,
    private readonly brokerId: () => string | undefined,
  ) {}

  /**
   * A will aedes publishes for a client of a dead broker (aedes.js _clearWills): with no client, or with this node's
   * client of the same id when it has reconnected here. The persistence marks a stored will with the broker that kept
   * it; a PUBLISH from the wire, and this node's own clients' wills, carry no other broker's id.
   */
  isDepartedWill(client: Client | null, packet: object): boolean {
    if (client === null) return true;
    const brokerId = (packet as StoredWill).brokerId;
    return typeof brokerId === 'string' && brokerId !== this.brokerId() && this.fabric() !== null;
  }

  /**
   * A dead node's client's will: published the normal way (retained, presence) when its client registered it on its
   * own topics; not when the client has meanwhile connected to a live node (it is online: an `offline` would lie), and
   * not yet while this node itself may have missed heartbeats (it cannot tell dead from unheard).
   */
  authorize(client: Client | null, will: StoredWill & { retain: boolean }, refused: WeakSet<Buffer>, callback: (error?: Error | null) => void): void {
    const payload = (will as { payload?: unknown }).payload;
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : '');
    const fabric = this.fabric();
    if (fabric !== null && fabric.cutOffWithin(REJOIN_GRACE_MS)) {
      callback(new WillsDeferredError());
      return;
    }
    const clientId = typeof will.clientId === 'string' ? will.clientId : null;
    const brokerId = typeof will.brokerId === 'string' ? will.brokerId : '';
    if (clientId !== null && (client !== null || this.clients.connectedElsewhere(clientId, brokerId))) {
      // Acknowledged so that aedes deletes it; published to nobody (see forwardOnlyToSubscribers' skip).
      this.counters.departedWillsSuperseded++;
      will.retain = false;
      refused.add(body);
      callback(null);
      return;
    }
    const refusal = this.access.departedWillRefusal(will);
    const sender: PublishingClient = clientId === null ? DEPARTED_CLIENT : { id: clientId };
    if (refusal !== null) {
      will.retain = false;
      refused.add(body);
      this.ingest.refusePublish(sender, will.topic, body, refusal, callback);
      return;
    }
    this.counters.departedWillsPublished++;
    this.accepted.add(will);
    if (!this.ingest.handlePublish(sender, will.topic, body, callback, () => refused.add(body))) refused.add(body);
  }

  /**
   * A stored will keeps the id of the broker that stored it, and aedes' Packet keeps that id but takes the publishing
   * broker's own counter; receivers drop a message whose (broker, counter) is not above the last one they got from
   * that broker (lib/client.js duplicates). A dead node's will published by this node would so be dropped by every
   * subscriber that had seen a later message from the dead node. Published as this broker's own message instead;
   * aedes still deletes the stored will by the original's ids.
   */
  publishAsOwn(aedes: Aedes): void {
    const publish = aedes.publish.bind(aedes) as (...args: unknown[]) => void;
    (aedes as { publish: unknown }).publish = (packet: object, ...rest: unknown[]) =>
      publish(this.accepted.has(packet) ? { ...packet, brokerId: undefined, brokerCounter: undefined } : packet, ...rest);
  }
}
