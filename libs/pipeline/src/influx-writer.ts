import { HubLogger } from '../../common/src/hub-logger';
import { WriterConfig } from '../../config/src';
import { LineSink, LineSinkWriteError } from '../../influx/src/line-sink';
import { NewDeadLetter } from '../../store/src';
import { IngestStats } from './ingest-stats';

/** One accepted reading on its way to InfluxDB, with what a dead letter needs if InfluxDB refuses it. */
export interface WriteEntry {
  readonly line: string;
  readonly topic: string;
  readonly deviceId: string;
  readonly domain: string;
  readonly clientId?: string;
}

export interface WriterListener {
  batchWritten(lines: number, seconds: number): void;
}

interface Waiter {
  readonly entries: readonly WriteEntry[];
  readonly accepted: () => void;
}

/**
 * Batches accepted readings and writes them to InfluxDB.
 * - A batch goes out when it holds `batchSize` lines or its oldest line has waited `flushIntervalMs`
 *   (not the client library's 60 s default), with at most `concurrency` requests in flight.
 * - Retryable failures (network, timeout, 5xx such as 1.6's "engine: error syncing wal", 429) are retried with
 *   capped exponential back-off for as long as it takes: nothing is dropped by a retry or time limit.
 * - A 400 is bisected down to the single lines InfluxDB refuses; those become INFLUX_REFUSED dead letters with
 *   InfluxDB's own reason, the rest are stored (re-sending a point that was already written overwrites it).
 * - Memory is bounded by `maxBufferedReadings`: when full, `offer` holds the acceptance callback back until room
 *   frees, which holds the device's PUBACK back — back-pressure instead of loss.
 */
export class InfluxWriter {
  /** Batches waiting to be sent; the last one is still filling. */
  private readonly queued: WriteEntry[][] = [];
  private readonly waiters: Waiter[] = [];
  private inFlight = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private failureStreak = 0;
  private idleResolvers: (() => void)[] = [];
  lastSuccessAt: number | null = null;
  lastError: string | null = null;

  constructor(
    private readonly sink: LineSink,
    private readonly config: WriterConfig,
    private readonly stats: IngestStats,
    private readonly recordDeadLetters: (letters: readonly NewDeadLetter[]) => void,
    private readonly logger: HubLogger,
    private readonly listener: WriterListener = { batchWritten: () => undefined },
  ) {}

  /** True while InfluxDB is answering write requests (or nothing has been tried yet). */
  get healthy(): boolean {
    return this.failureStreak === 0;
  }

  /** Hands accepted readings to the writer; `accepted` runs once they are in its buffer (at once, unless full). */
  offer(entries: readonly WriteEntry[], accepted: () => void): void {
    if (entries.length === 0) {
      accepted();
      return;
    }
    if (this.waiters.length > 0 || !this.hasRoomFor(entries.length)) {
      this.waiters.push({ entries, accepted });
      this.stats.waitingForRoom += entries.length;
      return;
    }
    this.enqueue(entries);
    accepted();
  }

  /** Sends everything buffered now and resolves when the buffer is empty, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.dispatch(true);
    if (this.stats.buffered === 0 && this.waiters.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleResolvers.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const drained = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return drained;
  }

  private hasRoomFor(count: number): boolean {
    // An empty buffer always takes a message, however large, so one oversized batch cannot wedge a device.
    return this.stats.buffered === 0 || this.stats.buffered + count <= this.config.maxBufferedReadings;
  }

  private enqueue(entries: readonly WriteEntry[]): void {
    this.stats.accepted += entries.length;
    this.stats.buffered += entries.length;
    for (const entry of entries) {
      let open = this.queued[this.queued.length - 1];
      if (open === undefined || open.length >= this.config.batchSize) {
        open = [];
        this.queued.push(open);
      }
      open.push(entry);
    }
    this.dispatch(false);
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.hasRoomFor(this.waiters[0].entries.length)) {
      const waiter = this.waiters.shift() as Waiter;
      this.stats.waitingForRoom -= waiter.entries.length;
      this.enqueue(waiter.entries);
      waiter.accepted();
    }
  }

  /** Starts full batches (or, when `force` or the flush timer fired, the partial one) while capacity allows. */
  private dispatch(force: boolean): void {
    while (this.inFlight < this.config.concurrency && this.queued.length > 0) {
      const batch = this.queued[0];
      if (batch.length < this.config.batchSize && !force) break;
      this.queued.shift();
      this.inFlight++;
      void this.send(batch)
        .catch((error: unknown) => this.logger.error({ msg: 'Could not settle a write batch', lines: batch.length, error }))
        .finally(() => this.batchDone());
    }
    if (this.queued.length > 0 && this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.dispatch(true);
      }, this.config.flushIntervalMs);
    }
  }

  private batchDone(): void {
    this.inFlight--;
    this.admitWaiters();
    this.dispatch(false);
    if (this.stats.buffered === 0 && this.waiters.length === 0) {
      const resolvers = this.idleResolvers;
      this.idleResolvers = [];
      for (const resolve of resolvers) resolve();
    }
  }

  /** Writes a batch; never rejects. Bisects refused batches down to the lines InfluxDB will not take. */
  private async send(batch: readonly WriteEntry[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.writeUntilAnswered(batch);
      this.stats.written += batch.length;
      this.stats.buffered -= batch.length;
      this.stats.writeBatches++;
      this.listener.batchWritten(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      const refusal = error as LineSinkWriteError;
      if (batch.length === 1) {
        this.refuse(batch[0], refusal);
        return;
      }
      const middle = batch.length >> 1;
      await this.send(batch.slice(0, middle));
      await this.send(batch.slice(middle));
    }
  }

  /** Resolves once InfluxDB took the body; rejects only with a non-retryable refusal (4xx other than 429). */
  private async writeUntilAnswered(batch: readonly WriteEntry[]): Promise<void> {
    const body = batch.map((entry) => entry.line).join('\n');
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sink.write(body);
        if (this.failureStreak > 0) this.logger.log(`InfluxDB writes succeed again after ${this.failureStreak} failed attempts`);
        this.failureStreak = 0;
        this.lastError = null;
        this.lastSuccessAt = Date.now();
        return;
      } catch (error) {
        if (error instanceof LineSinkWriteError && !error.retryable) throw error;
        this.stats.writeErrors++;
        this.failureStreak++;
        this.lastError = error instanceof Error ? error.message : String(error);
        const delay = this.backoff(attempt);
        // Log the first failure of a streak and then every tenth, not every retry of every batch.
        if (this.failureStreak === 1 || this.failureStreak % 10 === 0) {
          this.logger.warn({ msg: 'InfluxDB write failed; retrying', attempt, delayMs: delay, lines: batch.length, error });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.config.retryMaxMs, this.config.retryMinMs * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private refuse(entry: WriteEntry, refusal: LineSinkWriteError): void {
    this.stats.buffered--;
    this.stats.refusedByInflux++;
    this.logger.warn({ msg: 'InfluxDB refused a point', deviceId: entry.deviceId, status: refusal.statusCode, reason: refusal.serverMessage });
    this.recordDeadLetters([
      {
        receivedAt: Date.now(),
        reason: 'INFLUX_REFUSED',
        detail: `InfluxDB ${refusal.statusCode ?? ''}: ${refusal.serverMessage ?? refusal.message}`.slice(0, 1000),
        topic: entry.topic,
        clientId: entry.clientId,
        deviceId: entry.deviceId,
        domain: entry.domain,
        payload: entry.line,
      },
    ]);
  }
}
