import { Logger, Provider } from '@nestjs/common';
import type { Client } from 'aedes';
import { Registry } from 'prom-client';
import type { HubConfig } from '@hub/config';
import { MqttPerimeter } from '@hub/perimeter';
import { registerPerimeterMetrics } from './perimeter-metrics';

/** The broker's perimeter (rate limits, back-off), with its metrics. */
export function perimeterProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: MqttPerimeter,
      useFactory: (registry: Registry) => {
        const perimeter = new MqttPerimeter<Client>(config.perimeter, new Logger('MqttPerimeter'));
        registerPerimeterMetrics(registry, perimeter);
        return perimeter;
      },
      inject: [Registry],
    },
  ];
}
