import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AbortError, HttpError, InfluxDB, RequestTimedOutError, Transport } from '@influxdata/influxdb-client';
import { LineSinkWriteError } from './line-sink';

export interface InfluxCredentials {
  /** v2: sent as `Authorization: Token …`. */
  readonly token?: string;
  /** v1: sent as HTTP Basic auth when set. */
  readonly username?: string;
  readonly password?: string;
}

export interface InfluxResponse {
  readonly statusCode: number;
  /** Parsed JSON, text, or undefined for 204. */
  readonly body: unknown;
}

/** Why a request failed, in the terms every caller needs: may it be retried, and what did the server say. */
export interface InfluxFailure {
  readonly retryable: boolean;
  readonly statusCode?: number;
  readonly serverMessage?: string;
  readonly summary: string;
}

/**
 * HTTP to one InfluxDB-compatible server through the official client's transport (not its WriteApi: batching,
 * retries and line building are ours). Keep-alive sockets, so a busy writer does not open a connection per batch.
 */
export class InfluxHttp {
  private readonly transport: Transport;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly url: string,
    timeoutMs: number,
    credentials: InfluxCredentials = {},
  ) {
    const agent = url.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.transport = new InfluxDB({ url, token: credentials.token, timeout: timeoutMs, transportOptions: { agent } }).transport;
    this.headers =
      credentials.username === undefined
        ? {}
        : { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}` };
  }

  /** Resolves for 1xx/2xx; rejects with the client's HttpError, RequestTimedOutError or a socket error otherwise. */
  async request(method: 'GET' | 'POST', path: string, body: string, headers: Record<string, string> = {}): Promise<InfluxResponse> {
    const abort = new AbortController();
    let statusCode = 0;
    try {
      const responseBody: unknown = await this.transport.request(
        path,
        body,
        { method, headers: { ...this.headers, ...headers }, signal: abort.signal },
        (_headers, status) => {
          statusCode = status ?? 0;
        },
      );
      return { statusCode, body: responseBody };
    } catch (error) {
      // The client reports a socket timeout but leaves the request open; aborting destroys it and frees the socket.
      abort.abort();
      throw error;
    }
  }

  /**
   * The response body as it arrives, pulled: the next piece is read from the socket only when the caller asks, so a
   * slow consumer slows InfluxDB down (TCP backpressure) instead of piling the answer up here. `signal` ends the
   * request and the socket. Rejects like request() for a status other than 2xx.
   */
  iterate(method: 'GET' | 'POST', path: string, body: string, headers: Record<string, string>, signal: AbortSignal): AsyncIterableIterator<Uint8Array> {
    return this.transport.iterate(path, body, { method, headers: { ...this.headers, ...headers }, signal });
  }

  /** request(), with every failure turned into a LineSinkWriteError that says whether to retry. */
  async requestForSink(label: string, method: 'GET' | 'POST', path: string, body: string, headers?: Record<string, string>): Promise<InfluxResponse> {
    try {
      return await this.request(method, path, body, headers);
    } catch (error) {
      const failure = describeInfluxFailure(error);
      throw new LineSinkWriteError(`${label} to ${this.url} failed: ${failure.summary}`, failure.retryable, failure.statusCode, failure.serverMessage, {
        cause: error,
      });
    }
  }
}

export const LINE_PROTOCOL_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'text/plain; charset=utf-8' };
export const FORM_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Retryable: the server may take the same request later (socket errors, timeouts, 5xx, 429, 408). InfluxDB 1.6
 * answers `500 engine: error syncing wal` under load, which is exactly such a case. Other 4xx mean the server read
 * the request and refused it; sending it again cannot help.
 */
export function describeInfluxFailure(error: unknown): InfluxFailure {
  if (error instanceof HttpError) {
    const serverMessage = serverMessageOf(error);
    const status = error.statusCode;
    return {
      retryable: status >= 500 || status === 429 || status === 408,
      statusCode: status,
      serverMessage,
      summary: `${status} ${error.statusMessage ?? ''}: ${serverMessage}`,
    };
  }
  if (error instanceof RequestTimedOutError || error instanceof AbortError) {
    return { retryable: true, summary: error.message };
  }
  // Node's socket errors (ECONNREFUSED, ECONNRESET, EPIPE, HPE_* …) all carry a string code. Not `instanceof Error`:
  // they come from Node's own realm, which is not the caller's under jest's module sandbox.
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const summary = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? { retryable: true, summary } : { retryable: false, summary };
}

/** InfluxDB 1.x answers `{"error": "..."}`, 2.x `{"code": ..., "message": "..."}`; anything else is shown as sent. */
function serverMessageOf(error: HttpError): string {
  const json: unknown = error.json ?? parseJson(error.body);
  if (typeof json === 'object' && json !== null) {
    const { error: v1Message, message: v2Message } = json as { error?: unknown; message?: unknown };
    if (typeof v1Message === 'string' && v1Message !== '') return v1Message;
    if (typeof v2Message === 'string' && v2Message !== '') return v2Message;
  }
  const header = error.headers?.['x-influxdb-error'];
  if (typeof header === 'string' && header !== '') return header;
  const text = error.body?.trim();
  return text ? text : (error.statusMessage ?? `HTTP ${error.statusCode}`);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
