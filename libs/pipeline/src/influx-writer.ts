import { WriterConfig } from '@hub/config';
import { HubLogger } from '@hub/common';
import { LineSink } from '@hub/influx';
import { NewDeadLetter } from './dead-letter.repository';
import { InfluxAvailability } from './influx-availability';
import { IngestStats } from './ingest-stats';
import { LineBuffer } from './line-buffer';
import { BatchSpool, influxRefusedLetter, isSpoolFull, MessageOrigin, PointOrigin } from './spool-port';
import { writeOrBisect } from './write-or-bisect';

export interface WriterListener {
  batchWritten(lines: number, seconds: number): void;
}

/**
 * The readings of one MQTT message: its acknowledgement waits until all of them are durable. The one object the
 * writer keeps per message (each of its lines points to it), with the origin a dead letter needs.
 */
class Ticket implements MessageOrigin {
  readonly topic: string;
  readonly deviceId: string;
  readonly domain: string;
  readonly clientId: string | undefined;

  constructor(
    public remaining: number,
    readonly durable: () => void,
    origin: MessageOrigin,
  ) {
    this.topic = origin.topic;
    this.deviceId = origin.deviceId;
    this.domain = origin.domain;
    this.clientId = origin.clientId;
  }

  pointOrigin(line: string): PointOrigin {
    return { line, topic: this.topic, deviceId: this.deviceId, domain: this.domain, clientId: this.clientId };
  }
}

interface Waiter {
  readonly origin: MessageOrigin;
  readonly lines: readonly string[];
  readonly durable: () => void;
}

/** 'written': InfluxDB has it; its acknowledgements wait for the dead letters of the points it refused. */
type BatchState = 'queued' | 'sending' | 'spooling' | 'written' | 'done';

interface Batch {
  readonly lines: LineBuffer;
  /** The message of each line. */
  readonly tickets: Ticket[];
  state: BatchState;
  /** Settles true once spooled, false if the spool refused it (the batch is then 'sending' again). */
  spooling?: Promise<boolean>;
}

/**
 * Batches accepted readings, writes them to InfluxDB, and tells the pipeline when each message is durable:
 * written to InfluxDB, or appended to the outage spool (committed to the shared spool in PostgreSQL, or fsync'd to the
 * local one). Only then is the device acknowledged.
 * - A batch goes out when it holds `batchSize` lines or its oldest has waited `flushIntervalMs`.
 * - InfluxDB failing (network, timeout, 5xx such as 1.6's "engine: error syncing wal", 429) or slower than
 *   `spoolAfterMs`: the batch goes to the spool; the replayer writes it later. Nothing is dropped by a retry limit.
 * - InfluxDB refusing part of a batch (400): bisected down to the refused lines, which become INFLUX_REFUSED dead
 *   letters with InfluxDB's own reason.
 * - Spool full: batches stay in memory and are retried against InfluxDB; memory is bounded by
 *   `maxBufferedReadings`, beyond which acknowledgements wait (back-pressure) instead of anything being dropped.
 */
