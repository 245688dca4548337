import type { InfluxV2Config } from '@hub/config';
import { InfluxHttp, LINE_PROTOCOL_HEADERS } from './influx-http';
import { LineSink } from './line-sink';

/** The v2 write API (`/api/v2/write`): InfluxDB 1.8+, 2.x, 3.x and compatible servers such as VictoriaMetrics. */
export class InfluxV2LineSink implements LineSink {
  readonly kind = 'influxdb-v2';
  private readonly http: InfluxHttp;
  private readonly writePath: string;

  constructor(config: InfluxV2Config) {
    this.http = new InfluxHttp(config.url, config.timeoutMs, { token: config.token });
    this.writePath = `/api/v2/write?${new URLSearchParams({ org: config.org, bucket: config.bucket, precision: 'ms' })}`;
  }

  /** The bucket must exist: creating one needs an org id and all-access rights the writer should not hold. */
  async prepare(): Promise<void> {}

  async write(body: string): Promise<void> {
    await this.http.requestForSink('influxdb-v2 write', 'POST', this.writePath, body, LINE_PROTOCOL_HEADERS);
  }

  /** InfluxDB 2.x and 1.8 answer /ping with 204, VictoriaMetrics too (measured on 1.79); any 2xx is taken as up. */
  async ping(): Promise<void> {
    await this.http.requestForSink('influxdb-v2 ping', 'GET', '/ping', '');
  }
}
