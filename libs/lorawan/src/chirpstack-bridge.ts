import type { BridgeState, BridgeStatus } from '@hub/api-types';
import type { HubLogger } from '@hub/common';
import { adaptChirpStackEvent, type AdaptedEvent, malformed, parseChirpStackTopic } from '@hub/decoders';
import { type BrokerSession, type InboundMessage, type OpenBrokerSession, openMqttBrokerSession } from './broker-session';
import { describeEndpoint, type NetworkServerConnection, subscriptionFilters } from './network-server-connection';
import { type HeldAck, OrderedAcks } from './ordered-acks';
import { type BackoffPolicy, DEFAULT_BACKOFF, reconnectDelay } from './reconnect-backoff';
import type { UplinkSink } from './uplink-sink';

// The status the API shows is the bridge's own: one definition, in @hub/api-types, which the console reads too.
export type { BridgeCounters, BridgeState, BridgeStatus } from '@hub/api-types';

export interface ChirpStackBridgeOptions {
  readonly connection: NetworkServerConnection;
  readonly sink: UplinkSink;
  readonly logger: HubLogger;
  readonly openSession?: OpenBrokerSession;
  readonly backoff?: BackoffPolicy;
  /** Held PUBACKs beyond which the socket is not read (back-pressure); mosquitto's own window is 20 by default. */
  readonly maxInFlight?: number;
  /** A ChirpStack up event is a few KiB; a bigger message is handed to the sink as refused, unparsed. */
  readonly maxEventBytes?: number;
  readonly connectTimeoutMs?: number;
  readonly keepaliveSeconds?: number;
  readonly now?: () => Date;
}

const DEFAULT_MAX_IN_FLIGHT = 100;
const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
/** A connection that stayed up this long was a good one: the next failure starts the back-off afresh. */
const STABLE_CONNECTION_MS = 30_000;

interface Live {
  readonly session: BrokerSession;
  readonly acks: OrderedAcks;
  readonly connectedAt: number;
  /** Set once this connection may acknowledge nothing more (a refusal, a close): later answers are not sent. */
  ended: boolean;
  acknowledged: number;
  /** MQTT.js's `next` of a message read while maxInFlight were held. */
  paused: (() => void) | undefined;
}

/**
 * One network server connection: the hub as an MQTT client of ChirpStack's broker. Each event is adapted, handed
 * to the sink, and acknowledged only when the sink says its readings are durable, in arrival order. A refusal
 * leaves the message (and those behind it) unacknowledged and drops the connection, so the broker delivers them
 * again on the next one, after a back-off. Nothing the broker sends can throw out of here.
 */
export class ChirpStackBridge {
  private readonly open: OpenBrokerSession;
  private readonly backoff: BackoffPolicy;
  private readonly maxInFlight: number;
  private readonly maxEventBytes: number;
  private readonly now: () => Date;
  private state: BridgeState = 'stopped';
  private live: Live | undefined;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastError: BridgeStatus['lastError'] = null;
  private sessionPresent: boolean | null = null;
  private counters = { received: 0, acknowledged: 0, refusedUnacknowledged: 0 };
  private settled: (() => void) | undefined;
  /** Bumped by every connection attempt and every stop: an attempt that is no longer the latest gives up. */
  private generation = 0;