export class InfluxWriter {
  private readonly queued: Batch[] = [];
  private readonly sending = new Set<Batch>();
  private readonly waiters: Waiter[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private idleResolvers: (() => void)[] = [];
  private draining = false;
  /** The last spool append was refused for lack of room and no batch has been durable since (logged on each change). */
  spoolFull = false;

  constructor(
    private readonly sink: LineSink,
    private readonly config: WriterConfig,
    private readonly stats: IngestStats,
    private readonly spool: BatchSpool | null,
    private readonly availability: InfluxAvailability,
    /** Resolves once the letters are committed (DeadLetterWriter.record). */
    private readonly recordDeadLetters: (letters: readonly NewDeadLetter[]) => Promise<void>,
    private readonly logger: HubLogger,
    private readonly listener: WriterListener = { batchWritten: () => undefined },
  ) {}

  /**
   * Hands the accepted readings of one message to the writer, as lines of line protocol; `durable` runs once all of
   * them are in InfluxDB, the spool or dead letters.
   */
  offer(origin: MessageOrigin, lines: readonly string[], durable: () => void): void {
    if (lines.length === 0) {
      durable();
      return;
    }
    if (this.waiters.length > 0 || !this.hasRoomFor(lines.length)) {
      this.waiters.push({ origin, lines, durable });
      this.stats.waitingForRoom += lines.length;
      return;
    }
    this.enqueue(origin, lines, durable);
  }

  /**
   * Graceful stop: sends everything now; whatever InfluxDB has not confirmed is spooled at once. Resolves true when
   * nothing is left in memory, false if `timeoutMs` ran out first.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    this.dispatch(true);
    for (const batch of this.sending) void this.spoolBatch(batch);
    if (this.idle) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleResolvers.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const drained = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return drained;
  }

  /**
   * False while messages already wait for room (memory full: spool full or refusing, InfluxDB down or slow). The
   * MQTT path waits then (no PUBACK, the socket is not read); a caller that can say "come back later" — the HTTP
   * ingest's 503 — asks first instead of queueing behind them.
   */
  get acceptsMore(): boolean {
    return this.waiters.length === 0 && (this.stats.buffered === 0 || this.stats.buffered < this.config.maxBufferedReadings);
  }

  private get idle(): boolean {
    return this.stats.buffered === 0 && this.waiters.length === 0;
  }

  private hasRoomFor(count: number): boolean {
    // An empty buffer always takes a message, however large, so one oversized batch cannot wedge a device.
    return this.stats.buffered === 0 || this.stats.buffered + count <= this.config.maxBufferedReadings;
  }

  private enqueue(origin: MessageOrigin, lines: readonly string[], durable: () => void): void {
    this.stats.accepted += lines.length;
    this.stats.buffered += lines.length;
    const ticket = new Ticket(lines.length, durable, origin);
    for (const line of lines) {
      let open = this.queued[this.queued.length - 1];
      if (open === undefined || open.lines.count >= this.config.batchSize) {
        open = { lines: new LineBuffer(), tickets: [], state: 'queued' };
        this.queued.push(open);
      }
      open.lines.push(line);
      open.tickets.push(ticket);
    }
    this.dispatch(this.draining);
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.hasRoomFor(this.waiters[0].lines.length)) {
      const waiter = this.waiters.shift() as Waiter;
      this.stats.waitingForRoom -= waiter.lines.length;
      this.enqueue(waiter.origin, waiter.lines, waiter.durable);
    }
  }

