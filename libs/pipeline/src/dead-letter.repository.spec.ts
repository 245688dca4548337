import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RejectReason } from '@hub/contract';
import { DeadLetterRepository, NewDeadLetter } from './dead-letter.repository';
import { openSqliteDatabase, SqliteDatabase } from '@hub/store';

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
/** A registry that places no device in a town. */
const noTowns = (): null => null;

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

describe('DeadLetterRepository', () => {
  let db: SqliteDatabase;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
  });

  afterEach(() => {
    db.close();
  });

  it('stores every field and lists newest first', () => {
    const repository = new DeadLetterRepository(db, 100, 4096, noTowns);
    repository.insertMany([
      letter({ receivedAt: T0, batchIndex: 3 }),
      letter({ receivedAt: T0 + 1, reason: 'TOPIC_INVALID', detail: 'bad topic', topic: 'sensors/oops', clientId: 'gw-9', deviceId: undefined, domain: undefined, payload: 'x' }),
    ]);
    repository.insertMany([letter({ receivedAt: T0 + 2, reason: 'METRIC_UNKNOWN', detail: '"flux" is not a water metric', payload: '{"metrics":{"flux":1}}' })]);

    const { items, matching } = repository.list({ limit: 10 });
    expect(matching).toBe(3);
    expect(items.map((item) => item.id)).toEqual([3, 2, 1]);
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

  it('does nothing for an empty insert', () => {
    const repository = new DeadLetterRepository(db, 100, 4096, noTowns);
    repository.insertMany([]);
    expect(repository.list({ limit: 10 })).toEqual({ items: [], matching: 0 });
    expect(repository.totals()).toEqual({ byReason: {}, evicted: 0, stored: 0 });
  });

  describe('filters', () => {
    let repository: DeadLetterRepository;

    beforeEach(() => {
      repository = new DeadLetterRepository(db, 100, 4096, noTowns);
      // ids 1..6, one second apart
      repository.insertMany([
        letter({ receivedAt: T0 + 0, deviceId: 'a', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 1000, deviceId: 'b', reason: 'TS_TOO_OLD' }),
        letter({ receivedAt: T0 + 2000, deviceId: 'a', reason: 'TS_TOO_OLD' }),
        letter({ receivedAt: T0 + 3000, deviceId: 'b', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 4000, deviceId: 'a', reason: 'VALUE_OUT_OF_RANGE' }),
        letter({ receivedAt: T0 + 5000, deviceId: undefined, reason: 'TOPIC_INVALID' }),
      ]);
    });

    const ids = (result: { items: { id: number }[] }) => result.items.map((item) => item.id);

    it('by reason', () => {
      const result = repository.list({ reason: 'VALUE_OUT_OF_RANGE', limit: 10 });
      expect(ids(result)).toEqual([5, 4, 1]);
      expect(result.matching).toBe(3);
    });

    it('by device', () => {
      const result = repository.list({ deviceId: 'b', limit: 10 });
      expect(ids(result)).toEqual([4, 2]);
      expect(result.matching).toBe(2);
    });

    it('by receive time, from inclusive and to exclusive', () => {
      const result = repository.list({ from: T0 + 1000, to: T0 + 4000, limit: 10 });
      expect(ids(result)).toEqual([4, 3, 2]);
      expect(result.matching).toBe(3);
    });

    it('combined', () => {
      const result = repository.list({ reason: 'VALUE_OUT_OF_RANGE', deviceId: 'a', from: T0 + 1, limit: 10 });
      expect(ids(result)).toEqual([5]);
      expect(result.matching).toBe(1);
    });

    it('pages with limit and the before cursor; matching counts the whole filter, not the page', () => {
      const first = repository.list({ limit: 2 });
      expect(ids(first)).toEqual([6, 5]);
      expect(first.matching).toBe(6);
      const second = repository.list({ limit: 2, beforeId: 5 });
      expect(ids(second)).toEqual([4, 3]);
      expect(second.matching).toBe(6);
      const last = repository.list({ limit: 2, beforeId: 3 });
      expect(ids(last)).toEqual([2, 1]);
      expect(repository.list({ limit: 2, beforeId: 1 }).items).toEqual([]);
    });

    it('pages within a filter', () => {
      const result = repository.list({ deviceId: 'a', beforeId: 5, limit: 10 });
      expect(ids(result)).toEqual([3, 1]);
      expect(result.matching).toBe(3);
    });

    it('pages without counting (page): the same items as list, filter and cursor alike', () => {
      expect(repository.page({ limit: 2, beforeId: 5 })).toEqual(repository.list({ limit: 2, beforeId: 5 }).items);
      expect(repository.page({ deviceId: 'a', beforeId: 5, limit: 10 }).map((letter) => letter.id)).toEqual([3, 1]);
      expect(repository.page({ limit: 2, beforeId: 1 })).toEqual([]);
    });

    it('finds nothing for an unknown device', () => {
      expect(repository.list({ deviceId: 'zzz', limit: 10 })).toEqual({ items: [], matching: 0 });
    });

    it('counts stored letters per reason', () => {
      expect(repository.storedByReason()).toEqual({ VALUE_OUT_OF_RANGE: 3, TS_TOO_OLD: 2, TOPIC_INVALID: 1 });
    });
  });

  describe('payload bound', () => {
    it('keeps a payload of exactly the bound whole', () => {
      const repository = new DeadLetterRepository(db, 100, 64, noTowns);
      repository.insertMany([letter({ payload: 'p'.repeat(64) })]);
      expect(repository.list({ limit: 1 }).items[0]).toMatchObject({ payload: 'p'.repeat(64), payloadBytes: 64, payloadTruncated: false });
    });

    it('cuts a longer payload to the bound and records its true size', () => {
      const repository = new DeadLetterRepository(db, 100, 64, noTowns);
      repository.insertMany([letter({ payload: 'p'.repeat(1000) })]);
      expect(repository.list({ limit: 1 }).items[0]).toMatchObject({ payload: 'p'.repeat(64), payloadBytes: 1000, payloadTruncated: true });
    });

    it('counts the bound in bytes and does not cut a character in half', () => {
      const repository = new DeadLetterRepository(db, 100, 64, noTowns);
      // 62 ASCII bytes then "€" (3 bytes): the bound falls inside the euro sign.
      const payload = 'a'.repeat(62) + '€€';
      repository.insertMany([letter({ payload })]);
      const stored = repository.list({ limit: 1 }).items[0];
      expect(stored).toMatchObject({ payload: 'a'.repeat(62), payloadBytes: 68, payloadTruncated: true });
      expect(Buffer.byteLength(stored.payload)).toBeLessThanOrEqual(64);
    });

    it('keeps a 4-byte character that ends exactly at the bound', () => {
      const repository = new DeadLetterRepository(db, 100, 64, noTowns);
      const payload = 'a'.repeat(60) + '💧' + 'tail';
      repository.insertMany([letter({ payload })]);
      expect(repository.list({ limit: 1 }).items[0]).toMatchObject({ payload: 'a'.repeat(60) + '💧', payloadBytes: 68, payloadTruncated: true });
    });

    it('stores binary payloads as base64 (so a frame can be decoded again) beside their true size', () => {
      const repository = new DeadLetterRepository(db, 100, 64, noTowns);
      repository.insertMany([
        letter({ payload: Uint8Array.from([0x00, 0xff, 0xfe, 0x41]) }),
        letter({ payload: new Uint8Array(100).fill(0xff) }),
      ]);
      const [long, short] = repository.list({ limit: 2 }).items;
      expect(short).toMatchObject({ payload: 'AP/+QQ==', payloadEncoding: 'base64', payloadBytes: 4, payloadTruncated: false });
      expect(long).toMatchObject({ payload: Buffer.alloc(64, 0xff).toString('base64'), payloadEncoding: 'base64', payloadBytes: 100, payloadTruncated: true });
    });
  });

  describe('eviction', () => {
    it('evicts the oldest rows past maxRows and counts them; totals per reason survive', () => {
      const repository = new DeadLetterRepository(db, 10, 4096, noTowns);
      const reasons: RejectReason[] = ['TS_TOO_OLD', 'TS_TOO_OLD', 'TS_TOO_OLD', 'METRIC_UNKNOWN'];
      repository.insertMany(reasons.map((reason, index) => letter({ reason, receivedAt: T0 + index })));
      repository.insertMany(Array.from({ length: 9 }, (_, index) => letter({ reason: 'VALUE_OUT_OF_RANGE', receivedAt: T0 + 10 + index })));

      const { items, matching } = repository.list({ limit: 100 });
      expect(matching).toBe(10);
      expect(items.map((item) => item.id)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
      expect(repository.storedByReason()).toEqual({ METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9 });
      expect(repository.totals()).toEqual({ byReason: { TS_TOO_OLD: 3, METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9 }, evicted: 3, stored: 10 });

      repository.insertMany([letter({ reason: 'SEQ_INVALID' })]);
      expect(repository.totals()).toEqual({ byReason: { TS_TOO_OLD: 3, METRIC_UNKNOWN: 1, VALUE_OUT_OF_RANGE: 9, SEQ_INVALID: 1 }, evicted: 4, stored: 10 });
      expect(repository.list({ limit: 100 }).items.map((item) => item.id).at(-1)).toBe(5);
    });

    it('keeps only the newest maxRows when one insert alone exceeds the bound', () => {
      const repository = new DeadLetterRepository(db, 10, 4096, noTowns);
      repository.insertMany(Array.from({ length: 25 }, (_, index) => letter({ receivedAt: T0 + index })));
      expect(repository.list({ limit: 100 }).items.map((item) => item.receivedAt - T0)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
      expect(repository.totals()).toEqual({ byReason: { VALUE_OUT_OF_RANGE: 25 }, evicted: 15, stored: 10 });
    });
  });
});

describe('DeadLetterRepository across a restart', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dead-letters-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps rows, totals and the eviction count in the database file', () => {
    const file = join(dir, 'nested', 'hub.sqlite');
    const before = openSqliteDatabase(file);
    const first = new DeadLetterRepository(before, 3, 4096, noTowns);
    first.insertMany([
      letter({ reason: 'TS_TOO_OLD', receivedAt: T0 }),
      letter({ reason: 'TS_TOO_OLD', receivedAt: T0 + 1 }),
      letter({ reason: 'METRIC_UNKNOWN', receivedAt: T0 + 2 }),
      letter({ reason: 'SEQ_INVALID', receivedAt: T0 + 3, payload: 'p'.repeat(5000) }),
    ]);
    const listedBefore = first.list({ limit: 10 });
    before.close();

    const after = openSqliteDatabase(file);
    try {
      const second = new DeadLetterRepository(after, 3, 4096, noTowns);
      expect(second.list({ limit: 10 })).toEqual(listedBefore);
      expect(listedBefore.items.map((item) => item.reason)).toEqual(['SEQ_INVALID', 'METRIC_UNKNOWN', 'TS_TOO_OLD']);
      expect(listedBefore.items[0]).toMatchObject({ payloadBytes: 5000, payloadTruncated: true });
      expect(second.totals()).toEqual({ byReason: { TS_TOO_OLD: 2, METRIC_UNKNOWN: 1, SEQ_INVALID: 1 }, evicted: 1, stored: 3 });

      // The row count is read back from the file, so the bound still holds after the restart.
      second.insertMany([letter({ reason: 'BATCH_EMPTY', receivedAt: T0 + 4 })]);
      expect(second.list({ limit: 10 }).items.map((item) => item.reason)).toEqual(['BATCH_EMPTY', 'SEQ_INVALID', 'METRIC_UNKNOWN']);
      expect(second.totals()).toEqual({ byReason: { TS_TOO_OLD: 2, METRIC_UNKNOWN: 1, SEQ_INVALID: 1, BATCH_EMPTY: 1 }, evicted: 2, stored: 3 });
    } finally {
      after.close();
    }
  });

});

