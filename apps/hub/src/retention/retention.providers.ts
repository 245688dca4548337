import type { Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { createLineSink, InfluxV1LineSink, type LineSink } from '@hub/influx';
import { BACKFILL_POLICY, DownsampleState, DownsampleStateRepository, DownsamplingLineSink, LateReadingWatch } from '@hub/pipeline';
import { Store } from '@hub/store';
import { LINE_SINK } from '../hub.tokens';
import { DownsampleMetrics } from './downsample-metrics';
import { DownsamplingService } from './downsampling.service';

/**
 * Retention and downsampling: the downsampler's state (in the store, mirrored in memory), the watch it shares with the write path, and the
 * write path itself (LINE_SINK), which with InfluxDB v1 sends readings older than the raw period to the backfill
 * policy and marks the minutes of late readings.
 */
export function retentionProviders(config: HubConfig): Provider[] {
  return [
    // Loaded before the write path exists: it claims the stored minute watermark from the first write on.
    { provide: DownsampleState, useFactory: (store: Store) => DownsampleState.load(new DownsampleStateRepository(store)), inject: [Store] },
    { provide: LateReadingWatch, useFactory: (state: DownsampleState) => new LateReadingWatch(state), inject: [DownsampleState] },
    {
      provide: LINE_SINK,
      useFactory: (watch: LateReadingWatch): LineSink => {
        const sink = createLineSink(config.influx);
        if (config.influx.api !== 'v1') return sink;
        return new DownsamplingLineSink(sink, new InfluxV1LineSink({ ...config.influx, retentionPolicy: BACKFILL_POLICY }), watch);
      },
      inject: [LateReadingWatch],
    },
    DownsamplingService,
    DownsampleMetrics,
  ];
}
