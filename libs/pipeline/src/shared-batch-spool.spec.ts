import { SILENT_LOGGER } from '@hub/common';
import { SpoolFullError } from '@hub/spool';
import { SharedBatchSpool } from './shared-batch-spool';
import { BatchSpool, SpoolPlace } from './spool-port';

class LocalSpool implements BatchSpool {
  readonly batches: string[] = [];
  full = false;
  async appendPayload(payload: Buffer): Promise<SpoolPlace> {
    if (this.full) throw new SpoolFullError(1024, 1024);
    this.batches.push(payload.toString('utf8'));
    return 'local';
  }
}

class SharedTable {
  readonly rows: { nodeId: string; payload: string; lines: number }[] = [];
  failure: Error | null = null;
  hang = false;
  async append(nodeId: string, payload: string, lines: number): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    if (this.failure) throw this.failure;
    this.rows.push({ nodeId, payload, lines });
  }
}

const payload = (text: string) => Buffer.from(text, 'utf8');

describe('SharedBatchSpool', () => {
  let shared: SharedTable;
  let local: LocalSpool;
  let spool: SharedBatchSpool;
  beforeEach(() => {
    shared = new SharedTable();
    local = new LocalSpool();
    spool = new SharedBatchSpool(shared, 'node-a', local, SILENT_LOGGER, 50);
  });

  it('commits a batch to the shared spool under this node\'s id, and nowhere else', async () => {
    expect(await spool.appendPayload(payload('a 1\nb 2'), 2)).toBe('shared');
    expect(shared.rows).toEqual([{ nodeId: 'node-a', payload: 'a 1\nb 2', lines: 2 }]);
    expect(local.batches).toEqual([]);
  });

  it('falls back to the local spool while PostgreSQL is unreachable or fails, and returns to the shared one after', async () => {
    shared.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(await spool.appendPayload(payload('a 1'), 1)).toBe('local');
    shared.failure = new Error('relation "ingest_spool" does not exist');
    expect(await spool.appendPayload(payload('b 2'), 1)).toBe('local');
    shared.failure = null;
    expect(await spool.appendPayload(payload('c 3'), 1)).toBe('shared');
    expect(local.batches).toEqual(['a 1', 'b 2']);
    expect(shared.rows.map((row) => row.payload)).toEqual(['c 3']);
  });

  it('falls back to the local spool when the shared one does not answer in time', async () => {
    shared.hang = true;
    expect(await spool.appendPayload(payload('a 1'), 1)).toBe('local');
    expect(local.batches).toEqual(['a 1']);
  });

  it('refuses as the local spool does when both fail: "full" stays recognisable to the writer', async () => {
    shared.failure = new Error('down');
    local.full = true;
    await expect(spool.appendPayload(payload('a 1'), 1)).rejects.toBeInstanceOf(SpoolFullError);
  });
});
