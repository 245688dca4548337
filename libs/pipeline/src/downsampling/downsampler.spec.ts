import { SILENT_LOGGER } from '@hub/common';
import type { InfluxSeries } from '@hub/influx';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { DownsampleState } from './downsample-state';
import { DownsampleStateRepository } from './downsample-state.repository';
import { Downsampler } from './downsampler';
import { LateReadingWatch } from './late-readings';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');
const FIELDS: InfluxSeries[] = [{ name: 'water', columns: ['fieldKey', 'fieldType'], values: [['sum_flow', 'float'], ['count_flow', 'integer']] }];

const stores: TestStore[] = [];
afterEach(async () => {
  for (const test of stores.splice(0)) await test.dispose();
});

async function setUp(now: { value: number }, answers: (q: string) => InfluxSeries[] | Promise<InfluxSeries[]> = () => []) {
  const test = await sqliteTestStore();
  stores.push(test);
  const repository = new DownsampleStateRepository(test.store);
  const state = await DownsampleState.load(repository);
  const watch = new LateReadingWatch(state);
  const queries: string[] = [];
  const downsampler = new Downsampler({
    query: async (q) => {
      queries.push(q);
      return q.startsWith('SHOW FIELD KEYS') ? FIELDS : answers(q);
    },
    state,
    watch,
    rawPolicy: 'autogen',
    config: { delayMs: MINUTE, keepMs: { raw: 30 * 86_400_000, '1m': 396 * 86_400_000, '1h': 3653 * 86_400_000 } },
    logger: SILENT_LOGGER,
    now: () => now.value,
  });
  return { state, watch, queries, downsampler, repository };
}

const aggregations = (queries: string[]) => queries.filter((q) => q.includes(' INTO ')).map((q) => /INTO "(hub_1[mh])".*?time >= (\d+)ms AND time < (\d+)ms/.exec(q)!.slice(1).map((part, index) => (index === 0 ? part : new Date(Number(part)).toISOString().slice(11, 16))).join(' '));

