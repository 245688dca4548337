import type { InfluxV1Config } from '@hub/config';
import { FORM_HEADERS, InfluxHttp, LINE_PROTOCOL_HEADERS } from './influx-http';
import { InfluxQueryError, parseQueryResponse, quoteIdentifier } from './influx-query.client';
import { LineSink, LineSinkWriteError } from './line-sink';

/** InfluxDB 1.x before 1.8, which has no /api/v2/write: `/write?db=&rp=` with Basic auth. */
export class InfluxV1LineSink implements LineSink {
  readonly kind = 'influxdb-v1';
  private readonly http: InfluxHttp;
  private readonly writePath: string;

  constructor(private readonly config: InfluxV1Config) {
    this.http = new InfluxHttp(config.url, config.timeoutMs, config);
    const params = new URLSearchParams({ db: config.database });
    if (config.retentionPolicy) params.set('rp', config.retentionPolicy);
    params.set('precision', 'ms');
    this.writePath = `/write?${params}`;
  }

  /** CREATE DATABASE is a no-op in 1.x when the database exists, so this is safe on every boot. */
  async prepare(): Promise<void> {
    const q = `CREATE DATABASE ${quoteIdentifier(this.config.database)}`;
    const { body } = await this.http.requestForSink('influxdb-v1 prepare', 'POST', '/query', new URLSearchParams({ q }).toString(), FORM_HEADERS);
    try {
      parseQueryResponse(body);
    } catch (error) {
      // 200 with a statement error, e.g. a non-admin user: the server understood and refused.
      const serverMessage = error instanceof InfluxQueryError ? error.serverMessage : undefined;
      throw new LineSinkWriteError(`influxdb-v1 prepare: ${q} refused: ${serverMessage ?? String(error)}`, false, undefined, serverMessage, { cause: error });
    }
  }

  async write(body: string): Promise<void> {
    await this.http.requestForSink('influxdb-v1 write', 'POST', this.writePath, body, LINE_PROTOCOL_HEADERS);
  }

  async ping(): Promise<void> {
    const { statusCode } = await this.http.requestForSink('influxdb-v1 ping', 'GET', '/ping', '');
    // InfluxDB 1.x answers 204; a 200 here is some other server (or a proxy page) on that address.
    if (statusCode !== 204) {
      throw new LineSinkWriteError(`influxdb-v1 ping to ${this.http.url}: expected 204, got ${statusCode}`, false, statusCode);
    }
  }
}