  /** Starts full batches (or, when `force` or the flush timer fired, the partial one) while capacity allows. */
  private dispatch(force: boolean): void {
    while (this.liveRequests() < (this.draining ? Infinity : this.config.concurrency) && this.queued.length > 0) {
      const batch = this.queued[0];
      if (batch.lines.count < this.config.batchSize && !force) break;
      this.queued.shift();
      batch.state = 'sending';
      this.sending.add(batch);
      void this.deliver(batch)
        .catch((error: unknown) => this.logger.error({ msg: 'Could not settle a write batch', lines: batch.lines.count, error }))
        .finally(() => this.batchDone(batch));
    }
    if (this.queued.length > 0 && this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.dispatch(true);
      }, this.config.flushIntervalMs);
    }
  }

  /** Batches still waiting on InfluxDB; a batch that went to the spool while its request hangs no longer counts. */
  private liveRequests(): number {
    let live = 0;
    for (const batch of this.sending) if (batch.state === 'sending') live++;
    return live;
  }

  private batchDone(batch: Batch): void {
    this.sending.delete(batch);
    this.settled();
  }

  /** Room may have freed: admit waiting messages, start queued batches, wake a drain that waits for idle. */
  private settled(): void {
    this.admitWaiters();
    this.dispatch(this.draining);
    if (this.idle) {
      const resolvers = this.idleResolvers;
      this.idleResolvers = [];
      for (const resolve of resolvers) resolve();
    }
  }

  /** Gets a batch to a durable place: InfluxDB, or the spool; keeps trying InfluxDB while the spool is full. */
  private async deliver(batch: Batch): Promise<void> {
    const started = process.hrtime.bigint();
    // InfluxDB slower than spoolAfterMs: spool the batch so the device is acknowledged, and treat InfluxDB as
    // failing so the batches behind it go straight to the spool instead of piling up on a hanging server.
    const slow = this.spool && setTimeout(() => {
      this.availability.recordFailure(new Error(`InfluxDB took longer than ${this.config.spoolAfterMs} ms`));
      void this.spoolBatch(batch);
    }, this.config.spoolAfterMs);
    try {
      for (;;) {
        if ((this.draining || this.availability.circuitOpen) && (await this.spoolBatch(batch))) return;
        let outcome;
        try {
          outcome = await writeOrBisect(this.sink, batch.lines);
        } catch (error) {
          this.stats.writeErrors++;
          const delay = this.availability.recordFailure(error);
          if (this.availability.failureStreak === 1 || this.availability.failureStreak % 50 === 0) {
            this.logger.warn({ msg: 'InfluxDB write failed; spooling and retrying', failures: this.availability.failureStreak, retryInMs: delay, error });
          }
          if (await this.spoolBatch(batch)) return;
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        const streak = this.availability.recordSuccess();
        if (streak > 0) this.logger.log({ msg: 'InfluxDB takes writes again', failedAttempts: streak });
        this.clearSpoolFull();
        // Spooled meanwhile because InfluxDB was slow: the spool owns the batch and counts it when replayed.
        if (batch.state === 'spooling' && (await batch.spooling)) return;
        if (batch.state === 'done') return;
        // Nothing may spool it now (the slow timer, a drain) while the points InfluxDB refused are dead-lettered.
        if (slow) clearTimeout(slow);
        batch.state = 'written';
        this.listener.batchWritten(outcome.written, Number(process.hrtime.bigint() - started) / 1e9);
        await this.refuse(outcome.refused.map(({ index, error }) => influxRefusedLetter(batch.tickets[index].pointOrigin(batch.lines.line(index)), error)));
        // Counted with finish(), so that accepted + recovered = written + refused + spooled + buffered holds throughout.
        this.stats.written += outcome.written;
        this.stats.refusedByInflux += outcome.refused.length;
        this.stats.writeBatches++;
        this.finish(batch);
        return;
      }
    } finally {
      if (slow) clearTimeout(slow);
    }
  }

  /** Appends the batch to the spool; true once it is durable there. False without a spool or when it is full. */
  private spoolBatch(batch: Batch): Promise<boolean> {
    if (batch.state === 'done' || batch.state === 'written') return Promise.resolve(true);
    if (batch.state === 'spooling' && batch.spooling) return batch.spooling;
    if (this.spool === null) return Promise.resolve(false);
    batch.state = 'spooling';
    batch.spooling = this.spool.appendPayload(batch.lines.payload(), batch.lines.count).then(
      (place) => {
        this.clearSpoolFull();
        if (place === 'shared') this.stats.sharedSpooled += batch.lines.count;
        else this.stats.spooled += batch.lines.count;
        this.finish(batch);
        this.settled();
        return true;
      },
      (error: unknown) => {
        batch.state = 'sending';
        batch.spooling = undefined;
        this.noteSpoolRefusal(error);
        return false;
      },
    );
    return batch.spooling;
  }

  /** Batches are durable again (spooled, or written by InfluxDB), so acknowledgements flow again. */
  private clearSpoolFull(): void {
    if (!this.spoolFull) return;
    this.spoolFull = false;
    this.logger.log({ msg: 'Batches are durable again; acknowledgements resume' });
  }

  private noteSpoolRefusal(error: unknown): void {
    const full = isSpoolFull(error);
    if (full && !this.spoolFull) {
      this.logger.error({ msg: 'Outage spool is full: batches wait in memory for InfluxDB and acknowledgements will stop when memory is full', error });
    } else if (!full) {
      this.logger.error({ msg: 'Could not append to the outage spool', error });
    }
    this.spoolFull = full;
  }

  private finish(batch: Batch): void {
    batch.state = 'done';
    this.stats.buffered -= batch.lines.count;
    for (const ticket of batch.tickets) {
      if (--ticket.remaining === 0) ticket.durable();
    }
  }

  /** Resolves once the dead letters are committed: the batch's messages are acknowledged after that. */
  private async refuse(letters: NewDeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    for (const letter of letters) {
      this.logger.warn({ msg: 'InfluxDB refused a point', deviceId: letter.deviceId, reason: letter.detail });
    }
    await this.recordDeadLetters(letters);
  }
}
