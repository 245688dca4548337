import type { Provider } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { HubMetrics, WriteLatencyMetric } from './hub-metrics';
import { MetricsController } from './metrics.controller';

export const HEALTH_CONTROLLERS = [HealthController, MetricsController];

/** /api/health and the Prometheus registry every feature adds its metrics to. */
export function healthProviders(): Provider[] {
  return [{ provide: Registry, useValue: new Registry() }, WriteLatencyMetric, HubMetrics, HealthService];
}
