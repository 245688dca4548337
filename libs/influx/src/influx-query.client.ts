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
  private readonly path: string;

  constructor(config: InfluxConfig) {
    const database = config.api === 'v1' ? config.database : config.bucket;
    this.http = new InfluxHttp(config.url, config.timeoutMs, config.api === 'v1' ? config : { token: config.token });
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
