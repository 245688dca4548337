import { SILENT_LOGGER } from '@hub/common';
import { LineSink, LineSinkWriteError } from '@hub/influx';
import { NewDeadLetter } from './dead-letter.repository';
import { InfluxAvailability } from './influx-availability';
import { IngestStats } from './ingest-stats';
import { ReplaySource, SpoolReplayer } from './spool-replayer';
import { SpoolPlace } from './spool-port';

class MemorySpool implements ReplaySource {
  constructor(
    readonly records: string[][],
    readonly place: SpoolPlace = 'local',
  ) {}
  async peek(): Promise<{ lines: string[] } | null> {
    return this.records.length > 0 ? { lines: this.records[0] } : null;
  }
  async commit(record: { lines: string[] }): Promise<void> {
    expect(record.lines).toBe(this.records[0]);
    this.records.shift();
  }
}

class RecordingSink implements LineSink {
  readonly kind = 'recording';
  readonly writes: { body: string; at: number }[] = [];
  failuresLeft = 0;
  refuse = new Set<string>();
  async prepare(): Promise<void> {}
  async ping(): Promise<void> {}
  async write(body: string): Promise<void> {
    this.writes.push({ body, at: Date.now() });
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new LineSinkWriteError('connect ECONNREFUSED', true);
    }
    if (body.split('\n').some((line) => this.refuse.has(line))) throw new LineSinkWriteError('bad', false, 400, 'unable to parse');
  }
}

const batch = (device: string, count: number) => Array.from({ length: count }, (_, index) => `gas,device_id=${device} methane_pct_lel=${index} ${index}`);

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 3000) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SpoolReplayer', () => {
  let stats: IngestStats;
  let deadLetters: NewDeadLetter[];
  beforeEach(() => {
    stats = new IngestStats();
    deadLetters = [];
  });

  const replayer = (spool: ReplaySource | ReplaySource[], sink: LineSink, rate = 1_000_000) =>
    new SpoolReplayer(Array.isArray(spool) ? spool : [spool], sink, new InfluxAvailability(1, 5), stats, rate, async (letters) => void deadLetters.push(...letters), SILENT_LOGGER);

  it('replays in order, keeps a batch until InfluxDB takes it, and accounts for it', async () => {
    const spool = new MemorySpool([batch('a', 3), batch('b', 2)]);
    stats.spooled = 5;
    const sink = new RecordingSink();
    sink.failuresLeft = 3;
    const subject = replayer(spool, sink);
    subject.start();
    await until(() => spool.records.length === 0);
    await subject.stop();
    expect(sink.writes.map((write) => write.body)).toEqual([
      ...Array(4).fill(batch('a', 3).join('\n')),
      batch('b', 2).join('\n'),
    ]);
    expect(stats.snapshot()).toMatchObject({ written: 5, spooled: 0, writeErrors: 3, replayedBatches: 2 });
  });

  it('dead-letters the points InfluxDB refuses, with their device, and moves on', async () => {
    const lines = batch('g-9', 4);
    const spool = new MemorySpool([lines]);
    stats.spooled = 4;
    const sink = new RecordingSink();
    sink.refuse.add(lines[1]);
    const subject = replayer(spool, sink);
    subject.start();
    await until(() => spool.records.length === 0);
    await subject.stop();
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'INFLUX_REFUSED', deviceId: 'g-9', domain: 'gas', topic: 'sensors/gas/g-9/telemetry', payload: lines[1], detail: 'InfluxDB 400: unable to parse' }),
    ]);
    expect(stats.snapshot()).toMatchObject({ written: 3, refusedByInflux: 1, spooled: 0 });
  });

  it('keeps to its rate so live readings keep flowing', async () => {
    const spool = new MemorySpool([batch('a', 100), batch('b', 100), batch('c', 100)]);
    const sink = new RecordingSink();
    const subject = replayer(spool, sink, 2000); // 100 readings take 50 ms of budget
    subject.start();
    await until(() => spool.records.length === 0);
    await subject.stop();
    const gaps = sink.writes.slice(1).map((write, index) => write.at - sink.writes[index].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45);
  });

  it('replays the local spool before the shared one, and counts shared batches as sharedReplayed, not spooled', async () => {
    const local = new MemorySpool([batch('l', 2)]);
    const shared = new MemorySpool([batch('s1', 3), batch('s2', 1)], 'shared');
    // Left by an earlier run: recovered, as the hub counts them at start.
    stats.recovered = stats.spooled = 2;
    const sink = new RecordingSink();
    sink.refuse.add(batch('s1', 3)[2]);
    const subject = replayer([local, shared], sink);
    subject.start();
    await until(() => local.records.length === 0 && shared.records.length === 0);
    await subject.stop();
    expect(sink.writes[0].body).toBe(batch('l', 2).join('\n'));
    expect(stats.snapshot()).toMatchObject({ written: 5, refusedByInflux: 1, spooled: 0, sharedReplayed: 4, replayedBatches: 3, balanced: true });
  });
});