  constructor(private readonly options: ChirpStackBridgeOptions) {
    this.open = options.openSession ?? openMqttBrokerSession;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  get connection(): NetworkServerConnection {
    return this.options.connection;
  }

  status(): BridgeStatus {
    const live = this.live;
    return {
      state: this.state,
      connected: live !== undefined && !live.ended,
      connectedSince: live === undefined || live.ended ? null : new Date(live.connectedAt).toISOString(),
      sessionPresent: this.sessionPresent,
      lastError: this.lastError,
      inFlight: live?.acks.size ?? 0,
      counters: { ...this.counters },
    };
  }

  /** Publishes on the network server's broker (a downlink on command/down); rejects when not connected. */
  publish(topic: string, payload: string): Promise<void> {
    const live = this.live;
    if (live === undefined || live.ended || this.state !== 'connected') return Promise.reject(new Error(`network server ${this.name} is not connected`));
    return live.session.publish(topic, payload);
  }

  /** Connects in the background; failures are retried with back-off and shown in `status()`. */
  start(): void {
    if (this.state !== 'stopped') return;
    void this.connect();
  }

  /**
   * Waits up to graceMs for the sink's answers to what is in flight (acknowledging those that are durable), then
   * disconnects; what is still unanswered stays unacknowledged and comes again on the next session. `unsubscribe`:
   * filters to leave first (a deleted connection, or applications no longer wanted), so the broker stops keeping
   * messages for them under our client id.
   */
  async stop(graceMs = 10_000, unsubscribe: readonly string[] = []): Promise<void> {
    const live = this.beginStop();
    if (live === undefined) return;
    if (live.acks.pending > 0 && graceMs > 0) await this.untilSettled(live, graceMs);
    const unanswered = live.acks.pending;
    if (unsubscribe.length > 0 && unanswered === 0) {
      await live.session.unsubscribe(unsubscribe).catch((error: unknown) => this.failed('unsubscribing on stop', error));
    }
    live.ended = true;
    // Not forced: the PUBACKs already written reach the broker before the DISCONNECT.
    await live.session.close(false).catch((error: unknown) => this.failed('closing', error));
    if (unanswered > 0) this.options.logger.warn({ msg: 'Network server bridge stopped with messages unanswered by the sink; the broker delivers them again', connection: this.name, unanswered });
    this.state = 'stopped';
  }

  /** Drops the connection at once, as a crash would: nothing more is written, what is unacknowledged comes again. */
  async abort(): Promise<void> {
    const live = this.beginStop();
    if (live === undefined) return;
    live.ended = true;
    await live.session.close(true).catch((error: unknown) => this.failed('closing', error));
    this.state = 'stopped';
  }

  /** The connection to end, or undefined when there is none (the bridge is then stopped already). */
  private beginStop(): Live | undefined {
    if (this.state === 'stopped' || this.state === 'stopping') return undefined;
    this.state = 'stopping';
    this.generation++;
    clearTimeout(this.reconnectTimer);
    const live = this.live;
    if (live === undefined || live.ended) {
      this.state = 'stopped';
      return undefined;
    }
    live.paused?.();
    return live;
  }

  private get name(): string {
    return this.options.connection.name;
  }

  /** One connection attempt; its callbacks see only their own connection, never a later one's. */
  private async connect(): Promise<void> {
    this.state = 'connecting';
    const generation = ++this.generation;
    const { connection } = this.options;
    let live: Live | undefined;
    try {
      await this.open(
        {
          url: connection.url,
          clientId: connection.clientId,
          username: connection.username,
          password: connection.password,
          ca: connection.tls.ca,
          rejectUnauthorized: connection.tls.rejectUnauthorized,
          connectTimeoutMs: this.options.connectTimeoutMs ?? 30_000,
          keepaliveSeconds: this.options.keepaliveSeconds ?? 60,
        },
        {
          onOpen: (session) => {
            // A stale attempt's connection is closed below, and takes nothing meanwhile.
            const stale = generation !== this.generation;
            live = { session, acks: new OrderedAcks(), connectedAt: this.now().getTime(), ended: stale, acknowledged: 0, paused: undefined };
            if (stale) return;
            this.live = live;
            this.sessionPresent = session.sessionPresent;
          },
          onMessage: (message, next) => this.onMessage(live, message, next),
          onClose: (error) => this.onClose(live, error),
        },
      );
    } catch (error) {
      if (generation !== this.generation) return;
      this.failed('connecting', error);
      this.retryLater();
      return;
    }
    if (live === undefined) return;
    if (generation !== this.generation) {
      // Stopped (or restarted) while the CONNACK was on its way.
      live.ended = true;
      await live.session.close(true).catch((error: unknown) => this.failed('closing', error));
      return;
    }
    try {
      // Every time, even with the session present: the applications may have changed, and SUBSCRIBE is idempotent.
      await live.session.subscribe(subscriptionFilters(connection));
    } catch (error) {
      this.failed('subscribing', error);
      this.endConnection(live);
      return;
    }
    if (live.ended || generation !== this.generation) return;
    this.state = 'connected';
    this.options.logger.log({ msg: 'Connected to network server', connection: this.name, endpoint: describeEndpoint(connection.url), clientId: connection.clientId, sessionPresent: live.session.sessionPresent });
  }

  private onMessage(live: Live | undefined, message: InboundMessage, next: () => void): void {
    // During a stop, or after this connection ended: not taken, not acknowledged; the broker keeps it for us.
    if (live === undefined || live.ended || this.state === 'stopping') {
      next();
      return;
    }
    this.counters.received++;
    const topic = parseChirpStackTopic(message.topic);
    const event = this.adapt(message, topic);
    const source = { connection: this.name, topic: message.topic, payload: message.payload, event, ...(topic === undefined ? {} : { eventType: topic.eventType }), redelivered: message.redelivered };
    const held = message.qos === 1 && message.messageId !== undefined ? live.acks.hold(message.messageId) : undefined;
    let answered = false;
    const done = (error?: Error): void => {
      if (answered) {
        this.options.logger.warn({ msg: 'The uplink sink answered a message twice; the second answer is ignored', connection: this.name, topic: message.topic });
        return;
      }
      answered = true;
      if (held !== undefined) this.answered(live, held, error);
    };
    try {
      this.options.sink.take(source, done);
    } catch (error) {
      // The sink's contract is to answer through done; a throw is a refusal all the same, never a crash.
      done(error instanceof Error ? error : new Error(String(error)));
    }
    if (live.acks.size < this.maxInFlight) next();
    else live.paused = next;
  }

  private adapt(message: InboundMessage, topic: ReturnType<typeof parseChirpStackTopic>): AdaptedEvent {
    if (topic === undefined) return malformed(`topic ${JSON.stringify(message.topic.slice(0, 200))} is not application/{applicationId}/device/{devEui}/event/{type}`);
    if (message.payload.length > this.maxEventBytes) return malformed(`the event is ${message.payload.length} bytes, more than the ${this.maxEventBytes} a ChirpStack event may be here`);
    return adaptChirpStackEvent(message.payload, { eventType: topic.eventType, topicDevEui: topic.devEui, arrivedAt: this.now() });
  }

  private answered(live: Live, held: HeldAck, error: Error | undefined): void {
    if (error !== undefined) {
      this.counters.refusedUnacknowledged++;
      this.lastError = { at: this.now().toISOString(), message: `the sink refused a message: ${error.message}` };
      this.options.logger.warn({ msg: 'Uplink not durable: left unacknowledged for the broker to deliver again', connection: this.name, error });
    }
    const release = live.acks.settle(held, error === undefined);
    if (!live.ended) {
      for (const messageId of release.acknowledge) {
        const sent = live.session.acknowledge(messageId, () => {
          this.counters.acknowledged++;
          live.acknowledged++;
        });
        if (!sent) break;
      }
      if (release.blocked && this.state !== 'stopping') {
        // Nothing behind the refused message may be acknowledged on this connection ([MQTT-4.6.0-2]); a new
        // connection gets it (and what followed) again, DUP set.
        this.endConnection(live);
      }
    }
    if (live.paused !== undefined && live.acks.size < this.maxInFlight) {
      const next = live.paused;
      live.paused = undefined;
      next();
    }
    if (live.acks.pending === 0) this.settled?.();
  }

  private onClose(live: Live | undefined, error: Error | undefined): void {
    if (live === undefined || live.ended) return;
    live.ended = true;
    this.failed('connection lost', error ?? new Error('the connection was closed'));
    this.scheduleAfter(live);
  }

  /**
   * Leaves a connection the bridge gave up on (DISCONNECT after the PUBACKs already written, so the broker has
   * those) and reconnects after the back-off.
   */
  private endConnection(live: Live): void {
    if (live.ended) return;
    live.ended = true;
    live.paused?.();
    live.session.close(false).catch((error: unknown) => this.failed('closing', error));
    this.scheduleAfter(live);
  }

  private scheduleAfter(live: Live): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const stable = this.now().getTime() - live.connectedAt >= STABLE_CONNECTION_MS;
    if (stable || live.acknowledged > 0) this.attempts = 0;
    this.retryLater();
  }

  private retryLater(): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.attempts++;
    const delayMs = reconnectDelay(this.attempts, this.backoff);
    this.state = 'waiting-to-reconnect';
    this.options.logger.log({ msg: 'Reconnecting to network server after a back-off', connection: this.name, attempt: this.attempts, delayMs });
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private failed(doing: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = { at: this.now().toISOString(), message: `${doing}: ${message}` };
    this.options.logger.warn({ msg: 'Network server connection problem', while: doing, connection: this.name, endpoint: describeEndpoint(this.options.connection.url), error });
  }

  private untilSettled(live: Live, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.settled = undefined;
        resolve();
      };
      const timer = setTimeout(finish, graceMs);
      this.settled = () => {
        if (live.acks.pending === 0) finish();
      };
    });
  }
}
