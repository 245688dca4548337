import { WriterConfig } from '@hub/config';
import { SILENT_LOGGER } from '@hub/common';
import { LineSink, LineSinkWriteError } from '@hub/influx';
import { SpoolFullError } from '@hub/spool';
import { NewDeadLetter } from './dead-letter.repository';
import { InfluxAvailability } from './influx-availability';
import { IngestStats } from './ingest-stats';
import { InfluxWriter } from './influx-writer';
import { BatchSpool, MessageOrigin, SpoolPlace } from './spool-port';

/** A scripted InfluxDB: each write takes the next scripted outcome (default: success); can hold writes open. */
class ScriptedSink implements LineSink {
  readonly kind = 'scripted';
  readonly bodies: string[] = [];
  readonly stored = new Set<string>();
  script: (() => Error)[] = [];
  failAlways: (() => Error) | null = null;
  /** Lines refused with a 400, like a field type conflict; the rest of the body is stored, as InfluxDB 1.x does. */
  refuse = new Set<string>();
  holdWrites = false;
  private held: (() => void)[] = [];

  async prepare(): Promise<void> {}
  async ping(): Promise<void> {}

  async write(body: string): Promise<void> {
    this.bodies.push(body);
    if (this.holdWrites) await new Promise<void>((resolve) => this.held.push(resolve));
    const failure = this.script.shift() ?? this.failAlways;
    if (failure) throw failure();
    const lines = body.split('\n');
    for (const line of lines) if (!this.refuse.has(line)) this.stored.add(line);
    const refused = lines.filter((line) => this.refuse.has(line));
    if (refused.length > 0) throw new LineSinkWriteError('refused', false, 400, `partial write: dropped=${refused.length}`);
  }

  release(): void {
    this.holdWrites = false;
    const held = this.held;
    this.held = [];
    for (const resolve of held) resolve();
  }
}

class FakeSpool implements BatchSpool {
  readonly batches: string[][] = [];
  full = false;
  /** Another refusal than "full" (a disk failure). */
  failure: Error | null = null;
  /** Where the batches it takes are durable (the shared spool in PostgreSQL, or the local disk). */
  place: SpoolPlace = 'local';
  async appendPayload(payload: Buffer, lines: number): Promise<SpoolPlace> {
    if (this.failure !== null) throw this.failure;
    if (this.full) {
      throw new SpoolFullError(1024, 1024);
    }
    const batch = payload.toString('utf8').split('\n');
    expect(batch).toHaveLength(lines);
    this.batches.push(batch);
    return this.place;
  }
}

const unavailable = () => new LineSinkWriteError('engine: error syncing wal', true, 500, 'engine: error syncing wal');
const config: WriterConfig = { batchSize: 4, flushIntervalMs: 5, maxBufferedReadings: 8, concurrency: 1, retryMinMs: 1, retryMaxMs: 4, spoolAfterMs: 60_000 };

/** One MQTT message's accepted readings, as the pipeline hands them over. */
interface Message {
  readonly origin: MessageOrigin;
  readonly lines: string[];
}

function message(prefix: string, count: number): Message {
  return {
    origin: { topic: `sensors/water/${prefix}/telemetry`, deviceId: prefix, domain: 'water', clientId: `client-${prefix}` },
    lines: Array.from({ length: count }, (_, index) => `water,device_id=${prefix} v=${index} ${1000 + index}`),
  };
}

const offer = (subject: InfluxWriter, { origin, lines }: Message, durable: () => void): void => subject.offer(origin, lines, durable);

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until nothing is in memory, without a drain (a drain spools at once instead of trying InfluxDB). */
async function settled(stats: IngestStats): Promise<void> {
  for (let waited = 0; stats.buffered > 0 || stats.waitingForRoom > 0; waited += 5) {
    if (waited > 2000) throw new Error(`writer did not settle: ${JSON.stringify(stats.snapshot())}`);
    await tick(5);
  }
}

