import type { HubLogger } from '@hub/common';
import type { AlertStats } from '../alert-stats';
import { ALWAYS_LEADING, type LeaderFence } from '../leader-fence';
import type { AlertNotification } from '../lifecycle/alert.view';
import type { NotificationOutboxRepository, OutboxEntry } from '../store/notification-outbox.repository';
import { NotificationChannel, NotificationDeliveryError } from './notification-channel';

export interface DispatcherOptions {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** Notifications allowed to wait; beyond, the oldest are skipped (and counted), so a dead receiver cannot pile up. */
  readonly maxBacklog: number;
  /** Fallback poll when no wake() came (another writer, or a wake lost at start-up). */
  readonly pollMs?: number;
}

const BATCH = 50;

/**
 * Delivers the outbox to one channel, in order, one notification at a time, retrying with exponential back-off.
 * It runs on its own: evaluation only stores events and calls wake(), so a slow or dead receiver never delays an
 * evaluation. Each channel has its own dispatcher and cursor, so one failing webhook does not hold up MQTT.
 */
export class NotificationDispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private stopping = new AbortController();
  private cursor = 0;

  constructor(
    private readonly channel: NotificationChannel,
    private readonly outbox: NotificationOutboxRepository,
    private readonly options: DispatcherOptions,
    private readonly stats: AlertStats,
    private readonly logger: HubLogger,
    /** Every cursor write is fenced by it, and nothing is delivered while it may have lapsed. */
    private readonly leader: LeaderFence = ALWAYS_LEADING,
  ) {}

  /** Starts (again, after a stop: a node that regains the leader lease) from the channel's cursor in the database. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run().catch((error: unknown) => {
      this.running = false;
      // Leadership lost mid-write: the engine stops the dispatchers; what was not recorded is the next leader's.
      if (error instanceof Error && error.name === 'NotLeaderError') return this.logger.warn({ msg: 'Alert notification channel stopped: this node no longer leads', channel: this.channel.label });
      // A bug or a closed database: stop this channel loudly rather than spin.
      this.logger.error({ msg: 'Alert notification channel stopped', channel: this.channel.label, error });
    });
  }

  /** New events were stored: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops after the attempt in flight (which is aborted by its own timeout at the latest). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    this.cursor = await this.outbox.fenced(this.leader, (tx) => this.outbox.cursor(this.channel.key, tx));
    while (this.running) {
      if (!this.leader.heldLocally()) {
        // Not leading any more (the engine is about to stop this dispatcher): wait rather than spin.
        await this.idle();
        continue;
      }
      await this.skipOverflow();
      const entries = await this.outbox.pending(this.cursor, BATCH);
      this.stats.channel(this.channel.label).backlog = entries.length < BATCH ? entries.length : await this.outbox.backlog(this.cursor);
      if (entries.length === 0) {
        await this.idle();
        continue;
      }
      for (const entry of entries) {
        if (!this.running) return;
        const done = await this.deliver(entry);
        if (!done) break; // stopping, or the backlog overflowed while retrying: start again from the skip
        // Recorded even when stopping: what was delivered must not be sent again after the restart.
        this.cursor = entry.eventId;
        await this.outbox.fenced(this.leader, (tx) => this.outbox.advance(this.channel.key, entry.eventId, tx.exec));
      }
    }
  }

  /** True when the entry is done with (delivered, or refused for good); false to re-read the outbox. */
  private async deliver(entry: OutboxEntry): Promise<boolean> {
    const stats = this.stats.channel(this.channel.label);
    const notification = { eventId: entry.eventId, ...(JSON.parse(entry.payload) as Omit<AlertNotification, 'eventId'>) };
    for (let attempt = 0; this.running; attempt++) {
      // A paused former leader that resumes sends nothing: its lease may be another node's by now.
      if (!this.leader.heldLocally()) return false;
      try {
        await this.channel.deliver(notification);
        stats.delivered++;
        if (attempt > 0) this.logger.log({ msg: 'Alert notification delivered after retries', channel: this.channel.label, eventId: entry.eventId, attempts: attempt + 1 });
        return true;
      } catch (error) {
        stats.failedAttempts++;
        const retryable = !(error instanceof NotificationDeliveryError) || error.retryable;
        if (!retryable) {
          stats.dropped++;
          this.logger.error({ msg: 'Alert notification refused, not retried', channel: this.channel.label, eventId: entry.eventId, error });
          return true;
        }
        const delayMs = Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** Math.min(attempt, 30));
        this.logger.warn({ msg: 'Alert notification failed, retrying', channel: this.channel.label, eventId: entry.eventId, attempt: attempt + 1, retryInMs: delayMs, error });
        await this.sleep(delayMs);
        if ((await this.outbox.backlog(this.cursor)) > this.options.maxBacklog) return false;
      }
    }
    return false;
  }

  private async skipOverflow(): Promise<void> {
    const waiting = await this.outbox.backlog(this.cursor);
    if (waiting <= this.options.maxBacklog) return;
    const skipTo = await this.outbox.skipTo(this.cursor, this.options.maxBacklog);
    const skipped = waiting - (await this.outbox.backlog(skipTo));
    this.stats.channel(this.channel.label).dropped += skipped;
    this.logger.error({ msg: 'Alert notification backlog full: oldest notifications skipped', channel: this.channel.label, skipped, kept: this.options.maxBacklog });
    this.cursor = skipTo;
    await this.outbox.fenced(this.leader, (tx) => this.outbox.advance(this.channel.key, skipTo, tx.exec));
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs ?? 5000);
      const wakeUp = (): void => done();
      this.wakeUp = wakeUp;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wakeUp = null;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve();
      const timer = setTimeout(finish, ms);
      const onAbort = (): void => finish();
      this.stopping.signal.addEventListener('abort', onAbort, { once: true });
      const signal = this.stopping.signal;
      function finish(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
    });
  }
}
