import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { AGGREGATE_RESOLUTIONS, DownsampleState } from '@hub/pipeline';

/**
 * How far the downsampler got, as its state holds it at scrape time: alert on `time() - hub_downsample_aggregated_until_seconds`
 * growing (InfluxDB refusing the aggregation, or a refused retention change keeping it off).
 */
@Injectable()
export class DownsampleMetrics {
  constructor(registry: Registry, state: DownsampleState) {
    new Gauge({
      name: 'hub_downsample_aggregated_until_seconds',
      help: 'Every bucket of the resolution before this time (epoch seconds) is aggregated; absent until the first run (and with InfluxDB v2)',
      labelNames: ['resolution'],
      registers: [registry],
      collect() {
        this.reset();
        for (const resolution of AGGREGATE_RESOLUTIONS) {
          const until = state.watermark(resolution);
          if (until !== null) this.set({ resolution }, until / 1000);
        }
      },
    });
    new Gauge({
      name: 'hub_downsample_waiting_buckets',
      help: 'Buckets that got late readings after they were aggregated and wait to be aggregated again',
      labelNames: ['resolution'],
      registers: [registry],
      collect() {
        this.reset();
        for (const resolution of AGGREGATE_RESOLUTIONS) this.set({ resolution }, state.dirtyCount(resolution));
      },
    });
  }
}
