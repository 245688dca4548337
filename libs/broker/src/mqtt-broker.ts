import { HubLogger } from '@hub/common';
import { Aedes, Client } from 'aedes';
import { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import type { MqttAccessPolicy, MqttPrincipal } from '@hub/access';
import { IngestService } from '@hub/pipeline';
import { DevicePresence } from '@hub/devices';
import { MqttPerimeter } from '@hub/perimeter';
import { MqttAccessHooks, MqttAccessRefusedError, type StoredWill } from './mqtt-access.hooks';
import type { LoginGate } from './session-revocations';
import { MqttListenerOptions, MqttListeners } from './mqtt-listeners';
import { MqttPacketSizeMeter } from './mqtt-packet-size.meter';
import { boundedOfflineQueues, OfflineQueueStats } from './bounded-offline-queues';
import { forwardOnlyToSubscribers } from './forward-only-to-subscribers';
import { SubscriptionIndex } from './subscription-index';
import { type BrokerClusterOptions, ClusterFabric, type FabricCounters } from './cluster-fabric';
import { ClusterAnnouncements } from './cluster-announcements';
import { ClusterClients } from './cluster-clients';
import { CLUSTER_HEARTBEAT_MS, DEPARTED_CLIENT, type DepartedWillCounters, DepartedWills, WillsDeferredError } from './departed-wills';
import { boundCrossNodeOfflineQueues } from './cluster-offline-queues';
import { AcknowledgementTracker, type DeviceMessageTap, reportAcknowledgements } from './device-message.tap';
import { usePlainParserBuffer } from './plain-parser-buffer';
import { configTopic, type Domain, isDomainName, statusTopic } from '@hub/contract';
import { REDIS_CLOSE_MS, within } from '@hub/cluster';

export interface BrokerListenOptions extends MqttListenerOptions {
  /** QoS 1/2 messages queued at most for one persistent session while its client is away. */
  readonly offlineQueueLimit: number;
  /** A packet announcing more is refused before its body is read, and its connection closed. */
  readonly maxPacketBytes: number;
  /** Join the other nodes' brokers through Redis (sessions, retained messages, wills, fan-out); null: on its own. */
  readonly cluster?: BrokerClusterOptions | null;
}

/** How long a clustered broker's close may wait for Redis before its connections are cut. */
const BROKER_CLOSE_MS = 3_000;

/** How often idle per-address and per-client perimeter state is forgotten and held-back log lines summarised. */
const PERIMETER_SWEEP_MS = 60_000;

export interface BrokerCounters extends FabricCounters, DepartedWillCounters {
  clientErrors: number;
  connectionErrors: number;
  oversizedPackets: number;
}

/**
 * The embedded MQTT 3.1.1 broker (aedes) on TCP, TLS and WebSocket. The only code that touches aedes.
 * Telemetry is handled inside authorizePublish because aedes sends the QoS 1 PUBACK as soon as that hook calls back
 * (before subscribers or the `published` hook run): the callback is held until the pipeline has accepted the reading.
 * Who may connect, publish, subscribe and receive is the access policy's decision (see MqttAccessHooks).
 */
export class MqttBroker {
  private aedes: Aedes | null = null;
  private listeners: MqttListeners | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly clients = new Map<string, Client>();
  private parserBufferWarned = false;
  private stopping = false;
  /** Commands and configuration back to devices (see useDeviceMessages). */
  private tap: DeviceMessageTap | null = null;
  private readonly acks = new AcknowledgementTracker(() => this.tap);
  readonly access: MqttAccessHooks;
  /** Messages not queued for an away persistent session because its queue was full (see boundedOfflineQueues). */
  offlineQueues: OfflineQueueStats = { dropped: 0 };
  readonly counters: BrokerCounters = {
    clientErrors: 0,
    connectionErrors: 0,
    oversizedPackets: 0,
    redisErrors: 0,
    brokerErrors: 0,
    departedWillsPublished: 0,
    departedWillsSuperseded: 0,
    departedWillsDeferred: 0,
  };
  private fabric: ClusterFabric | null = null;
  private readonly clusterClients = new ClusterClients();
  private readonly departedWills: DepartedWills;

  constructor(
    private readonly ingest: IngestService,
    private readonly presence: DevicePresence,
    private readonly logger: HubLogger,
    policy: MqttAccessPolicy,
    readonly perimeter: MqttPerimeter<Client> = new MqttPerimeter({ publishRate: null, connectRate: null, loginBackoff: null }, logger),
  ) {
    this.access = new MqttAccessHooks(policy, perimeter, logger);
    this.departedWills = new DepartedWills(this.access, ingest, this.counters, this.clusterClients, () => this.fabric, () => this.aedes?.id);
  }

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  get listening(): boolean {
    return this.listeners?.listening ?? false;
  }

  get tcpPort(): number | null {
    return this.listeners?.tcpPort ?? null;
  }

  /** The PROXY-protocol port (HUB_MQTT_PROXY_PORT); null when off. */
  get proxyPort(): number | null {
    return this.listeners?.proxyPort ?? null;
  }

  get tlsPort(): number | null {
    return this.listeners?.tlsPort ?? null;
  }

  get wsPort(): number | null {
    return this.listeners?.wsPort ?? null;
  }

  /** How many clients are connected with a principal that matches (what closeConnections would close now). */
  countConnections(match: (principal: MqttPrincipal) => boolean): number {
    return this.access.countConnections(match);
  }

  /** Closes the connections of every client whose principal matches (its credential was revoked or changed). */
  closeConnections(match: (principal: MqttPrincipal) => boolean): number {
    return this.access.closeConnections(match);
  }

  /** Revocations heard from other nodes refuse and close the credentials they name (see LoginGate). */
  useLoginGate(gate: LoginGate): void {
    this.access.useLoginGate(gate);
  }

  /** Hands device messages on the tap's topics, ready clients, subscriptions and tracked PUBACKs to `tap`. */
  useDeviceMessages(tap: DeviceMessageTap): void {
    this.tap = tap;
  }

  /** True when the client is connected and holds exactly this filter (restored with its session, or subscribed). */
  isSubscribed(clientId: string, filter: string): boolean {
    const client = this.clients.get(clientId) as (Client & { subscriptions?: Record<string, unknown> }) | undefined;
    return client !== undefined && !client.closed && client.subscriptions?.[filter] !== undefined;
  }

  /** The client's current connection (its aedes Client), or undefined when it is not connected. */
  connectionOf(clientId: string): object | undefined {
    const client = this.clients.get(clientId);
    return client === undefined || client.closed ? undefined : client;
  }

  /** True when this broker shares sessions and fan-out with other nodes' through Redis. */
  get clustered(): boolean {
    return this.fabric !== null;
  }

  async start(options: BrokerListenOptions): Promise<void> {
    // Payloads of messages that held nothing valid: acknowledged (and dead-lettered) but not forwarded.
    const refused = new WeakSet<Buffer>();
    const index = new SubscriptionIndex();
    const fabric = await this.joinCluster(options, index);
    let persistence: unknown;
    if (fabric === null) {
      const offline = boundedOfflineQueues(options.offlineQueueLimit, (clientId) => this.perimeter.offlineMessageDropped(clientId));
      this.offlineQueues = offline.stats;
      persistence = offline.persistence;
    } else {
      persistence = fabric.persistence;
      this.offlineQueues = boundCrossNodeOfflineQueues(persistence, fabric.commands, options.offlineQueueLimit, (clientId) => this.perimeter.offlineMessageDropped(clientId));
    }
    reportAcknowledgements(persistence, this.acks);
    const clusterOptions = fabric === null ? {} : { id: fabric.nodeId, mq: fabric.mq, heartbeatInterval: CLUSTER_HEARTBEAT_MS };
    const aedes = await Aedes.createBroker({
      ...clusterOptions,
      persistence: persistence as never,
      // A device may buffer a burst before its CONNACK; more than this is abuse.
      queueLimit: 1000,
      authenticate: (client, username, password, callback) => this.access.authenticate(client, username, password, callback),
      authorizeSubscribe: (client, subscription, callback) => this.access.authorizeSubscribe(client, subscription, callback),
      authorizePublish: (client, packet, callback) => {
        if (packet.topic.startsWith('$')) {
          // [MQTT-4.7.2-1] $-topics are the server's; a client publishing there is refused and disconnected.
          callback(new Error(`publishing to ${packet.topic.slice(0, 64)} is not allowed`));
          return;
        }
        const payload = packet.payload as Buffer;
        if (client !== null && this.supersededWill(client, packet)) {
          // aedes closes the old connection of a client that connected to another node (closeSameClients) as if
          // it had dropped: its will would land after the new connection's `online` and retain a false `offline`.
          this.counters.departedWillsSuperseded++;
          callback(new Error('will superseded: the client connected to another node'));
          return;
        }
        if (this.departedWills.isDepartedWill(client, packet)) {
          this.departedWills.authorize(client, packet as typeof packet & StoredWill, refused, callback);
          return;
        }
        // PUBACKs released together (a batch became durable) leave in one write per connection without help:
        // mqtt-packet corks the socket for each packet it writes and uncorks on the next tick.
        const refusal = this.access.publishRefusal(client, packet.topic);
        if (refusal !== null) {
          // Acknowledged and dead-lettered; not retained (it must not replace another device's retained status).
          refused.add(payload);
          packet.retain = false;
        }
        const handle = () => {
          if (refusal === null && client !== null && this.tap?.takes(packet.topic)) this.toTap(client, packet.topic, payload, callback);
          else if (refusal !== null) this.ingest.refusePublish(client ?? DEPARTED_CLIENT, packet.topic, payload, refusal, callback);
          else if (!this.ingest.handlePublish(client ?? DEPARTED_CLIENT, packet.topic, payload, callback, () => refused.add(payload))) refused.add(payload);
        };
        // Over its rate, a client's message waits here, and aedes reads nothing more from it meanwhile.
        if (client === null) handle();
        else this.perimeter.throttlePublish(client, handle);
      },
      // aedes copies the packet for delivery but keeps the payload buffer, so a refused message is known by it.
      // A tracked delivery (a command) gets its packet id here, so that its PUBACK can be told apart.
      authorizeForward: (client, packet) => (refused.has(packet.payload as Buffer) || !this.access.mayReceive(client, packet.topic) ? null : this.acks.forwarding(client, packet)),
    });
    forwardOnlyToSubscribers(aedes, index, (payload) => refused.has(payload));
    this.departedWills.publishAsOwn(aedes);
    // aedes emits 'error' (a failed persistence call, a round of wills) though its types do not say so; unheard, it would throw.
    (aedes as unknown as NodeJS.EventEmitter).on('error', (error: Error) => {
      if (error instanceof WillsDeferredError) {
        this.counters.departedWillsDeferred++;
        return;
      }
      // A persistence call that failed (Redis gone past its retries), a will that could not go out: logged and
      // counted; aedes carries on, and so does the node.
      this.counters.brokerErrors++;
      this.logger.error({ msg: 'MQTT broker error', error });
    });
    aedes.on('client', (client: Client) => {
      this.clients.set(client.id, client);
      this.presence.clientConnected(client.id);
      // Revoked between its authentication and now: the revocation's close did not see it (not registered yet).
      if (!this.access.stillAdmitted(client)) client.close();
    });
    aedes.on('clientReady', (client: Client) => this.tell('clientReady', client.id, () => this.tap?.clientReady(client.id)));
    aedes.on('subscribe', (subscriptions, client: Client) => {
      // 128: refused, so not held.
      const filters = subscriptions.filter((subscription) => (subscription.qos as number) !== 128).map((subscription) => subscription.topic);
      if (filters.length > 0) this.tell('subscribed', client.id, () => this.tap?.subscribed(client.id, filters));
    });
    aedes.on('clientDisconnect', (client: Client) => {
      this.acks.disconnected(client.id);
      if (this.clients.get(client.id) === client) this.clients.delete(client.id);
      this.perimeter.connectionClosed(client);
      // A gateway gone takes its children with it (Sparkplug's NDEATH): their retained status says so too, or a
      // subscriber would keep seeing the `online` the gateway left for them. Its own will covers the gateway itself.
      for (const child of this.presence.clientDisconnected(client.id)) {
        // At shutdown the retained store goes with the broker; every device starts offline at the next start anyway.
        if (this.stopping || !isDomainName(child.domain)) continue;
        this.publish(statusTopic(child.domain, child.deviceId), 'offline', 1, true).catch((error: unknown) =>
          this.logger.warn({ msg: 'Could not retain offline for a device of a disconnected gateway', deviceId: child.deviceId, clientId: clipClientId(client.id), error }),
        );
      }
    });
    aedes.on('clientError', (client: Client, error: Error) => {
      // Refused logins and publishes were counted and logged where they were refused.
      if (error instanceof MqttAccessRefusedError) return;
      this.counters.clientErrors++;
      this.logger.warn({ msg: 'MQTT client error', clientId: clipClientId(client.id), error: error.message });
    });
    aedes.on('connectionError', (client: Client, error: Error) => {
      if (error instanceof MqttAccessRefusedError) return;
      this.counters.connectionErrors++;
      this.logger.warn({ msg: 'MQTT connection error', clientId: clipClientId(client.id), error: error.message });
    });
    this.aedes = aedes;

    const listeners = new MqttListeners({
      admit: (remoteAddress) => this.perimeter.admitConnection(remoteAddress),
      connection: (connection: Duplex, remoteAddress: string | undefined, request?: IncomingMessage) => {
        this.access.connectionAccepted(connection, remoteAddress);
        const client = aedes.handle(this.meter(connection, options.maxPacketBytes, remoteAddress), request);
        if (!usePlainParserBuffer(client) && !this.parserBufferWarned) {
          this.parserBufferWarned = true;
          this.logger.warn('MQTT parser buffer left as aedes made it (its internals changed): ≈ 0.9 KB more memory per connection');
        }
      },
      tlsFailure: (error, remoteAddress) => this.perimeter.tlsFailed(remoteAddress, error),
      proxyHeaderClosed: (outcome, peerAddress, detail) => this.perimeter.proxyHeaderClosed(outcome, peerAddress, detail),
    });
    this.listeners = listeners;
    await listeners.open(options);
    const tlsNote = options.tls === null ? '' : ' (ws over TLS)';
    if (listeners.tcpPort !== null) this.logger.log(`MQTT listening on ${options.host}:${listeners.tcpPort}`);
    if (listeners.proxyPort !== null) this.logger.log(`MQTT behind a load balancer (PROXY protocol v2 required) listening on ${options.host}:${listeners.proxyPort}`);
    if (listeners.tlsPort !== null) this.logger.log(`MQTT over TLS listening on ${options.host}:${listeners.tlsPort}`);
    if (listeners.wsPort !== null) this.logger.log(`MQTT over WebSocket${tlsNote} listening on ${options.host}:${listeners.wsPort}`);
    this.sweeper = setInterval(() => this.perimeter.sweep(), PERIMETER_SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * In a cluster: the Redis fabric, the subscription index fed from every node and seeded with the stored persistent
   * sessions, and the cluster-wide record of connections — all listening before aedes announces this node's birth.
   */
  private async joinCluster(options: BrokerListenOptions, index: SubscriptionIndex): Promise<ClusterFabric | null> {
    if (options.cluster == null) return null;
    const fabric = new ClusterFabric(options.cluster.nodeId, options.cluster.redis, this.counters, this.logger);
    this.fabric = fabric;
    const announcements = new ClusterAnnouncements(fabric.nodeId, fabric.mq, index, this.clusterClients, () => this.localFilters());
    await announcements.listen();
    const sessions = await announcements.seed(fabric.commands);
    this.logger.log(`MQTT joins the cluster as broker ${fabric.nodeId} (${sessions} persistent sessions stored in Redis)`);
    return fabric;
  }

  /** The filters this node's connected clients hold (for a node that starts after they subscribed). */
  private localFilters(): Array<[string, string[]]> {
    const held: Array<[string, string[]]> = [];
    for (const [clientId, client] of this.clients) {
      const subscriptions = (client as Client & { subscriptions?: Record<string, unknown> }).subscriptions;
      if (!client.closed && subscriptions !== undefined) held.push([clientId, Object.keys(subscriptions)]);
    }
    return held;
  }

  /**
   * Meters the connection's packet sizes: aedes has no maximum packet size and would buffer any PUBLISH whole
   * before authorizePublish sees it. aedes pulls data with read(), so the meter sees every chunk it takes; an
   * oversized packet closes the connection and is dead-lettered before its body is buffered.
   */
  private meter(connection: Duplex, maxPacketBytes: number, remoteAddress: string | undefined): Duplex {
    const meter = new MqttPacketSizeMeter(maxPacketBytes);
    const read = connection.read.bind(connection);
    connection.read = (size?: number) => {
      const chunk = read(size) as Buffer | null;
      if (chunk === null || connection.destroyed) return chunk;
      const error = meter.inspect(chunk);
      if (error === null) return chunk;
      const clientId = (connection as Duplex & { client?: Client }).client?.id;
      this.counters.oversizedPackets++;
      this.ingest.refuseOversizedPacket(clientId, remoteAddress, error.message);
      this.logger.warn({ msg: 'Closing an MQTT connection', clientId, remoteAddress, error: error.message });
      connection.destroy();
      return null;
    };
    return connection;
  }

  /** A message for the tap: acknowledged once it took it; not acknowledged (the device resends) if it failed. */
  private toTap(client: Client, topic: string, payload: Buffer, callback: (error?: Error | null) => void): void {
    const failed = (error: unknown) => {
      this.logger.error({ msg: 'Could not take a device message', clientId: clipClientId(client.id), topic: topic.slice(0, 128), error });
      callback(error instanceof Error ? error : new Error(String(error)));
    };
    try {
      (this.tap?.received(client.id, topic, payload) ?? Promise.resolve()).then(() => callback(null), failed);
    } catch (error) {
      failed(error);
    }
  }

  /** The will of this node's client, published as its connection closes, when its latest connection is on another node. */
  private supersededWill(client: Client, packet: object): boolean {
    const brokerId = this.aedes?.id;
    return this.fabric !== null && brokerId !== undefined && packet === (client as Client & { will?: object }).will && this.clusterClients.connectedElsewhere(client.id, brokerId);
  }

  /** Runs a tap notification from an aedes event, where a throw would escape into aedes: logged instead. */
  private tell(what: string, clientId: string, notify: () => void): void {
    try {
      notify();
    } catch (error) {
      this.logger.error({ msg: `Device message tap failed on ${what}`, clientId: clipClientId(clientId), error });
    }
  }

  /** Ends a client's connection (a device whose secret was rotated, or that was disabled or deleted); no-op if absent. */
  disconnect(clientId: string): void {
    this.clients.get(clientId)?.close();
  }

  /**
   * A device deleted for good: its connection ends as if it had sent DISCONNECT (aedes then drops its last will
   * instead of publishing it, which would retain an `offline` for a device that no longer exists), and its retained
   * status and desired config are cleared with empty retained messages [MQTT-3.3.1-10] (an id provisioned again
   * must not be handed the old device's config); subscribers see the empty messages go by.
   */
  retire(deviceId: string, domain: Domain | null): void {
    const client = this.clients.get(deviceId);
    if (client !== undefined) {
      // aedes' own flag for a clean DISCONNECT (lib/client.js close()): no will, its stored copy deleted.
      (client as Client & { _disconnected?: boolean })._disconnected = true;
      client.close();
    }
    if (domain === null) return;
    for (const topic of [statusTopic(domain, deviceId), configTopic(domain, deviceId)]) {
      this.publish(topic, '', 0, true).catch((error: unknown) => this.logger.error({ msg: 'Could not clear a retained message of a deleted device', deviceId, topic, error }));
    }
  }

  /** Publishes a message from the service itself (not through authorizePublish). */
  publish(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): Promise<void> {
    const aedes = this.aedes;
    if (aedes === null) return Promise.reject(new Error('broker is not started'));
    return new Promise((resolve, reject) =>
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false }, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Stops listening and closes every client connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    const closing: Promise<void>[] = [];
    if (this.listeners) closing.push(this.listeners.close());
    if (this.aedes) {
      const aedes = this.aedes;
      closing.push(new Promise((resolve) => aedes.close(() => resolve())));
    }
    const all = Promise.all(closing);
    if (this.fabric === null) {
      await all;
      return;
    }
    // In a cluster aedes' close waits for Redis (clients' unsubscribes, the emitter's QUITs), which during an outage
    // never answers: after BROKER_CLOSE_MS the fabric's connections are cut, which fails what waited, and the rest ends.
    await within(all, BROKER_CLOSE_MS);
    await this.fabric.close();
    await within(all, REDIS_CLOSE_MS);
  }
}

/**
 * A client id is whatever the client sent (up to 64 KiB): logged shortened, so one client cannot flood the log.
 * Null before a CONNECT was read (garbage on a fresh connection).
 */
function clipClientId(clientId: string | null | undefined): string | null {
  if (typeof clientId !== 'string') return null;
  return clientId.length > 64 ? `${clientId.slice(0, 64)}…` : clientId;
}
