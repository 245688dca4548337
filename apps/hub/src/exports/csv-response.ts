import type { LoggerService } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CsvExport } from './csv-export';

/** How a streamed export ended, for the log and the metrics. */
export type ExportOutcome = { readonly outcome: 'complete'; readonly bytes: number } | { readonly outcome: 'client-gone' | 'failed'; readonly bytes: number; readonly error?: unknown };

/**
 * Streams an export into the response. Nothing is built in memory: pieces are pulled from the export only as fast as
 * the client takes them (stream.pipeline waits whenever `res.write()` answers false), and the export pulls its source
 * (InfluxDB's chunked answer, SQLite pages) only when asked, so a slow client slows InfluxDB down rather than filling
 * the heap. A client that goes away aborts the InfluxDB query at once (the signal), not at its next piece.
 *
 * The first piece is awaited before any header is sent: a source that fails then rejects sendCsv with its error, which
 * the caller answers like any other read's (InfluxDB down: 503). After that the status is sent; a failure then can only cut the response short (the
 * connection is reset, so the client sees a failed download, never a file that looks complete).
 */
export async function sendCsv(res: Response, csv: CsvExport, log: Pick<LoggerService, 'log' | 'error'>, stopping?: AbortSignal): Promise<ExportOutcome> {
  const abort = new AbortController();
  const onClose = (): void => abort.abort();
  res.once('close', onClose);
  // The hub stopping: the export is cut short like a failed one (the HTTP server waits for open responses to end).
  const onStopping = (): void => {
    abort.abort();
    res.destroy(new Error('The hub is stopping'));
  };
  stopping?.addEventListener('abort', onStopping, { once: true });
  const pieces = csv.pieces(abort.signal);
  let first: IteratorResult<string>;
  try {
    first = await pieces.next();
  } catch (error) {
    res.off('close', onClose);
    stopping?.removeEventListener('abort', onStopping);
    throw error;
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${csv.fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(csv.headers ?? {})) res.setHeader(name, value);
  let bytes = 0;
  async function* all(): AsyncGenerator<Buffer> {
    if (first.done !== true) yield counted(first.value);
    for await (const piece of { [Symbol.asyncIterator]: () => pieces }) yield counted(piece);
  }
  const counted = (piece: string): Buffer => {
    const buffer = Buffer.from(piece, 'utf8');
    bytes += buffer.length;
    return buffer;
  };
  try {
    // objectMode off: the readable's highWaterMark counts bytes (16 KiB), so at most a piece or two wait in it.
    await pipeline(Readable.from(all(), { objectMode: false }), res);
    return { outcome: 'complete', bytes };
  } catch (error) {
    if (stopping?.aborted === true) {
      log.log({ msg: 'Export cut short: the hub is stopping', file: csv.fileName, bytes });
      return { outcome: 'failed', bytes, error };
    }
    if (abort.signal.aborted && !res.writableFinished) {
      log.log({ msg: 'Export ended by the client before it was complete', file: csv.fileName, bytes });
      return { outcome: 'client-gone', bytes, error };
    }
    log.error({ msg: 'Export failed midway; the response was cut short', file: csv.fileName, bytes, error });
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return { outcome: 'failed', bytes, error };
  } finally {
    res.off('close', onClose);
    stopping?.removeEventListener('abort', onStopping);
    // The source is closed before this returns (its InfluxDB request ended): the abort settles whatever it awaits.
    abort.abort();
    await pieces.return(undefined).catch(() => undefined);
  }
}
