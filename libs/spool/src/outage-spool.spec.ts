import { appendFile, mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubLogger } from '@hub/common';
import { OutageSpool } from './outage-spool';
import { SpoolFullError } from './spool-full.error';

class RecordingLogger implements HubLogger {
  readonly entries: [string, unknown][] = [];
  log(message: unknown): void {
    this.entries.push(['log', message]);
  }
  warn(message: unknown): void {
    this.entries.push(['warn', message]);
  }
  error(message: unknown): void {
    this.entries.push(['error', message]);
  }
}

const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `water,device_id=${prefix} v=${index} ${index}`);

describe('OutageSpool (real files)', () => {
  let dir: string;
  let logger: RecordingLogger;
  const open = (options: Partial<{ maxBytes: number | null; segmentBytes: number }> = {}) =>
    OutageSpool.open(dir, { maxBytes: options.maxBytes ?? 10 * 1024 * 1024, segmentBytes: options.segmentBytes ?? 1024 * 1024 }, logger);
  const segments = async () => (await readdir(dir)).filter((name) => name.startsWith('segment-')).sort();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-spec-'));
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives batches back in the order they were appended, and is empty once all are committed', async () => {
    const spool = await open();
    await spool.append(lines('a', 3));
    await spool.append(lines('b', 2));
    expect(spool.pendingReadings).toBe(5);

    const first = await spool.peek();
    expect(first?.lines).toEqual(lines('a', 3));
    // Peeking again without a commit gives the same batch: nothing leaves the spool before InfluxDB took it.
    expect((await spool.peek())?.lines).toEqual(lines('a', 3));
    await spool.commit(first!);
    const second = await spool.peek();
    expect(second?.lines).toEqual(lines('b', 2));
    await spool.commit(second!);
    expect(await spool.peek()).toBeNull();
    expect(spool.pendingReadings).toBe(0);
    await spool.close();
  });

  it('shares one sync among appends that arrive together (group commit) and resolves each', async () => {
    const spool = await open();
    await Promise.all(Array.from({ length: 50 }, (_, index) => spool.append(lines(`d${index}`, 2))));
    expect(spool.pendingReadings).toBe(100);
    const seen: string[] = [];
    for (let record = await spool.peek(); record !== null; record = await spool.peek()) {
      seen.push(record.lines[0].split(' ')[0]);
      await spool.commit(record);
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, index) => `water,device_id=d${index}`));
    await spool.close();
  });

  it('keeps what was appended and not yet replayed across a restart, and resumes at the cursor', async () => {
    let spool = await open();
    await spool.append(lines('a', 1));
    await spool.append(lines('b', 2));
    await spool.append(lines('c', 3));
    await spool.commit((await spool.peek())!);
    await spool.close();

    spool = await open();
    expect(spool.pendingReadings).toBe(5);
    expect((await spool.peek())?.lines).toEqual(lines('b', 2));
    await spool.append(lines('d', 1));
    await spool.commit((await spool.peek())!);
    expect((await spool.peek())?.lines).toEqual(lines('c', 3));
    await spool.commit((await spool.peek())!);
    expect((await spool.peek())?.lines).toEqual(lines('d', 1));
    await spool.close();
  });

  it('drops a torn record at the tail after a crash (it was never synced, so never acknowledged) and keeps the rest', async () => {
    let spool = await open();
    await spool.append(lines('a', 2));
    await spool.close();
    const [segment] = await segments();
    // A crash in the middle of a write: a header promising 100 bytes, and only 3 of them.
    await appendFile(join(dir, segment), Buffer.from([0, 0, 0, 100, 1, 2, 3, 4, 9, 9, 9]));

    spool = await open();
    expect(spool.tornFrames).toBe(1);
    expect(logger.entries.filter(([level]) => level === 'warn')).toHaveLength(1);
    expect(spool.pendingReadings).toBe(2);
    expect((await spool.peek())?.lines).toEqual(lines('a', 2));
    await spool.commit((await spool.peek())!);
    await spool.append(lines('b', 1));
    expect((await spool.peek())?.lines).toEqual(lines('b', 1));
    await spool.close();
  });

  it('rolls over to new segment files and deletes the ones fully replayed', async () => {
    const spool = await open({ segmentBytes: 100 });
    for (let index = 0; index < 6; index++) await spool.append(lines(`s${index}`, 3));
    const before = await segments();
    expect(before.length).toBeGreaterThanOrEqual(3);
    for (let index = 0; index < 5; index++) await spool.commit((await spool.peek())!);
    expect((await spool.peek())?.lines).toEqual(lines('s5', 3));
    const after = await segments();
    expect(after.length).toBeLessThan(before.length);
    const onDisk = (await Promise.all(after.map(async (name) => (await stat(join(dir, name))).size))).reduce((a, b) => a + b, 0);
    expect(spool.bytes).toBe(onDisk);
    await spool.close();
  });

  it('refuses an append that would pass its cap, without writing it, and takes appends again once replayed', async () => {
    const spool = await open({ maxBytes: 600 });
    const batch = lines('x', 4); // 4 lines of ~30 bytes + an 8-byte header
    let appended = 0;
    try {
      for (;;) {
        await spool.append(batch);
        appended++;
      }
    } catch (error) {
      expect(error).toBeInstanceOf(SpoolFullError);
      expect((error as Error).message).toMatch(/^outage spool is full \(\d+ of 600 bytes\)$/);
    }
    expect(appended).toBeGreaterThan(0);
    expect(spool.pendingReadings).toBe(appended * 4);
    expect(spool.bytes).toBeLessThanOrEqual(600);
    for (let index = 0; index < appended; index++) await spool.commit((await spool.peek())!);
    // Every segment is deleted once the replay has moved past all of it, the one being appended to included.
    expect(spool.bytes).toBe(0);
    expect(await segments()).toEqual([]);
    await expect(spool.append(batch)).resolves.toBeUndefined();
    expect((await spool.peek())?.lines).toEqual(batch);
    await spool.close();
  });

  it('defaults its cap to a quarter of the free disk space', async () => {
    const spool = await OutageSpool.open(dir, { maxBytes: null, segmentBytes: 1024 }, logger);
    const stats = await statfs(dir);
    // Other processes write to the same disk meanwhile: equal to within 64 MiB.
    expect(Math.abs(spool.maxBytes - (stats.bavail * stats.bsize) / 4)).toBeLessThan(64 * 1024 * 1024);
    await spool.close();
  });
});
