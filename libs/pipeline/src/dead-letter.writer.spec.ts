import { SILENT_LOGGER } from '@hub/common';
import type { NewDeadLetter, PreparedDeadLetter } from './dead-letter.repository';
import { DeadLetterWriter, DeadLetterWriterClosedError, type DeadLetterWriterOptions } from './dead-letter.writer';

function letter(detail: string, payload = 'p'): NewDeadLetter {
  return { receivedAt: 1, reason: 'TS_TOO_OLD', detail, topic: 't', payload };
}

/** A store whose transactions the test ends: each insertPrepared waits until commit() or fail() is called for it. */
class ControlledSink {
  readonly transactions: { details: string[]; commit: () => void; fail: (error: Error) => void }[] = [];
  readonly committed: string[] = [];

  prepare(input: NewDeadLetter): PreparedDeadLetter {
    return { received_at: input.receivedAt, reason: input.reason, detail: input.detail, topic: input.topic, client_id: null, device_id: null, domain: null, batch_index: null, payload: String(input.payload), payload_bytes: 1, payload_truncated: 0, payload_encoding: 'utf8' };
  }

  insertPrepared(letters: readonly PreparedDeadLetter[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const details = letters.map((item) => item.detail);
      this.transactions.push({
        details,
        commit: () => {
          this.committed.push(...details);
          resolve();
        },
        fail: reject,
      });
    });
  }

  get last() {
    return this.transactions[this.transactions.length - 1];
  }
}

const OPTIONS: DeadLetterWriterOptions = { maxBufferedLetters: 4, maxBufferedBytes: 1 << 20, retryMinMs: 1, retryMaxMs: 4 };
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** The retry's backoff is a real timer: wait for what it leads to, however loaded the machine. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Which of the watched promises have settled, and how, in the order they were watched. */
class Watch {
  readonly states: string[] = [];

  add(...promises: Promise<void>[]): string[] {
    for (const promise of promises) {
      const index = this.states.push('pending') - 1;
      promise.then(
        () => (this.states[index] = 'done'),
        (error: Error) => (this.states[index] = error.name),
      );
    }
    return this.states;
  }
}

describe('DeadLetterWriter', () => {
  let sink: ControlledSink;
  let writer: DeadLetterWriter;

  beforeEach(() => {
    sink = new ControlledSink();
    writer = new DeadLetterWriter(sink, SILENT_LOGGER, OPTIONS);
  });

  it('writes the calls of one tick as one transaction and resolves them only after it commits', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a')]), writer.record([letter('b'), letter('c')]));
    await tick();
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a', 'b', 'c']]);
    expect(states).toEqual(['pending', 'pending']);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'done']);
    expect(writer.buffered).toBe(0);
  });

  it('gathers what arrives during a transaction into the next one, in arrival order', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a')]));
    await tick();
    watch.add(writer.record([letter('b')]));
    await tick();
    watch.add(writer.record([letter('c')]));
    await tick();
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'pending', 'pending']);
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a'], ['b', 'c']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'done', 'done']);
    expect(sink.committed).toEqual(['a', 'b', 'c']);
  });

  it('resolves an empty call at once, without a transaction', async () => {
    await writer.record([]);
    expect(sink.transactions).toEqual([]);
  });

  it('holds at most maxBufferedLetters: beyond them a call waits for room, and later calls queue behind it', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a'), letter('b'), letter('c')]));
    await tick();
    watch.add(writer.record([letter('d'), letter('e')]), writer.record([letter('f')]));
    await tick();
    // 'f' alone would fit beside a, b, c; it waits behind d, e, so the order of commits stays the order of calls.
    expect(writer.buffered).toBe(3);
    expect(writer.waitingForRoom).toBe(2);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'pending', 'pending']);
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
    expect(writer.buffered).toBe(3);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'done', 'done']);
    expect(writer.buffered).toBe(0);
  });

  it('takes one call larger than the bound when nothing else is held', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record(['a', 'b', 'c', 'd', 'e', 'f'].map((detail) => letter(detail))));
    await tick();
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a', 'b', 'c', 'd', 'e', 'f']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done']);
  });

  it('bounds the bytes held as well as the letters', async () => {
    writer = new DeadLetterWriter(sink, SILENT_LOGGER, { ...OPTIONS, maxBufferedLetters: 100, maxBufferedBytes: 1000 });
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a', 'x'.repeat(600))]), writer.record([letter('b', 'x'.repeat(600))]));
    await tick();
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a']]);
    expect(writer.waitingForRoom).toBe(1);
    sink.last.commit();
    await tick();
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a'], ['b']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'done']);
  });

  it('retries a failed transaction with the same letters, logging the first failure and the recovery; callers wait meanwhile', async () => {
    const logged: { level: string; entry: unknown }[] = [];
    const logger = { log: (entry: unknown) => void logged.push({ level: 'log', entry }), warn: () => undefined, error: (entry: unknown) => void logged.push({ level: 'error', entry }) };
    writer = new DeadLetterWriter(sink, logger, OPTIONS);
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a')]));
    await tick();
    sink.last.fail(new Error('connection refused'));
    await until(() => sink.transactions.length === 2);
    watch.add(writer.record([letter('b')]));
    sink.last.fail(new Error('connection refused'));
    await until(() => sink.transactions.length === 3);
    await tick();
    expect(states).toEqual(['pending', 'pending']);
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a'], ['a'], ['a']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'pending']);
    expect(sink.transactions.map((tx) => tx.details)).toEqual([['a'], ['a'], ['a'], ['b']]);
    sink.last.commit();
    await tick();
    expect(states).toEqual(['done', 'done']);
    expect(sink.committed).toEqual(['a', 'b']);
    expect(logged).toEqual([
      { level: 'error', entry: expect.objectContaining({ letters: 1, failures: 1, retryInMs: 1, error: new Error('connection refused') }) },
      { level: 'log', entry: { msg: 'Dead letters are stored again', failedAttempts: 2 } },
    ]);
  });

  it('close(): refuses new letters, writes those held (waiting for room too), and resolves true once committed', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a'), letter('b'), letter('c')]));
    await tick();
    watch.add(writer.record([letter('d'), letter('e')]));
    const closed = writer.close(1000);
    watch.add(writer.record([letter('late')]));
    sink.last.commit();
    await tick();
    sink.last.commit();
    expect(await closed).toBe(true);
    await tick();
    expect(states).toEqual(['done', 'done', 'DeadLetterWriterClosedError']);
    expect(sink.committed).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('close(): what the database has not taken by the deadline is rejected, so it is not acknowledged', async () => {
    const watch = new Watch();
    const states = watch.add(writer.record([letter('a')]));
    await tick();
    watch.add(writer.record([letter('b')]));
    const failing = setInterval(() => sink.last.fail(new Error('down')), 1);
    expect(await writer.close(30)).toBe(false);
    clearInterval(failing);
    await tick();
    expect(states).toEqual(['DeadLetterWriterClosedError', 'DeadLetterWriterClosedError']);
    expect(sink.committed).toEqual([]);
    await expect(writer.record([letter('c')])).rejects.toBeInstanceOf(DeadLetterWriterClosedError);
  });
});