describe('DeadLetterRepository pruning by age', () => {
  it('deletes, in batches, the dead letters that arrived before the cutoff, keeps one at it, and keeps its row count right', () => {
    const db = openSqliteDatabase(':memory:');
    const repository = new DeadLetterRepository(db, 100, 4096, noTowns);
    repository.insertMany([T0 + 5, T0 - 10, T0, T0 + 1, T0 - 1, T0 + 2].map((receivedAt) => letter({ receivedAt })));
    expect(repository.pruneReceivedBefore(T0 + 2, 2)).toBe(2);
    expect(repository.list({ limit: 10 }).items.map((item) => item.receivedAt - T0)).toEqual([2, 1, 0, 5]);
    expect(repository.pruneReceivedBefore(T0 + 2, 2)).toBe(2);
    expect(repository.pruneReceivedBefore(T0 + 2, 2)).toBe(0);
    expect(repository.list({ limit: 10 }).items.map((item) => item.receivedAt - T0)).toEqual([2, 5]);
    // Pruning is not eviction: the evicted count stays 0, the stored count follows.
    expect(repository.totals()).toMatchObject({ evicted: 0, stored: 2 });
    db.close();
  });
});

describe('DeadLetterRepository scoped', () => {
  it('lists only what a scope covers: by domain, and by the device’s town from the registry lookup', () => {
    const db = openSqliteDatabase(':memory:');
    const towns: Record<string, string> = { 'wtr-001': 'Ashford', 'gas-7': 'Brook' };
    const repository = new DeadLetterRepository(db, 100, 4096, (deviceId) => towns[deviceId] ?? null);
    repository.insertMany([
      letter({ deviceId: 'wtr-001', domain: 'water' }),
      letter({ deviceId: 'gas-7', domain: 'gas', topic: 'sensors/gas/gas-7/telemetry' }),
      letter({ deviceId: 'wtr-404', domain: 'water', topic: 'sensors/water/wtr-404/telemetry' }),
      letter({ deviceId: undefined, domain: undefined, reason: 'TOPIC_INVALID', topic: 'sensors/oops' }),
    ]);
    const devices = (within: { towns: string[]; domains: ('water' | 'gas')[] }) => {
      const page = repository.list({ within, limit: 10 });
      return [page.matching, page.items.map((item) => item.deviceId)];
    };
    expect(devices({ towns: [], domains: [] })).toEqual([4, [null, 'wtr-404', 'gas-7', 'wtr-001']]);
    expect(devices({ towns: [], domains: ['water'] })).toEqual([2, ['wtr-404', 'wtr-001']]);
    expect(devices({ towns: ['Ashford'], domains: [] })).toEqual([1, ['wtr-001']]);
    expect(devices({ towns: ['Ashford', 'Brook'], domains: ['gas'] })).toEqual([1, ['gas-7']]);
  });
});