describe('Downsampler', () => {
  it('starts a fresh database where its raw readings start, and aggregates closed minutes then hours up to the watermarks', async () => {
    const now = { value: T0 + 2 * HOUR + 30 * MINUTE + 10_000 };
    const { state, queries, downsampler } = await setUp(now, (q) => (q.includes('LIMIT 1') ? [{ name: 'water', columns: ['time', 'flow'], values: [[T0 + 17 * MINUTE, 1]] }] : []));
    await downsampler.start();
    expect(state.watermark('1m')).toBe(T0);
    await downsampler.run();
    expect(aggregations(queries)).toEqual(['hub_1m 10:00 11:00', 'hub_1m 11:00 12:00', 'hub_1m 12:00 12:29', 'hub_1h 10:00 12:00']);
    expect(state.watermark('1m')).toBe(T0 + 2 * HOUR + 29 * MINUTE);
    expect(state.watermark('1h')).toBe(T0 + 2 * HOUR);
  });

  it('re-aggregates the minutes late readings landed in, then their hours, and clears them', async () => {
    const now = { value: T0 + 2 * HOUR + 30 * MINUTE };
    const { state, queries, downsampler } = await setUp(now);
    await downsampler.start();
    await downsampler.run();
    queries.length = 0;
    await state.markDirty('1m', [T0 + 5 * MINUTE, T0 + 6 * MINUTE, T0 + 2 * HOUR + 10 * MINUTE]);
    await downsampler.run();
    expect(aggregations(queries)).toEqual(['hub_1m 10:05 10:07', 'hub_1m 12:10 12:11', 'hub_1h 10:00 11:00']);
    expect(state.dirtyCount('1m')).toBe(0);
    expect(state.dirtyCount('1h')).toBe(0);
  });

  it('keeps a minute marked again while it was being re-aggregated', async () => {
    const now = { value: T0 + HOUR };
    const { state, downsampler, repository } = await setUp(now, async (q) => {
      if (q.includes('INTO "hub_1m"') && q.includes(`time >= ${T0 + 5 * MINUTE}ms`)) await state.markDirty('1m', [T0 + 5 * MINUTE]);
      return [];
    });
    await downsampler.start();
    await downsampler.run();
    await state.markDirty('1m', [T0 + 5 * MINUTE]);
    await downsampler.run();
    expect(state.dirty('1m', 10)).toEqual([{ bucketMs: T0 + 5 * MINUTE, version: 2 }]);
    expect(await repository.dirty('1m', null)).toEqual([{ bucketMs: T0 + 5 * MINUTE, version: 2 }]);
  });

  it('claims each minute range before aggregating it, so a reading written meanwhile is marked', async () => {
    const now = { value: T0 + 10 * MINUTE };
    const { state, watch, downsampler } = await setUp(now);
    await downsampler.start();
    await downsampler.run();
    await watch.written(`water,device_id=a flow=1 ${T0 + 8 * MINUTE + 1}`, T0 + 8 * MINUTE + 1);
    expect(state.dirty('1m', 10)).toEqual([{ bucketMs: T0 + 8 * MINUTE, version: 1 }]);
  });

  it('stops a run at a failed statement and starts the next from the same watermark', async () => {
    const now = { value: T0 + 3 * HOUR };
    let fail = true;
    const { state, downsampler } = await setUp(now, (q) => {
      if (q.includes('LIMIT 1')) return [{ name: 'water', columns: ['time', 'flow'], values: [[T0, 1]] }];
      if (fail && q.includes(`time >= ${T0 + HOUR}ms`)) throw new Error('InfluxDB down');
      return [];
    });
    await downsampler.start();
    await expect(downsampler.run()).rejects.toThrow('InfluxDB down');
    expect(state.watermark('1m')).toBe(T0 + HOUR);
    fail = false;
    await downsampler.run();
    expect(state.watermark('1m')).toBe(T0 + 2 * HOUR + 59 * MINUTE);
  });

  it('counts a resolution complete only up to its oldest bucket waiting to be aggregated again, a waiting minute holding back its hour', async () => {
    const now = { value: T0 + 3 * HOUR + 30 * MINUTE };
    const { state, downsampler } = await setUp(now, (q) => (q.includes('LIMIT 1') ? [{ name: 'water', columns: ['time', 'flow'], values: [[T0, 1]] }] : []));
    await downsampler.start();
    await downsampler.run();
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 + 3 * HOUR + 29 * MINUTE, '1h': T0 + 3 * HOUR });
    await state.markDirty('1m', [T0 + HOUR + 7 * MINUTE]);
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 + HOUR + 7 * MINUTE, '1h': T0 + HOUR });
    await state.markDirty('1h', [T0]);
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 + HOUR + 7 * MINUTE, '1h': T0 });
    await downsampler.run();
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 + 3 * HOUR + 29 * MINUTE, '1h': T0 + 3 * HOUR });
  });

  it('lets a waiting bucket older than the raw period hold nobody back: raw readings cannot serve it, the aggregates still do', async () => {
    const now = { value: T0 + 3 * HOUR + 30 * MINUTE };
    const { state, downsampler } = await setUp(now, (q) => (q.includes('LIMIT 1') ? [{ name: 'water', columns: ['time', 'flow'], values: [[T0 - 40 * 86_400_000, 1]] }] : []));
    await downsampler.start();
    await state.setWatermark('1m', T0 + 3 * HOUR + 29 * MINUTE);
    await state.setWatermark('1h', T0 + 3 * HOUR);
    // A backfilled reading 31 days old marks its minute: past the 30 days raw readings are kept.
    await state.markDirty('1m', [T0 - 31 * 86_400_000]);
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 + 3 * HOUR + 29 * MINUTE, '1h': T0 + 3 * HOUR });
    // One 29 days old still holds readers back to raw readings from it on.
    await state.markDirty('1m', [T0 - 29 * 86_400_000]);
    expect(downsampler.aggregatedUntil).toEqual({ '1m': T0 - 29 * 86_400_000, '1h': T0 - 29 * 86_400_000 });
  });
});
