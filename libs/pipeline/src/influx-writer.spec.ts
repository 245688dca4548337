import { WriterConfig } from '../../config/src';
import { LineSink, LineSinkWriteError } from '../../influx/src/line-sink';
import { NewDeadLetter } from '../../store/src';
import { SILENT_LOGGER } from '../../common/src/hub-logger';
import { IngestStats } from './ingest-stats';
import { InfluxWriter, WriteEntry } from './influx-writer';

/** A scripted sink: each write is answered by the next scripted outcome (default: success). */
class ScriptedSink implements LineSink {
  readonly kind = 'scripted';
  readonly bodies: string[] = [];
  readonly stored = new Set<string>();
  script: ((body: string) => Error | undefined)[] = [];
  /** Lines this sink refuses with a 400, like InfluxDB refusing a field type conflict. */
  refuse = new Set<string>();
  holdWrites = false;
  private held: (() => void)[] = [];

  async prepare(): Promise<void> {}
  async ping(): Promise<void> {}

  async write(body: string): Promise<void> {
    this.bodies.push(body);
    if (this.holdWrites) await new Promise<void>((resolve) => this.held.push(resolve));
    const scripted = this.script.shift()?.(body);
    if (scripted) throw scripted;
    const lines = body.split('\n');
    const refused = lines.filter((line) => this.refuse.has(line));
    // Like InfluxDB 1.x: the good points of a partially refused batch are still written.
    for (const line of lines) if (!this.refuse.has(line)) this.stored.add(line);
    if (refused.length > 0) throw new LineSinkWriteError('refused', false, 400, `partial write: dropped=${refused.length}`);
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const resolve of held) resolve();
  }
}

const config: WriterConfig = { batchSize: 4, flushIntervalMs: 5, maxBufferedReadings: 8, concurrency: 1, retryMinMs: 1, retryMaxMs: 4 };

function entries(prefix: string, count: number): WriteEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    line: `water,device_id=${prefix} v=${index} ${1000 + index}`,
    topic: `sensors/water/${prefix}/telemetry`,
    deviceId: prefix,
    domain: 'water',
  }));
}

async function settle(writer: InfluxWriter): Promise<void> {
  expect(await writer.drain(2000)).toBe(true);
}

describe('InfluxWriter', () => {
  let sink: ScriptedSink;
  let stats: IngestStats;
  let deadLetters: NewDeadLetter[];
  let writer: InfluxWriter;

  beforeEach(() => {
    sink = new ScriptedSink();
    stats = new IngestStats();
    deadLetters = [];
    writer = new InfluxWriter(sink, config, stats, (letters) => deadLetters.push(...letters), SILENT_LOGGER);
  });

  it('sends full batches at once and the rest after the flush interval', async () => {
    const accepted = jest.fn();
    writer.offer(entries('a', 6), accepted);
    expect(accepted).toHaveBeenCalledTimes(1);
    await settle(writer);
    expect(sink.bodies.map((body) => body.split('\n').length)).toEqual([4, 2]);
    expect(sink.stored.size).toBe(6);
    expect(stats.snapshot()).toMatchObject({ accepted: 6, written: 6, buffered: 0, writeBatches: 2, writeErrors: 0 });
  });

  it('retries retryable failures until InfluxDB answers, dropping nothing', async () => {
    const unavailable = () => new LineSinkWriteError('engine: error syncing wal', true, 500, 'engine: error syncing wal');
    sink.script = [unavailable, unavailable, unavailable];
    writer.offer(entries('a', 3), () => undefined);
    await settle(writer);
    expect(sink.bodies).toHaveLength(4);
    expect(sink.stored.size).toBe(3);
    expect(stats.snapshot()).toMatchObject({ written: 3, writeErrors: 3, buffered: 0 });
    expect(writer.healthy).toBe(true);
  });

  it('bisects a refused batch down to the refused lines and dead-letters only those', async () => {
    const batch = entries('a', 4);
    sink.refuse.add(batch[2].line);
    writer.offer(batch, () => undefined);
    await settle(writer);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      reason: 'INFLUX_REFUSED',
      detail: 'InfluxDB 400: partial write: dropped=1',
      deviceId: 'a',
      payload: batch[2].line,
      topic: 'sensors/water/a/telemetry',
    });
    expect([...sink.stored].sort()).toEqual([batch[0].line, batch[1].line, batch[3].line].sort());
    expect(stats.snapshot()).toMatchObject({ accepted: 4, written: 3, refusedByInflux: 1, buffered: 0 });
  });

  it('holds acceptance back when the buffer is full and admits waiters in arrival order', async () => {
    sink.holdWrites = true;
    const order: string[] = [];
    writer.offer(entries('a', 8), () => order.push('a'));
    writer.offer(entries('b', 4), () => order.push('b'));
    writer.offer(entries('c', 1), () => order.push('c'));
    expect(order).toEqual(['a']);
    expect(stats.snapshot()).toMatchObject({ accepted: 8, buffered: 8, waitingForRoom: 5 });

    sink.holdWrites = false;
    sink.release();
    await settle(writer);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(stats.snapshot()).toMatchObject({ accepted: 13, written: 13, buffered: 0, waitingForRoom: 0 });
  });

  it('takes an oversized message when the buffer is empty so one large batch cannot wedge a device', async () => {
    const accepted = jest.fn();
    writer.offer(entries('big', 20), accepted);
    expect(accepted).toHaveBeenCalledTimes(1);
    await settle(writer);
    expect(sink.stored.size).toBe(20);
  });

  it('reports drain timeout while InfluxDB keeps failing', async () => {
    sink.script = Array.from({ length: 1000 }, () => () => new LineSinkWriteError('down', true));
    writer.offer(entries('a', 2), () => undefined);
    expect(await writer.drain(50)).toBe(false);
    expect(writer.healthy).toBe(false);
    expect(writer.lastError).toBe('down');
    expect(stats.buffered).toBe(2);
    sink.script = [];
    await settle(writer);
    expect(stats.snapshot()).toMatchObject({ written: 2, buffered: 0 });
  });
});
