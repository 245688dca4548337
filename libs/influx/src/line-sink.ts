/**
 * Where batches of line protocol go. Two implementations share this interface and one contract test suite:
 * InfluxDB v2 write API (/api/v2/write — InfluxDB 1.8+, 2.x, 3.x) and InfluxDB 1.x before 1.8 (/write).
 */
export interface LineSink {
  /** 'influxdb-v1' or 'influxdb-v2', for logs, health and metrics. */
  readonly kind: string;
  /** Creates the database when the server allows it (v1); a no-op for v2, whose bucket must exist. */
  prepare(): Promise<void>;
  /** Writes newline-separated lines with millisecond timestamps. Resolves only when the server accepted them. */
  write(body: string): Promise<void>;
  /** Resolves when the server answers its health/ping endpoint. */
  ping(): Promise<void>;
}

/**
 * A write the server did not take. `retryable` (network error, timeout, 5xx, 429) must be tried again;
 * otherwise (400 and other 4xx) the server refused the content and `serverMessage` says why.
 */
export class LineSinkWriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode?: number,
    readonly serverMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LineSinkWriteError';
  }
}
