import { LineSinkWriteError, type LineSink } from '@hub/influx';
import { DownsamplingLineSink, forEachLine, LateReadingWatch, withBackfillTag } from './late-readings';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const NOW = Date.now();
const CLAIMED = Math.floor(NOW / MINUTE) * MINUTE - 10 * MINUTE;

class RecordingSink implements LineSink {
  readonly kind = 'test';
  readonly bodies: string[] = [];
  failWith: Error | null = null;
  prepare = async (): Promise<void> => undefined;
  ping = async (): Promise<void> => undefined;
  async write(body: string): Promise<void> {
    this.bodies.push(body);
    if (this.failWith !== null) throw this.failWith;
  }
}

async function setUp(active = true, markFails: Error | null = null) {
  const marked: number[][] = [];
  const watch = new LateReadingWatch({
    markDirty: async (_resolution, buckets) => {
      if (markFails !== null) throw markFails;
      marked.push([...buckets].sort());
    },
    watermark: () => null,
  });
  if (active) watch.activate(2 * HOUR);
  watch.claim(CLAIMED);
  const raw = new RecordingSink();
  const backfill = new RecordingSink();
  return { marked, raw, backfill, sink: new DownsamplingLineSink(raw, backfill, watch) };
}

describe('DownsamplingLineSink', () => {
  it('writes current readings as they are and marks nothing', async () => {
    const { sink, raw, backfill, marked } = await setUp();
    const body = `water,device_id=a flow=1 ${NOW}\nwater,device_id=b flow=2 ${NOW - 1000}`;
    await sink.write(body);
    expect(raw.bodies).toEqual([body]);
    expect(backfill.bodies).toEqual([]);
    expect(marked).toEqual([]);
  });

  it('marks the minutes of readings before the claim once written, each minute once', async () => {
    const { sink, raw, marked } = await setUp();
    const late = CLAIMED - 3 * MINUTE;
    await sink.write(`water,device_id=a flow=1 ${late + 5000}\nwater,device_id=a flow=2 ${late + 7000}\nwater,device_id=b flow=3 ${late - MINUTE}\nwater,device_id=c flow=4 ${NOW}`);
    expect(raw.bodies).toHaveLength(1);
    expect(marked).toEqual([[late - MINUTE, late]]);
  });

  it('sends readings older than the raw period to the backfill policy, the rest to the raw one, and marks their minutes', async () => {
    const { sink, raw, backfill, marked } = await setUp();
    const old = Math.floor((NOW - 3 * HOUR) / MINUTE) * MINUTE;
    await sink.write(`water,device_id=a flow=1 ${old}\nwater,device_id=b flow=2 ${NOW}\nwater,device_id=a flow=3 ${old + 1}`);
    expect(raw.bodies).toEqual([`water,device_id=b flow=2 ${NOW}`]);
    expect(backfill.bodies).toEqual([`water,device_id=a,backfilled=true flow=1 ${old}\nwater,device_id=a,backfilled=true flow=3 ${old + 1}`]);
    expect(marked).toEqual([[old]]);
  });

  it('marks late minutes even when the write fails (a refused body may have stored some lines), and rethrows', async () => {
    const { sink, raw, marked } = await setUp();
    raw.failWith = new LineSinkWriteError('partial write', false, 400);
    await expect(sink.write(`water,device_id=a flow=1 ${CLAIMED - 1}`)).rejects.toThrow('partial write');
    expect(marked).toEqual([[CLAIMED - MINUTE]]);
  });

  it('fails a stored write whose minutes cannot be marked, so the writer spools it and its replay marks them', async () => {
    const { sink, raw } = await setUp(true, new Error('database unreachable'));
    await expect(sink.write(`water,device_id=a flow=1 ${CLAIMED - 1}`)).rejects.toThrow('database unreachable');
    expect(raw.bodies).toHaveLength(1);
    // Current readings need no mark, so they are not held up by the store.
    await expect(sink.write(`water,device_id=a flow=1 ${NOW}`)).resolves.toBeUndefined();
  });

  it('keeps a failed write’s own error when its minutes cannot be marked either: the writer bisects or retries by it', async () => {
    const { sink, raw } = await setUp(true, new Error('database unreachable'));
    raw.failWith = new LineSinkWriteError('partial write', false, 400);
    await expect(sink.write(`water,device_id=a flow=1 ${CLAIMED - 1}`)).rejects.toThrow('partial write');
  });

  it('leaves the write path as it was until the retention policies are set up', async () => {
    const { sink, raw, backfill } = await setUp(false);
    const body = `water,device_id=a flow=1 ${NOW - 30 * 86_400_000}`;
    await sink.write(body);
    expect(raw.bodies).toEqual([body]);
    expect(backfill.bodies).toEqual([]);
  });
});

describe('LateReadingWatch', () => {
  it('claims the stored minute watermark from its creation: a replayed reading for an aggregated minute is marked before the downsampler is set up', async () => {
    const marked: number[][] = [];
    const watch = new LateReadingWatch({ markDirty: async (_resolution, buckets) => void marked.push([...buckets]), watermark: () => CLAIMED });
    // Not activated (InfluxDB down at start: no retention set up yet), nothing claimed by a run.
    await watch.written(`water,device_id=a flow=1 ${CLAIMED - 61_000}\nwater,device_id=a flow=2 ${CLAIMED + 1}`, CLAIMED - 61_000);
    expect(marked).toEqual([[Math.floor((CLAIMED - 61_000) / 60_000) * 60_000]]);
  });

  it('claims nothing on a database the downsampler never ran on', async () => {
    const marked: number[][] = [];
    const watch = new LateReadingWatch({ markDirty: async (_resolution, buckets) => void marked.push([...buckets]), watermark: () => null });
    await watch.written(`water,device_id=a flow=1 ${CLAIMED - 61_000}`, CLAIMED - 61_000);
    expect(marked).toEqual([]);
  });
});

describe('withBackfillTag', () => {
  it('adds the tag after the measurement and tags, past escaped spaces', () => {
    expect(withBackfillTag('water,device_id=a,site=North\\ gate flow=1 5')).toBe('water,device_id=a,site=North\\ gate,backfilled=true flow=1 5');
    expect(withBackfillTag('water,device_id=a flow=1 5')).toBe('water,device_id=a,backfilled=true flow=1 5');
  });
});

describe('forEachLine', () => {
  it('reads each line\'s millisecond timestamp, skipping empty lines, negative times included', () => {
    const seen: [string, number][] = [];
    const body = 'a v=1 1796570520000\n\nb,t=x\\ y v=2 -5\nc v=3 0';
    forEachLine(body, (start, end, time) => seen.push([body.slice(start, end), time]));
    expect(seen).toEqual([
      ['a v=1 1796570520000', 1796570520000],
      ['b,t=x\\ y v=2 -5', -5],
      ['c v=3 0', 0],
    ]);
  });
});
