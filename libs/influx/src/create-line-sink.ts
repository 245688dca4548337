import type { InfluxConfig } from '@hub/config';
import { InfluxV1LineSink } from './influx-v1-line-sink';
import { InfluxV2LineSink } from './influx-v2-line-sink';
import { LineSink } from './line-sink';

export function createLineSink(config: InfluxConfig): LineSink {
  switch (config.api) {
    case 'v1':
      return new InfluxV1LineSink(config);
    case 'v2':
      return new InfluxV2LineSink(config);
  }
}