describe('InfluxWriter', () => {
  let sink: ScriptedSink;
  let stats: IngestStats;
  let availability: InfluxAvailability;
  let deadLetters: NewDeadLetter[];

  const writer = (spool: BatchSpool | null, overrides: Partial<WriterConfig> = {}) =>
    new InfluxWriter(sink, { ...config, ...overrides }, stats, spool, availability, async (letters) => void deadLetters.push(...letters), SILENT_LOGGER);

  /** accepted + recovered + sharedReplayed = written + refusedByInflux + spooled + sharedSpooled + buffered */
  const balanced = () =>
    stats.accepted + stats.recovered + stats.sharedReplayed === stats.written + stats.refusedByInflux + stats.spooled + stats.sharedSpooled + stats.buffered;

  beforeEach(() => {
    sink = new ScriptedSink();
    stats = new IngestStats();
    availability = new InfluxAvailability(1, 4);
    deadLetters = [];
  });

  it('acknowledges only once InfluxDB confirmed the batch', async () => {
    const subject = writer(null);
    sink.holdWrites = true;
    const durable = jest.fn();
    offer(subject, message('a', 4), durable);
    await tick();
    expect(sink.bodies).toHaveLength(1);
    expect(durable).not.toHaveBeenCalled();
    expect(stats.snapshot()).toMatchObject({ accepted: 4, buffered: 4, written: 0 });
    sink.release();
    expect(await subject.drain(2000)).toBe(true);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(stats.snapshot()).toMatchObject({ written: 4, buffered: 0, writeBatches: 1 });
  });

  it('sends full batches at once and the rest after the flush interval; a message spanning batches is acknowledged once', async () => {
    const subject = writer(null);
    const durable = jest.fn();
    offer(subject, message('a', 6), durable);
    expect(await subject.drain(2000)).toBe(true);
    expect(sink.bodies.map((body) => body.split('\n').length)).toEqual([4, 2]);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(sink.stored.size).toBe(6);
    expect(balanced()).toBe(true);
  });

  it('without a spool, retries retryable failures until InfluxDB answers and only then acknowledges', async () => {
    const subject = writer(null);
    sink.script = [unavailable, unavailable, unavailable];
    const durable = jest.fn();
    offer(subject, message('a', 3), durable);
    expect(await subject.drain(2000)).toBe(true);
    expect(sink.bodies).toHaveLength(4);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(stats.snapshot()).toMatchObject({ written: 3, writeErrors: 3, buffered: 0, spooled: 0 });
    expect(availability.healthy).toBe(true);
  });

  it('spools a batch InfluxDB fails, acknowledges it, and sends the next batches straight to the spool', async () => {
    const spool = new FakeSpool();
    availability = new InfluxAvailability(60_000, 60_000);
    const subject = writer(spool);
    sink.failAlways = unavailable;
    const first = jest.fn();
    const second = jest.fn();
    offer(subject, message('a', 4), first);
    await tick();
    offer(subject, message('b', 4), second);
    expect(await subject.drain(2000)).toBe(true);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(spool.batches).toEqual([message('a', 4).lines, message('b', 4).lines]);
    // The second batch never tried InfluxDB: the circuit was open.
    expect(sink.bodies).toHaveLength(1);
    expect(stats.snapshot()).toMatchObject({ accepted: 8, written: 0, spooled: 8, buffered: 0, writeErrors: 1 });
    expect(balanced()).toBe(true);
  });

  it('counts a batch the shared spool took as leaving this node (sharedSpooled), not as waiting in its local spool', async () => {
    const spool = new FakeSpool();
    spool.place = 'shared';
    availability = new InfluxAvailability(60_000, 60_000);
    const subject = writer(spool);
    sink.failAlways = unavailable;
    const durable = jest.fn();
    offer(subject, message('a', 4), durable);
    expect(await subject.drain(2000)).toBe(true);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(stats.snapshot()).toMatchObject({ accepted: 4, written: 0, spooled: 0, sharedSpooled: 4, buffered: 0 });
    expect(balanced()).toBe(true);
  });

  it('spools a batch InfluxDB is too slow to confirm, and does not count it twice when the write completes later', async () => {
    const spool = new FakeSpool();
    const subject = writer(spool, { spoolAfterMs: 30 });
    sink.holdWrites = true;
    const durable = jest.fn();
    offer(subject, message('a', 4), durable);
    await tick(80);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(spool.batches).toHaveLength(1);
    sink.release();
    expect(await subject.drain(2000)).toBe(true);
    expect(stats.snapshot()).toMatchObject({ written: 0, spooled: 4, buffered: 0 });
    expect(balanced()).toBe(true);
  });

  it('keeps batches in memory and retries InfluxDB while the spool is full; resumes by itself', async () => {
    const spool = new FakeSpool();
    spool.full = true;
    const subject = writer(spool);
    sink.script = Array.from({ length: 5 }, () => unavailable);
    const durable = jest.fn();
    offer(subject, message('a', 4), durable);
    await tick(5);
    expect(durable).not.toHaveBeenCalled();
    expect(subject.spoolFull).toBe(true);
    expect(await subject.drain(2000)).toBe(true);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(sink.bodies).toHaveLength(6);
    expect(stats.snapshot()).toMatchObject({ written: 4, spooled: 0, buffered: 0, writeErrors: 5 });
  });

  it('tells a full spool (SpoolFullError) from a failing one by type, not by name', async () => {
    const spool = new FakeSpool();
    const impostor = new Error('ENOSPC: no space left on device, write');
    impostor.name = 'SpoolFullError';
    spool.failure = impostor;
    const subject = writer(spool);
    sink.script = Array.from({ length: 40 }, () => unavailable);
    offer(subject, message('a', 4), jest.fn());
    await tick(5);
    expect(subject.spoolFull).toBe(false);
    spool.failure = null;
    spool.full = true;
    await tick(20);
    expect(subject.spoolFull).toBe(true);
    spool.full = false;
    expect(await subject.drain(2000)).toBe(true);
  });

  it('bisects a refused batch down to the refused lines and dead-letters only those', async () => {
    const subject = writer(new FakeSpool());
    const batch = message('a', 4);
    sink.refuse.add(batch.lines[2]);
    const durable = jest.fn();
    offer(subject, batch, durable);
    await settled(stats);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        reason: 'INFLUX_REFUSED',
        detail: 'InfluxDB 400: partial write: dropped=1',
        deviceId: 'a',
        domain: 'water',
        clientId: 'client-a',
        payload: batch.lines[2],
        topic: 'sensors/water/a/telemetry',
      }),
    ]);
    expect([...sink.stored].sort()).toEqual([batch.lines[0], batch.lines[1], batch.lines[3]].sort());
    expect(durable).toHaveBeenCalledTimes(1);
    expect(stats.snapshot()).toMatchObject({ accepted: 4, written: 3, refusedByInflux: 1, buffered: 0 });
    expect(balanced()).toBe(true);
  });

  it('acknowledges a batch with a refused point only once its dead letter is committed, and never spools it meanwhile', async () => {
    let commit = (): void => undefined;
    const spool = new FakeSpool();
    const subject = new InfluxWriter(sink, { ...config, spoolAfterMs: 20 }, stats, spool, availability, (letters) => new Promise<void>((resolve) => (commit = () => {
      deadLetters.push(...letters);
      resolve();
    })), SILENT_LOGGER);
    const batch = message('a', 4);
    sink.refuse.add(batch.lines[1]);
    const durable = jest.fn();
    offer(subject, batch, durable);
    // Past spoolAfterMs, while the dead letter waits: the written batch must not go to the spool as well.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(durable).not.toHaveBeenCalled();
    expect(stats.snapshot()).toMatchObject({ accepted: 4, written: 0, refusedByInflux: 0, buffered: 4, spooled: 0 });
    expect(balanced()).toBe(true);
    // A drain (stopping) meanwhile does not spool it either; it waits for the commit.
    const drained = subject.drain(2000);
    await tick();
    expect(spool.batches).toEqual([]);
    commit();
    expect(await drained).toBe(true);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(deadLetters.map((letter) => letter.payload)).toEqual([batch.lines[1]]);
    expect(stats.snapshot()).toMatchObject({ accepted: 4, written: 3, refusedByInflux: 1, buffered: 0, spooled: 0 });
    expect(balanced()).toBe(true);
  });

  it('holds messages back when memory is full and admits them in arrival order', async () => {
    const subject = writer(null);
    sink.holdWrites = true;
    const order: string[] = [];
    offer(subject, message('a', 8), () => order.push('a'));
    offer(subject, message('b', 4), () => order.push('b'));
    offer(subject, message('c', 1), () => order.push('c'));
    expect(stats.snapshot()).toMatchObject({ accepted: 8, buffered: 8, waitingForRoom: 5 });
    sink.release();
    expect(await subject.drain(2000)).toBe(true);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(stats.snapshot()).toMatchObject({ accepted: 13, written: 13, buffered: 0, waitingForRoom: 0 });
  });

  it('takes an oversized message when memory is empty, so one large batch cannot wedge a device', async () => {
    const subject = writer(null);
    const durable = jest.fn();
    offer(subject, message('big', 20), durable);
    expect(await subject.drain(2000)).toBe(true);
    expect(durable).toHaveBeenCalledTimes(1);
    expect(sink.stored.size).toBe(20);
  });

  it('on a graceful stop spools what InfluxDB has not confirmed, at once', async () => {
    const spool = new FakeSpool();
    const subject = writer(spool);
    sink.holdWrites = true;
    const durable = jest.fn();
    offer(subject, message('a', 4), durable);
    offer(subject, message('b', 4), durable);
    offer(subject, message('c', 2), durable);
    await tick();
    expect(await subject.drain(500)).toBe(true);
    expect(durable).toHaveBeenCalledTimes(3);
    expect(spool.batches.flat()).toHaveLength(10);
    expect(stats.snapshot()).toMatchObject({ spooled: 10, buffered: 0, waitingForRoom: 0 });
    sink.release();
  });

  it('reports a drain that times out while InfluxDB keeps failing and there is no spool', async () => {
    const subject = writer(null);
    sink.failAlways = unavailable;
    offer(subject, message('a', 2), () => undefined);
    expect(await subject.drain(50)).toBe(false);
    expect(availability.healthy).toBe(false);
    expect(availability.lastError).toBe('engine: error syncing wal');
    expect(stats.buffered).toBe(2);
    sink.failAlways = null;
    expect(await subject.drain(2000)).toBe(true);
    expect(stats.snapshot()).toMatchObject({ written: 2, buffered: 0 });
  });
});
