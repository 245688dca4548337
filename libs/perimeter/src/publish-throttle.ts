import type { PublishThrottleSettings, RateLimit } from '@hub/config';
import { TokenBucket } from './token-bucket';

/** One MQTT connection, by identity; `id` is its client id, which the rate is counted against. */
export interface ThrottledClient {
  readonly id: string;
  /** True once the connection is gone: what it had waiting is dropped. */
  readonly closed?: boolean;
}

export interface PublishThrottleListener<C> {
  /** A message of `client` has to wait for its turn. */
  delayed(client: C): void;
  /** `client` has been held back without a break for `throttledForMs`; it has been released and should be closed. */
  abusive(client: C, throttledForMs: number, dropped: number): void;
}

/** The rate of one client id; kept across reconnects, so reconnecting does not refill the burst. */
interface ClientRate {
  readonly bucket: TokenBucket;
  /** Since when the client has been held back without a break of more than CONTINUITY_MS. */
  throttledSince: number;
  /** When its queue last emptied. */
  drainedAt: number;
}

/** Messages of one connection waiting for tokens, in arrival order. */
interface Lane {
  readonly rate: ClientRate;
  readonly queue: Array<() => void>;
  timer: NodeJS.Timeout | null;
}

/** A queue empty for longer than this ends a stretch of throttling (between batches it is empty for microseconds). */
const CONTINUITY_MS = 1000;

/**
 * Per-client publish rate limit that slows a client down instead of dropping its messages. It works because aedes
 * reads a connection's next chunk only once every packet of the current chunk has been handled (lib/client.js:
 * `_parsingBatch`), so holding the authorizePublish callback holds that client's socket: TCP back-pressure reaches
 * the device, QoS 0 and QoS 1 alike, and at most one read chunk (≤ 64 KiB) of packets waits here per connection.
 * Measured against aedes 1.2 with a client flooding as fast as TCP allows: 819 packets held, none read beyond them.
 *
 * The fast path (tokens available, nothing queued) calls through synchronously; only waiting messages cost a timer.
 */
export class PublishThrottle<C extends ThrottledClient> {
  private readonly rates = new Map<string, ClientRate>();
  private readonly lanes = new Map<C, Lane>();

  /** null settings: no limit (every message proceeds at once). */
  constructor(
    private readonly settings: PublishThrottleSettings | null,
    private readonly listener: PublishThrottleListener<C>,
  ) {}

  /** Calls `proceed` now, or once the client's rate allows, after the messages it sent before. */
  admit(client: C, proceed: () => void): void {
    if (this.settings === null) {
      proceed();
      return;
    }
    const now = Date.now();
    let lane = this.lanes.get(client);
    if (lane === undefined) {
      const rate = this.rateOf(client.id, now);
      if (rate.bucket.tryTake(now)) {
        proceed();
        return;
      }
      if (now - rate.drainedAt > CONTINUITY_MS) rate.throttledSince = now;
      lane = { rate, queue: [], timer: null };
      this.lanes.set(client, lane);
      this.schedule(client, lane, now);
    }
    lane.queue.push(proceed);
    this.listener.delayed(client);
    this.releaseIfAbusive(client, lane, now);
  }

  /** The connection is gone: forget what it had waiting (QoS 1 messages were not acknowledged; the device resends them). */
  release(client: C): number {
    const lane = this.lanes.get(client);
    if (lane === undefined) return 0;
    if (lane.timer !== null) clearTimeout(lane.timer);
    this.lanes.delete(client);
    lane.rate.drainedAt = Date.now();
    return lane.queue.length;
  }

  /** Connections with messages waiting now. */
  get throttledClients(): number {
    return this.lanes.size;
  }

  /** Forgets client ids that have been quiet long enough for their bucket to refill. */
  sweep(now: number): void {
    for (const [id, rate] of this.rates) {
      if (now - rate.drainedAt > CONTINUITY_MS && rate.bucket.isFull(now)) this.rates.delete(id);
    }
  }

  private releaseIfAbusive(client: C, lane: Lane, now: number): boolean {
    const throttledForMs = now - lane.rate.throttledSince;
    if (this.settings?.abuseAfterMs == null || throttledForMs < this.settings.abuseAfterMs) return false;
    const dropped = this.release(client);
    this.listener.abusive(client, throttledForMs, dropped);
    return true;
  }

  private rateOf(clientId: string, now: number): ClientRate {
    let rate = this.rates.get(clientId);
    if (rate === undefined) {
      rate = { bucket: new TokenBucket(this.settings as RateLimit, now), throttledSince: now, drainedAt: Number.NEGATIVE_INFINITY };
      this.rates.set(clientId, rate);
    }
    return rate;
  }

  private schedule(client: C, lane: Lane, now: number): void {
    lane.timer = setTimeout(() => this.pump(client, lane), Math.max(1, lane.rate.bucket.msUntilToken(now)));
  }

  private pump(client: C, lane: Lane): void {
    lane.timer = null;
    if (this.lanes.get(client) !== lane) return;
    if (client.closed === true) {
      this.release(client);
      return;
    }
    const now = Date.now();
    // proceed() may lead aedes to read the client's next chunk and call admit() again: those messages join this queue.
    while (lane.queue.length > 0 && lane.rate.bucket.tryTake(now)) (lane.queue.shift() as () => void)();
    if (this.lanes.get(client) !== lane) return;
    if (lane.queue.length > 0) {
      if (!this.releaseIfAbusive(client, lane, now)) this.schedule(client, lane, now);
      return;
    }
    this.lanes.delete(client);
    lane.rate.drainedAt = now;
  }
}
