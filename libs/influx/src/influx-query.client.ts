import type { InfluxConfig } from '@hub/config';
import { describeInfluxFailure, FORM_HEADERS, InfluxHttp } from './influx-http';

/** InfluxQL answers numbers, strings, booleans (e.g. SHOW RETENTION POLICIES' `default`) and null for gaps. */
export type InfluxValue = number | string | boolean | null;

export interface InfluxSeries {
  /** The measurement; '' for results that have none (SHOW SERIES). */
  readonly name: string;
  /** Present with GROUP BY. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: string[];
  readonly values: InfluxValue[][];
}

/** How long a streamed answer may stall before it counts as failed: longer than any pause of a client still reading. */
const STREAM_IDLE_TIMEOUT_MS = 300_000;

/** A query the server refused or could not be sent; `serverMessage` is the server's own text when it answered. */
export class InfluxQueryError extends Error {
  constructor(
    message: string,
    readonly serverMessage?: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfluxQueryError';
  }
}

/**
 * InfluxQL over `/query`, for reads in tests, health checks and the console. InfluxDB 1.x serves it natively;
 * 2.x and 3.x serve it on the same path with db = bucket and token auth. Times come back as epoch milliseconds.
 */
export class InfluxQueryClient {
  private readonly http: InfluxHttp;
  private readonly streamHttp: InfluxHttp;
  private readonly path: string;

  constructor(config: InfluxConfig) {
    const database = config.api === 'v1' ? config.database : config.bucket;
    const credentials = config.api === 'v1' ? config : { token: config.token };
    this.http = new InfluxHttp(config.url, config.timeoutMs, credentials);
    // The transport's timeout is the socket's idle time. A stream is idle while its consumer is slow (the export's
    // client reads slowly, so we stop reading InfluxDB, which waits: 1.x has no write timeout), which is no failure.
    this.streamHttp = new InfluxHttp(config.url, Math.max(config.timeoutMs, STREAM_IDLE_TIMEOUT_MS), credentials);
    this.path = `/query?${new URLSearchParams({ db: database, epoch: 'ms' })}`;
  }

  /** Series of every statement, in order. POST, because 1.x refuses CREATE/DROP/ALTER over GET. */
  async query(influxql: string): Promise<InfluxSeries[]> {
    return (await this.queryEach(influxql)).flat();
  }

  /** Several `;`-separated statements in one request: the series of each statement apart, in statement order. */
  async queryEach(influxql: string): Promise<InfluxSeries[][]> {
    let body: unknown;
    try {
      ({ body } = await this.http.request('POST', this.path, new URLSearchParams({ q: influxql }).toString(), FORM_HEADERS));
    } catch (error) {
      const failure = describeInfluxFailure(error);
      throw new InfluxQueryError(`query to ${this.http.url} failed: ${failure.summary}`, failure.serverMessage, failure.statusCode, { cause: error });
    }
    return parseStatementResults(body);
  }

