import { SILENT_LOGGER } from '@hub/common';
import { RejectReason } from '@hub/contract';
import type { Store } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { sql } from 'kysely';
import { DeadLetterRepository, type NewDeadLetter, type PreparedDeadLetter } from './dead-letter.repository';
import { DeadLetterWriter } from './dead-letter.writer';

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);

function letter(overrides: Partial<NewDeadLetter> & { reason?: RejectReason } = {}): NewDeadLetter {
  return {
    receivedAt: T0,
    reason: 'VALUE_OUT_OF_RANGE',
    detail: 'ph 15 pH is outside [0, 14]',
    topic: 'sensors/water/wtr-001/telemetry',
    clientId: 'wtr-001',
    deviceId: 'wtr-001',
    domain: 'water',
    payload: '{"metrics":{"ph":15}}',
    ...overrides,
  };
}

const ids = (result: { items: { id: number }[] } | { id: number }[]): number[] => ('items' in result ? result.items : result).map((item) => item.id);

describe.each(TEST_STORES)('DeadLetterRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let store: Store;

  beforeEach(async () => {
    test = await open();
    store = test.store;
  });
  afterEach(() => test.dispose());

  it('stores every field and lists newest first', async () => {
    const repository = new DeadLetterRepository(store, 100, 4096);
    await repository.insertMany([
      letter({ receivedAt: T0, batchIndex: 3 }),
      letter({ receivedAt: T0 + 1, reason: 'TOPIC_INVALID', detail: 'bad topic', topic: 'sensors/oops', clientId: 'gw-9', deviceId: undefined, domain: undefined, payload: 'x' }),
    ]);
    await repository.insertMany([letter({ receivedAt: T0 + 2, reason: 'METRIC_UNKNOWN', detail: '"flux" is not a water metric', payload: '{"metrics":{"flux":1}}' })]);

    const { items, matching } = await repository.list({ limit: 10 });
    expect(matching).toBe(3);
    expect(ids(items)).toEqual([3, 2, 1]);
    expect(items[1]).toEqual({
      id: 2,
      receivedAt: T0 + 1,
      reason: 'TOPIC_INVALID',
      detail: 'bad topic',
      topic: 'sensors/oops',
      clientId: 'gw-9',
      deviceId: null,
      domain: null,
      batchIndex: null,
      payload: 'x',
      payloadBytes: 1,
      payloadTruncated: false,
      payloadEncoding: 'utf8',
    });
    expect(items[2]).toEqual({
      id: 1,
      receivedAt: T0,
      reason: 'VALUE_OUT_OF_RANGE',
      detail: 'ph 15 pH is outside [0, 14]',
      topic: 'sensors/water/wtr-001/telemetry',
      clientId: 'wtr-001',
      deviceId: 'wtr-001',
      domain: 'water',
      batchIndex: 3,
      payload: '{"metrics":{"ph":15}}',
      payloadBytes: 21,
      payloadTruncated: false,
      payloadEncoding: 'utf8',
    });
  });

  it('does nothing for an empty insert', async () => {
    const repository = new DeadLetterRepository(store, 100, 4096);
    await repository.insertMany([]);
    expect(await repository.list({ limit: 10 })).toEqual({ items: [], matching: 0 });
    expect(await repository.totals()).toEqual({ byReason: {}, evicted: 0, stored: 0 });
  });

  it('stores a batch larger than one INSERT takes, ids in the order given', async () => {
    // 1,000 rows = chunks of 256, 256, 256, 128, 64, 32, 8.
    const repository = new DeadLetterRepository(store, 10_000, 4096);
    await repository.insertMany(Array.from({ length: 1000 }, (_, index) => letter({ receivedAt: T0 + index, reason: index % 2 === 0 ? 'TS_TOO_OLD' : 'SEQ_INVALID' })));
    const page = await repository.list({ limit: 1000 });
    expect(page.matching).toBe(1000);
    expect(page.items.map((item) => [item.id, item.receivedAt - T0])).toEqual(Array.from({ length: 1000 }, (_, index) => [1000 - index, 999 - index]));
    expect(await repository.totals()).toEqual({ byReason: { TS_TOO_OLD: 500, SEQ_INVALID: 500 }, evicted: 0, stored: 1000 });
  });

  describe('filters', () => {
    let repository: DeadLetterRepository;

    beforeEach(async () => {
      repository = new DeadLetterRepository(store, 100, 4096);
      // ids 1..6, one second apart
      await repository.insertMany([
        letter({ receivedAt: T0 + 0, deviceId: 'a', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 1000, deviceId: 'b', reason: 'TS_TOO_OLD' }),
        letter({ receivedAt: T0 + 2000, deviceId: 'a', reason: 'TS_TOO_OLD' }),
        letter({ receivedAt: T0 + 3000, deviceId: 'b', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 4000, deviceId: 'a', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 5000, deviceId: undefined, reason: 'TOPIC_INVALID' }),
      ]);
    });

    it('by reason', async () => {
      const result = await repository.list({ reason: 'VALUE_OUT_OF_RANGE', limit: 10 });
      expect(ids(result)).toEqual([5, 4, 1]);
      expect(result.matching).toBe(3);
    });

    it('by device, case-sensitive', async () => {
      const result = await repository.list({ deviceId: 'b', limit: 10 });
      expect(ids(result)).toEqual([4, 2]);
      expect(result.matching).toBe(2);
      expect(await repository.list({ deviceId: 'B', limit: 10 })).toEqual({ items: [], matching: 0 });
    });

    it('by receive time, from inclusive and to exclusive', async () => {
      const result = await repository.list({ from: T0 + 1000, to: T0 + 4000, limit: 10 });
      expect(ids(result)).toEqual([4, 3, 2]);
      expect(result.matching).toBe(3);
    });

    it('combined', async () => {
      const result = await repository.list({ reason: 'VALUE_OUT_OF_RANGE', deviceId: 'a', from: T0 + 1, limit: 10 });
      expect(ids(result)).toEqual([5]);
      expect(result.matching).toBe(1);
    });

    it('pages with limit and the before cursor; matching counts the whole filter, not the page', async () => {
      const first = await repository.list({ limit: 2 });
      expect(ids(first)).toEqual([6, 5]);
      expect(first.matching).toBe(6);
      const second = await repository.list({ limit: 2, beforeId: 5 });
      expect(ids(second)).toEqual([4, 3]);
      expect(second.matching).toBe(6);
      const last = await repository.list({ limit: 2, beforeId: 3 });
      expect(ids(last)).toEqual([2, 1]);
      expect((await repository.list({ limit: 2, beforeId: 1 })).items).toEqual([]);
    });

    it('pages within a filter', async () => {
      const result = await repository.list({ deviceId: 'a', beforeId: 5, limit: 10 });
      expect(ids(result)).toEqual([3, 1]);
      expect(result.matching).toBe(3);
    });

    it('pages without counting (page): the same items as list, filter and cursor alike', async () => {
      expect(await repository.page({ limit: 2, beforeId: 5 })).toEqual((await repository.list({ limit: 2, beforeId: 5 })).items);
      expect(ids(await repository.page({ deviceId: 'a', beforeId: 5, limit: 10 }))).toEqual([3, 1]);
      expect(await repository.page({ limit: 2, beforeId: 1 })).toEqual([]);
    });

    it('finds nothing for an unknown device', async () => {
      expect(await repository.list({ deviceId: 'zzz', limit: 10 })).toEqual({ items: [], matching: 0 });
    });

    it('counts stored letters per reason', async () => {
      expect(await repository.storedByReason()).toEqual({ VALUE_OUT_OF_RANGE: 3, TS_TOO_OLD: 2, TOPIC_INVALID: 1 });
    });
  });

  describe('payload bound', () => {
    const stored = async (payload: string | Uint8Array) => {
      const repository = new DeadLetterRepository(store, 100, 64);
      await repository.insertMany([letter({ payload })]);
      return (await repository.list({ limit: 1 })).items[0];
    };

    it('keeps a payload of exactly the bound whole', async () => {
      expect(await stored('p'.repeat(64))).toMatchObject({ payload: 'p'.repeat(64), payloadBytes: 64, payloadTruncated: false });
    });

    it('cuts a longer payload to the bound and records its true size', async () => {
      expect(await stored('p'.repeat(1000))).toMatchObject({ payload: 'p'.repeat(64), payloadBytes: 1000, payloadTruncated: true });
    });

    it('counts the bound in bytes and does not cut a character in half', async () => {
      // 62 ASCII bytes then "€" (3 bytes): the bound falls inside the euro sign.
      const kept = await stored('a'.repeat(62) + '€€');
      expect(kept).toMatchObject({ payload: 'a'.repeat(62), payloadBytes: 68, payloadTruncated: true });
      expect(Buffer.byteLength(kept.payload)).toBe(62);
    });

    it('keeps a 4-byte character that ends exactly at the bound', async () => {
      expect(await stored('a'.repeat(60) + '💧' + 'tail')).toMatchObject({ payload: 'a'.repeat(60) + '💧', payloadBytes: 68, payloadTruncated: true });
    });

    it('stores binary payloads as base64 (so a frame can be decoded again) beside their true size', async () => {
      const repository = new DeadLetterRepository(store, 100, 64);
      await repository.insertMany([letter({ payload: Uint8Array.from([0x00, 0xff, 0xfe, 0x41]) }), letter({ payload: new Uint8Array(100).fill(0xff) })]);
      const [long, short] = (await repository.list({ limit: 2 })).items;
      expect(short).toMatchObject({ payload: 'AP/+QQ==', payloadEncoding: 'base64', payloadBytes: 4, payloadTruncated: false });
      expect(long).toMatchObject({ payload: Buffer.alloc(64, 0xff).toString('base64'), payloadEncoding: 'base64', payloadBytes: 100, payloadTruncated: true });
    });

    it('keeps text the databases could mangle byte for byte: NUL-free control characters, CJK, quotes', async () => {
      const text = '{"v":"城关镇 \\u0001 \'q\' \t\r\n ☃"}\u0007';
      expect(await stored(text)).toMatchObject({ payload: text, payloadEncoding: 'utf8', payloadBytes: Buffer.byteLength(text) });
    });

    it('stores a payload holding a NUL byte as base64: PostgreSQL text cannot hold one', async () => {
      // Valid UTF-8 but not storable as PostgreSQL text; base64 on both dialects keeps them identical.
      expect(await stored(Uint8Array.from([0x41, 0x00, 0x42]))).toMatchObject({ payload: 'QQBC', payloadEncoding: 'base64', payloadBytes: 3 });
    });
  });

  it('stores a NUL in a client’s text as U+FFFD: one such letter must not stop every letter behind it on PostgreSQL', async () => {
    const repository = new DeadLetterRepository(store, 100, 4096);
    await repository.insertMany([letter({ clientId: 'a\u0000b', deviceId: 'd\u0000', detail: 'x\u0000y', topic: 'sensors/\u0000' })]);
    expect((await repository.list({ limit: 1 })).items[0]).toMatchObject({ clientId: 'a\uFFFDb', deviceId: 'd\uFFFD', detail: 'x\uFFFDy', topic: 'sensors/\uFFFD' });
  });

  describe('eviction', () => {
    it('evicts the oldest rows past maxRows and counts them; totals per reason survive', async () => {
      const repository = new DeadLetterRepository(store, 10, 4096);
      const reasons: RejectReason[] = ['TS_TOO_OLD', 'TS_TOO_OLD', 'TS_TOO_OLD', 'METRIC_UNKNOWN'];
      await repository.insertMany(reasons.map((reason, index) => letter({ reason, receivedAt: T0 + index })));
      await repository.insertMany(Array.from({ length: 9 }, (_, index) => letter({ reason: 'VALUE_OUT_OF_RANGE', receivedAt: T0 + 10 + index })));

      const { items, matching } = await repository.list({ limit: 100 });
      expect(matching).toBe(10);
      expect(ids(items)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
      expect(await repository.storedByReason()).toEqual({ METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9 });
      expect(await repository.totals()).toEqual({ byReason: { TS_TOO_OLD: 3, METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9 }, evicted: 3, stored: 10 });

      await repository.insertMany([letter({ reason: 'SEQ_INVALID' })]);
      expect(await repository.totals()).toEqual({ byReason: { TS_TOO_OLD: 3, METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9, SEQ_INVALID: 1 }, evicted: 4, stored: 10 });
      expect(ids(await repository.list({ limit: 100 })).at(-1)).toBe(5);
    });

    it('keeps only the newest maxRows when one insert alone exceeds the bound', async () => {
      const repository = new DeadLetterRepository(store, 10, 4096);
      await repository.insertMany(Array.from({ length: 25 }, (_, index) => letter({ receivedAt: T0 + index })));
      expect((await repository.list({ limit: 100 })).items.map((item) => item.receivedAt - T0)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
      expect(await repository.totals()).toEqual({ byReason: { VALUE_OUT_OF_RANGE: 25 }, evicted: 15, stored: 10 });
    });

    it('reads the row count back from the database, so the bound and the totals hold after a restart', async () => {
      const first = new DeadLetterRepository(store, 3, 4096);
      await first.insertMany([
        letter({ reason: 'TS_TOO_OLD', receivedAt: T0 }),
        letter({ reason: 'TS_TOO_OLD', receivedAt: T0 + 1 }),
        letter({ reason: 'METRIC_UNKNOWN', receivedAt: T0 + 2 }),
        letter({ reason: 'SEQ_INVALID', receivedAt: T0 + 3, payload: 'p'.repeat(5000) }),
      ]);
      const listedBefore = await first.list({ limit: 10 });

      const second = new DeadLetterRepository(store, 3, 4096);
      expect(await second.list({ limit: 10 })).toEqual(listedBefore);
      expect(listedBefore.items.map((item) => item.reason)).toEqual(['SEQ_INVALID', 'METRIC_UNKNOWN', 'TS_TOO_OLD']);
      expect(listedBefore.items[0]).toMatchObject({ payloadBytes: 5000, payloadTruncated: true });
      expect(await second.totals()).toEqual({ byReason: { TS_TOO_OLD: 2, METRIC_UNKNOWN: 1, SEQ_INVALID: 1 }, evicted: 1, stored: 3 });

      await second.insertMany([letter({ reason: 'BATCH_EMPTY', receivedAt: T0 + 4 })]);
      expect((await second.list({ limit: 10 })).items.map((item) => item.reason)).toEqual(['BATCH_EMPTY', 'SEQ_INVALID', 'METRIC_UNKNOWN']);
      expect(await second.totals()).toEqual({ byReason: { TS_TOO_OLD: 2, METRIC_UNKNOWN: 1, SEQ_INVALID: 1, BATCH_EMPTY: 1 }, evicted: 2, stored: 3 });
    });
  });

  it('prunes, in batches, the dead letters that arrived before the cutoff, keeps one at it, and keeps its row count right', async () => {
    const repository = new DeadLetterRepository(store, 100, 4096);
    await repository.insertMany([T0 + 5, T0 - 10, T0, T0 + 1, T0 - 1, T0 + 2].map((receivedAt) => letter({ receivedAt })));
    expect(await repository.pruneReceivedBefore(T0 + 2, 2)).toBe(2);
    expect((await repository.list({ limit: 10 })).items.map((item) => item.receivedAt - T0)).toEqual([2, 1, 0, 5]);
    expect(await repository.pruneReceivedBefore(T0 + 2, 2)).toBe(2);
    expect(await repository.pruneReceivedBefore(T0 + 2, 2)).toBe(0);
    expect((await repository.list({ limit: 10 })).items.map((item) => item.receivedAt - T0)).toEqual([2, 5]);
    // Pruning is not eviction: the evicted count stays 0, the stored count follows.
    expect(await repository.totals()).toMatchObject({ evicted: 0, stored: 2 });
  });

  describe('scoped', () => {
    const register = (deviceId: string, town: string | null, village: string | null = null) =>
      store.db.insertInto('registry_devices').values({ device_id: deviceId, domain: 'water', town, village, site: null, latitude: null, longitude: null, expected_interval_s: null, secret_hash: null, secret_issued_at: null, first_seen_address: null, created_at: T0, created_by: 'test', updated_at: T0, gateway_id: null, profile_id: null, dev_eui: null }).execute();

    it('lists only what a scope covers: by domain, and by the device’s town from the registry', async () => {
      await register('wtr-001', 'Ashford');
      await register('gas-7', 'Brook');
      const repository = new DeadLetterRepository(store, 100, 4096);
      await repository.insertMany([
        letter({ deviceId: 'wtr-001', domain: 'water' }),
        letter({ deviceId: 'gas-7', domain: 'gas', topic: 'sensors/gas/gas-7/telemetry' }),
        letter({ deviceId: 'wtr-404', domain: 'water', topic: 'sensors/water/wtr-404/telemetry' }),
        letter({ deviceId: undefined, domain: undefined, reason: 'TOPIC_INVALID', topic: 'sensors/oops' }),
      ]);
      const devices = async (within: { towns: string[]; domains: ('water' | 'gas')[] }) => {
        const page = await repository.list({ within, limit: 10 });
        return [page.matching, page.items.map((item) => item.deviceId)];
      };
      expect(await devices({ towns: [], domains: [] })).toEqual([4, [null, 'wtr-404', 'gas-7', 'wtr-001']]);
      expect(await devices({ towns: [], domains: ['water'] })).toEqual([2, ['wtr-404', 'wtr-001']]);
      expect(await devices({ towns: ['Ashford'], domains: [] })).toEqual([1, ['wtr-001']]);
      expect(await devices({ towns: ['Ashford', 'Brook'], domains: ['gas'] })).toEqual([1, ['gas-7']]);
      expect(await devices({ towns: ['ashford'], domains: [] })).toEqual([0, []]);
    });

    it('a town covers its villages, a village only itself; names are matched exactly, never as patterns', async () => {
      await register('d-town', 'Ashford');
      await register('d-mill', 'Ashford', 'Mill');
      await register('d-millbrook', 'Ashford', 'Millbrook');
      await register('d-pct', '50%_Ash');
      await register('d-ash2', 'Ashford2');
      await register('d-cjk', '城关镇', '东街');
      await register('d-none', null);
      const repository = new DeadLetterRepository(store, 100, 4096);
      const devices = ['d-town', 'd-mill', 'd-millbrook', 'd-pct', 'd-ash2', 'd-cjk', 'd-none', 'unregistered'];
      await repository.insertMany(devices.map((deviceId) => letter({ deviceId })));
      const within = async (...towns: string[]) => {
        const filter = { within: { towns, domains: [] }, limit: 100 };
        const page = await repository.list(filter);
        expect(await repository.page(filter)).toEqual(page.items);
        return [page.matching, page.items.map((item) => item.deviceId).reverse()];
      };
      expect(await within('Ashford')).toEqual([3, ['d-town', 'd-mill', 'd-millbrook']]);
      expect(await within('Ashford/Mill')).toEqual([1, ['d-mill']]);
      expect(await within('Ashford/Mil')).toEqual([0, []]);
      expect(await within('50%_Ash')).toEqual([1, ['d-pct']]);
      expect(await within('50%')).toEqual([0, []]);
      expect(await within('城关镇')).toEqual([1, ['d-cjk']]);
      expect(await within('城关镇/东街', 'Ashford2')).toEqual([2, ['d-ash2', 'd-cjk']]);
      // Scope and the other filters together, with the cursor (matching counts the filter, not what is after the cursor).
      const page = await repository.list({ within: { towns: ['Ashford'], domains: ['water'] }, beforeId: 3, limit: 1 });
      expect([page.matching, page.items.map((item) => item.deviceId)]).toEqual([3, ['d-mill']]);
    });
  });

  describe('through the DeadLetterWriter', () => {
    /** The repository's transactions, each as the number of letters it held; `hold` keeps the first one from starting. */
    function counted(repository: DeadLetterRepository, hold?: Promise<void>) {
      const batches: number[] = [];
      const sink = {
        prepare: (input: NewDeadLetter) => repository.prepare(input),
        insertPrepared: async (letters: readonly PreparedDeadLetter[]) => {
          batches.push(letters.length);
          if (batches.length === 1 && hold !== undefined) await hold;
          await repository.insertPrepared(letters);
        },
      };
      return { batches, writer: new DeadLetterWriter(sink, SILENT_LOGGER, { maxBufferedLetters: 1000, maxBufferedBytes: 1 << 24, retryMinMs: 5, retryMaxMs: 20 }) };
    }

    it('commits the calls of one tick in one transaction, and those that come while it runs in the next', async () => {
      const repository = new DeadLetterRepository(store, 100, 4096);
      let release = (): void => undefined;
      const { batches, writer } = counted(repository, new Promise<void>((resolve) => (release = resolve)));
      const first = [writer.record([letter({ receivedAt: T0 })]), writer.record([letter({ receivedAt: T0 + 1, reason: 'TS_TOO_OLD' }), letter({ receivedAt: T0 + 2 })])];
      const committed: number[] = [];
      first.forEach((promise, index) => void promise.then(() => committed.push(index)));
      await new Promise((resolve) => setImmediate(resolve));
      // While the first transaction is held, five calls from five separate ticks.
      const second: Promise<void>[] = [];
      for (let index = 0; index < 5; index++) {
        second.push(writer.record([letter({ receivedAt: T0 + 10 + index, reason: 'SEQ_INVALID' })]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(batches).toEqual([3]);
      expect(committed).toEqual([]);
      expect(await repository.list({ limit: 100 })).toEqual({ items: [], matching: 0 });
      release();
      await Promise.all([...first, ...second]);
      expect(batches).toEqual([3, 5]);
      expect((await repository.list({ limit: 100 })).items.map((item) => [item.id, item.receivedAt - T0])).toEqual([
        [8, 14], [7, 13], [6, 12], [5, 11], [4, 10], [3, 2], [2, 1], [1, 0],
      ]);
      expect(await repository.totals()).toEqual({ byReason: { VALUE_OUT_OF_RANGE: 2, TS_TOO_OLD: 1, SEQ_INVALID: 5 }, evicted: 0, stored: 8 });
    });

    it('evicts per batch exactly as letter-by-letter inserts would count it', async () => {
      const repository = new DeadLetterRepository(store, 4, 4096);
      const { batches, writer } = counted(repository);
      await Promise.all(Array.from({ length: 7 }, (_, index) => writer.record([letter({ receivedAt: T0 + index })])));
      await writer.record([letter({ receivedAt: T0 + 7, reason: 'BATCH_EMPTY' })]);
      expect(batches).toEqual([7, 1]);
      expect((await repository.list({ limit: 10 })).items.map((item) => item.receivedAt - T0)).toEqual([7, 6, 5, 4]);
      expect(await repository.totals()).toEqual({ byReason: { VALUE_OUT_OF_RANGE: 7, BATCH_EMPTY: 1 }, evicted: 4, stored: 4 });
    });

    it('keeps retrying while the table is unreachable and resolves only once the letters are committed, once', async () => {
      const repository = new DeadLetterRepository(store, 100, 4096);
      await repository.insertMany([letter({ receivedAt: T0 })]);
      const failures: unknown[] = [];
      const logger = { ...SILENT_LOGGER, error: (entry: unknown) => void failures.push(entry) };
      const writer = new DeadLetterWriter(repository, logger, { maxBufferedLetters: 1000, maxBufferedBytes: 1 << 24, retryMinMs: 5, retryMaxMs: 20 });
      await sql`ALTER TABLE dead_letters RENAME TO dead_letters_away`.execute(store.db);
      let committed = false;
      const recorded = writer.record([letter({ receivedAt: T0 + 1, reason: 'SEQ_INVALID' })]).then(() => (committed = true));
      while (failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(committed).toBe(false);
      await sql`ALTER TABLE dead_letters_away RENAME TO dead_letters`.execute(store.db);
      await recorded;
      expect((await repository.list({ limit: 10 })).items.map((item) => [item.id, item.reason])).toEqual([[2, 'SEQ_INVALID'], [1, 'VALUE_OUT_OF_RANGE']]);
      expect(await repository.totals()).toEqual({ byReason: { VALUE_OUT_OF_RANGE: 1, SEQ_INVALID: 1 }, evicted: 0, stored: 2 });
      expect(failures).toEqual([expect.objectContaining({ msg: 'Could not store dead letters; their messages are not acknowledged until they are', letters: 1, failures: 1 })]);
    });
  });
});
