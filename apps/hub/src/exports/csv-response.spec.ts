import type { Response } from 'express';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfluxQueryError } from '@hub/influx';
import type { CsvExport } from './csv-export';
import { sendCsv, type ExportOutcome } from './csv-response';

const PIECE = 'x'.repeat(128 * 1024 - 2) + '\r\n';
const PIECES = 400;

/** A source of PIECES pieces that counts how many were pulled and whether it was closed or aborted. */
class Source implements CsvExport {
  readonly fileName = 'readings-test.csv';
  readonly headers = { 'X-Hub-Resolution': '1m' };
  pulled = 0;
  closed = false;
  signal: AbortSignal | undefined;

  constructor(private readonly failAt: number | null = null) {}

  async *pieces(signal: AbortSignal): AsyncGenerator<string> {
    this.signal = signal;
    try {
      for (let index = 0; index < PIECES; index++) {
        if (index === this.failAt) throw index === 0 ? new InfluxQueryError('query to http://influx failed: ECONNREFUSED') : new Error('InfluxDB went away');
        this.pulled++;
        yield PIECE;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.closed = true;
    }
  }
}

describe('sendCsv (streaming with backpressure)', () => {
  let server: Server;
  let source: Source;
  let outcome: Promise<ExportOutcome | { thrown: unknown }>;
  const logged: unknown[] = [];

  let stopping: AbortController;

  async function start(make: () => Source): Promise<string> {
    stopping = new AbortController();
    server = createServer((_request, res) => {
      source = make();
      const response = Object.assign(res, { status: (code: number) => ((res.statusCode = code), response) }) as unknown as Response;
      outcome = sendCsv(response, source, { log: (message: unknown) => logged.push(message), error: (message: unknown) => logged.push(message) }, stopping.signal).catch((thrown: unknown) => {
        res.statusCode = 503;
        res.end();
        return { thrown };
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = (url: string): Promise<IncomingMessage> => new Promise((resolve, reject) => get(url, resolve).on('error', reject));
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('pulls the source only as fast as the client reads: a paused client holds the export at a few MB, then gets every byte', async () => {
    const response = await open(await start(() => new Source()));
    expect([response.statusCode, response.headers['content-type'], response.headers['content-disposition'], response.headers['x-hub-resolution']]).toEqual([
      200,
      'text/csv; charset=utf-8',
      'attachment; filename="readings-test.csv"',
      '1m',
    ]);
    response.pause();
    await pause(400);
    // 400 pieces of 128 KiB (50 MB) are waiting; what left the source is what the socket buffers (kernel and Node) hold.
    const pulledWhilePaused = source.pulled;
    expect(pulledWhilePaused).toBeLessThan(100);
    await pause(200);
    expect(source.pulled).toBe(pulledWhilePaused);
    let bytes = 0;
    response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(bytes).toBe(PIECES * PIECE.length);
    expect(await outcome).toEqual({ outcome: 'complete', bytes: PIECES * PIECE.length });
    expect(source.closed).toBe(true);
  }, 20_000);

  it('aborts the source when the client goes away midway', async () => {
    const response = await open(await start(() => new Source()));
    await new Promise((resolve) => response.once('data', resolve));
    response.destroy();
    expect(await outcome).toMatchObject({ outcome: 'client-gone' });
    expect(source.signal?.aborted).toBe(true);
    expect(source.closed).toBe(true);
    expect(source.pulled).toBeLessThan(PIECES);
  });

  it('cuts an export short when the hub stops, so closing the HTTP server does not wait for it', async () => {
    const response = await open(await start(() => new Source()));
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    const ended = new Promise<string>((resolve) => {
      response.on('end', () => resolve('end'));
      response.on('error', () => resolve('error'));
      response.on('aborted', () => resolve('aborted'));
    });
    stopping.abort();
    expect(await outcome).toMatchObject({ outcome: 'failed' });
    expect(source.signal?.aborted).toBe(true);
    expect(source.closed).toBe(true);
    response.resume();
    expect(await ended).not.toBe('end');
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'Export cut short: the hub is stopping' }));
  });

  it('rejects with the source’s error when it fails before its first piece, having sent nothing (the controller answers 503)', async () => {
    const response = await open(await start(() => new Source(0)));
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toBeUndefined();
    const result = await outcome;
    expect(result).toEqual({ thrown: new InfluxQueryError('query to http://influx failed: ECONNREFUSED') });
  });

  it('cuts the response short when the source fails after the first byte, so the download fails rather than looking complete', async () => {
    const response = await open(await start(() => new Source(5)));
    expect(response.statusCode).toBe(200);
    const ended = await new Promise<string>((resolve) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve('end'));
      response.on('error', () => resolve('error'));
      response.on('aborted', () => resolve('aborted'));
    });
    expect(ended).not.toBe('end');
    expect(await outcome).toMatchObject({ outcome: 'failed', bytes: 5 * PIECE.length });
  });
});