  /**
   * The series of one SELECT as InfluxDB streams them (`chunked=true`, at most `chunkSize` rows a piece), for answers
   * too large to hold: exports. Pieces are read from the socket as the caller consumes them; `signal` aborts the
   * query (the caller's client went away). Failures are InfluxQueryError, an abort the client's AbortError.
   */
  async *stream(influxql: string, options: { readonly chunkSize: number; readonly signal: AbortSignal }): AsyncGenerator<InfluxSeries> {
    const path = `${this.path}&${new URLSearchParams({ chunked: 'true', chunk_size: String(options.chunkSize) })}`;
    const body = this.streamHttp.iterate('POST', path, new URLSearchParams({ q: influxql }).toString(), FORM_HEADERS, options.signal);
    try {
      yield* seriesOfChunkedAnswer(body);
    } catch (error) {
      if (options.signal.aborted || error instanceof InfluxQueryError) throw error;
      const failure = describeInfluxFailure(error);
      throw new InfluxQueryError(`query to ${this.http.url} failed: ${failure.summary}`, failure.serverMessage, failure.statusCode, { cause: error });
    }
  }
}

const NEWLINE = 0x0a;

/**
 * The series of a chunked `/query` answer (`chunked=true`), one JSON document per line, as the lines arrive: InfluxDB
 * 1.x ends a chunk after `chunk_size` rows or at the end of a series, so a long series comes as several pieces of the
 * same name and tags (`partial: true` on all but the last) and the caller sees them in order. Only one line is held at
 * a time, so memory is bounded by the chunk size whatever the answer's length. Lines are cut on the newline byte,
 * which never occurs inside a UTF-8 sequence, and decoded whole. A statement's `error` line throws, as
 * parseQueryResponse does for a whole answer. A server that ignores `chunked` answers one document: read the same way.
 */
export async function* seriesOfChunkedAnswer(body: AsyncIterable<Uint8Array>): AsyncGenerator<InfluxSeries> {
  let pending: Buffer[] = [];
  for await (const piece of body) {
    let buffer = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let newline = buffer.indexOf(NEWLINE);
    while (newline >= 0) {
      pending.push(buffer.subarray(0, newline));
      const line = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      yield* seriesOfLine(line);
      buffer = buffer.subarray(newline + 1);
      newline = buffer.indexOf(NEWLINE);
    }
    // Copied: the transport may reuse the piece's memory once asked for the next one.
    if (buffer.length > 0) pending.push(Buffer.from(buffer));
  }
  if (pending.length > 0) yield* seriesOfLine(Buffer.concat(pending));
}

function seriesOfLine(line: Buffer): InfluxSeries[] {
  const text = line.toString('utf8').trim();
  if (text === '') return [];
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InfluxQueryError(`InfluxDB answered a line that is not JSON: ${text.slice(0, 200)}`, undefined, undefined, { cause: error });
  }
  return parseQueryResponse(document);
}

/** Flattens `{"results":[{"series":[...]}]}`; throws on a top-level or per-statement `error`. */
export function parseQueryResponse(body: unknown): InfluxSeries[] {
  return parseStatementResults(body).flat();
}

/** `{"results":[…]}` as the series of each statement, in statement order; throws on any `error`. */
export function parseStatementResults(body: unknown): InfluxSeries[][] {
  if (!isRecord(body) || (body.error === undefined && !Array.isArray(body.results))) {
    throw new InfluxQueryError(`unexpected /query response: ${JSON.stringify(body)?.slice(0, 200)}`);
  }
  if (typeof body.error === 'string') throw new InfluxQueryError(`query failed: ${body.error}`, body.error);
  const statements: InfluxSeries[][] = [];
  for (const result of body.results as unknown[]) {
    const series: InfluxSeries[] = [];
    statements.push(series);
    if (!isRecord(result)) continue;
    if (typeof result.error === 'string') {
      throw new InfluxQueryError(`statement ${String(result.statement_id)} failed: ${result.error}`, result.error);
    }
    if (!Array.isArray(result.series)) continue;
    for (const entry of result.series as unknown[]) {
      if (!isRecord(entry)) continue;
      series.push({
        name: typeof entry.name === 'string' ? entry.name : '',
        ...(isRecord(entry.tags) ? { tags: entry.tags as Record<string, string> } : {}),
        columns: Array.isArray(entry.columns) ? (entry.columns as string[]) : [],
        values: Array.isArray(entry.values) ? (entry.values as InfluxValue[][]) : [],
      });
    }
  }
  return statements;
}

/** `"name"` for InfluxQL identifiers (databases, measurements, tag keys); `\` and `"` escaped. */
export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name).replace(/"/g, '\\"')}"`;
}

/** `'value'` for InfluxQL string literals (tag values in WHERE); `\`, `'` and newlines escaped. */
export function quoteString(value: string): string {
  return `'${escapeQuoted(value).replace(/'/g, "\\'")}'`;
}

// InfluxQL's scanner understands \\, \", \' and \n inside quotes and refuses a raw newline.
function escapeQuoted(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
