import type { HubLogger } from '@hub/common';
import type { NewDeadLetter, PreparedDeadLetter } from './dead-letter.repository';

/** What the writer needs of the dead-letter store (DeadLetterRepository). */
export interface DeadLetterSink {
  prepare(letter: NewDeadLetter): PreparedDeadLetter;
  /** One transaction; resolves after COMMIT. */
  insertPrepared(letters: readonly PreparedDeadLetter[]): Promise<void>;
}

export interface DeadLetterWriterOptions {
  /** Letters held in memory (waiting or being written) beyond which record() waits for room. */
  readonly maxBufferedLetters: number;
  /** The same bound in bytes of payload, detail and topic (a payload is already cut to HUB_DEAD_LETTER_MAX_PAYLOAD_BYTES). */
  readonly maxBufferedBytes: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
}

/**
 * 10,000 letters or 16 MiB: at the measured ~6,700 letters/s of PostgreSQL in batches (docs/design/storage-layer-plan.md
 * §7) a second and a half of refusals, and memory a small hub can spare. Beyond it the acknowledgements of refused
 * messages wait, as those of valid readings do when InfluxDB's writer is full.
 */
export const DEAD_LETTER_BUFFER: DeadLetterWriterOptions = { maxBufferedLetters: 10_000, maxBufferedBytes: 16 * 1024 * 1024, retryMinMs: 100, retryMaxMs: 5_000 };

/** A letter's bytes in memory, roughly: its texts and a fixed share for the object. */
const LETTER_OVERHEAD_BYTES = 200;

export class DeadLetterWriterClosedError extends Error {
  constructor(detail: string) {
    super(`Dead letters cannot be recorded: ${detail}`);
    this.name = 'DeadLetterWriterClosedError';
  }
}

/** One record() call: its letters, settled together once they are committed. */
class Pending {
  constructor(
    readonly letters: readonly PreparedDeadLetter[],
    readonly bytes: number,
    readonly resolve: () => void,
    readonly reject: (error: Error) => void,
  ) {}
}

/**
 * Group commit for dead letters. One transaction per letter caps PostgreSQL at ~100–350 letters/s (storage-layer-plan
 * §7); here the letters that arrive while a transaction runs form the next one, so a burst of refusals costs a few
 * transactions, not one each.
 * - record() resolves once its letters are committed — the caller acknowledges only then, so "a PUBACK of a refused
 *   message means its dead letter is recorded" holds.
 * - Letters recorded in the same tick go in the same batch.
 * - Memory is bounded (DeadLetterWriterOptions): beyond it record() waits for room; an empty buffer always takes a
 *   call, however large, so one big batch cannot wedge it.
 * - While the database fails, the batch is retried with backoff (logged on the first failure and every 20th); its
 *   callers keep waiting, nothing is dropped. A retried batch whose COMMIT was lost in transit may be stored twice:
 *   a duplicated dead letter rather than a lost one.
 * - close() writes what is held; what is still unwritten at its deadline is rejected (not acknowledged, so the
 *   devices send it again).
 */
export class DeadLetterWriter {
  private queued: Pending[] = [];
  private readonly waiting: Pending[] = [];
  private bufferedLetters = 0;
  private bufferedBytes = 0;
  private running: Promise<void> | null = null;
  private closed = false;
  private abandoned = false;
  private failures = 0;
  private wakeRetry: (() => void) | null = null;

  constructor(
    private readonly sink: DeadLetterSink,
    private readonly logger: HubLogger,
    private readonly options: DeadLetterWriterOptions = DEAD_LETTER_BUFFER,
  ) {}

  /** Letters held in memory: waiting for a transaction or in one. */
  get buffered(): number {
    return this.bufferedLetters;
  }

  /** Calls waiting for room. */
  get waitingForRoom(): number {
    return this.waiting.length;
  }

  /** Resolves once the letters are committed; rejects only when the writer closes before they could be. */
  record(letters: readonly NewDeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new DeadLetterWriterClosedError('the hub is stopping'));
    let prepared: PreparedDeadLetter[];
    try {
      prepared = letters.map((letter) => this.sink.prepare(letter));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<void>((resolve, reject) => {
      const pending = new Pending(prepared, bytesOf(prepared), resolve, reject);
      if (this.waiting.length > 0 || !this.hasRoomFor(pending)) this.waiting.push(pending);
      else this.admit(pending);
    });
  }

  /**
   * Stops taking letters and writes what is held. Resolves true when all of it was committed, false when `timeoutMs`
   * ran out first (those callers' promises are rejected).
   */
  async close(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    // Room no longer matters: what was handed over is written now.
    while (this.waiting.length > 0) this.admit(this.waiting.shift() as Pending);
    if (this.running === null) return true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const written = await Promise.race([this.running.then(() => true), deadline]);
    clearTimeout(timer);
    if (!written) {
      this.abandoned = true;
      this.wakeRetry?.();
      await this.running;
    }
    return written;
  }

  private hasRoomFor(pending: Pending): boolean {
    if (this.bufferedLetters === 0) return true;
    return this.bufferedLetters + pending.letters.length <= this.options.maxBufferedLetters && this.bufferedBytes + pending.bytes <= this.options.maxBufferedBytes;
  }

  private admit(pending: Pending): void {
    this.queued.push(pending);
    this.bufferedLetters += pending.letters.length;
    this.bufferedBytes += pending.bytes;
    // A microtask later: every record() of the current tick joins the first batch.
    this.running ??= Promise.resolve().then(() => this.run());
  }

  private async run(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      const committed = await this.write(batch.length === 1 ? batch[0].letters : batch.flatMap((pending) => pending.letters));
      for (const pending of batch) {
        this.bufferedLetters -= pending.letters.length;
        this.bufferedBytes -= pending.bytes;
        if (committed) pending.resolve();
        else pending.reject(new DeadLetterWriterClosedError('the database did not take them before the stop deadline'));
      }
      while (this.waiting.length > 0 && this.hasRoomFor(this.waiting[0])) this.admit(this.waiting.shift() as Pending);
    }
    this.running = null;
  }

  /** The batch in one transaction, retried until it commits; false only when close() gave up on it. */
  private async write(letters: readonly PreparedDeadLetter[]): Promise<boolean> {
    for (;;) {
      if (this.abandoned) return false;
      try {
        await this.sink.insertPrepared(letters);
        if (this.failures > 0) this.logger.log({ msg: 'Dead letters are stored again', failedAttempts: this.failures });
        this.failures = 0;
        return true;
      } catch (error) {
        this.failures++;
        const delay = Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** Math.min(this.failures - 1, 20));
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.error({ msg: 'Could not store dead letters; their messages are not acknowledged until they are', letters: letters.length, failures: this.failures, retryInMs: delay, error });
        }
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            this.wakeRetry = null;
            resolve();
          };
          const timer = setTimeout(wake, delay);
          this.wakeRetry = wake;
        });
      }
    }
  }
}

function bytesOf(letters: readonly PreparedDeadLetter[]): number {
  let bytes = 0;
  for (const letter of letters) bytes += LETTER_OVERHEAD_BYTES + letter.payload.length + letter.detail.length + letter.topic.length;
  return bytes;
}
