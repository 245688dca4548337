import { ServiceUnavailableException, type Provider } from '@nestjs/common';
import { LiveCatalogue } from '@hub/catalogue';
import type { HubConfig } from '@hub/config';
import { DeviceRegistryService } from '@hub/devices';
import { InfluxQueryClient, type InfluxSeries } from '@hub/influx';
import { AREA_DIRECTORY, DeviceAreaDirectory, type AreaDirectory } from './area-directory';
import { AreaRollupController } from './area-rollup.controller';
import { AreaRollupService } from './area-rollup.service';

export const AREA_ROLLUP_CONTROLLERS = [AreaRollupController];

/**
 * Roll-ups over areas. The areas they know come from AREA_DIRECTORY: for now the towns (and villages, once devices
 * have them) of registered devices; the areas registry takes its place when it is wired.
 */
export function areaRollupProviders(config: HubConfig): Provider[] {
  return [
    { provide: AREA_DIRECTORY, useFactory: (registry: DeviceRegistryService): AreaDirectory => new DeviceAreaDirectory(() => registry.list()), inject: [DeviceRegistryService] },
    {
      provide: AreaRollupService,
      useFactory: (influx: InfluxQueryClient, catalogue: LiveCatalogue, areas: AreaDirectory) => new AreaRollupService({ query: (influxql) => queryOr503(influx, influxql), catalogue, areas, timeZone: config.timeZone }),
      inject: [InfluxQueryClient, LiveCatalogue, AREA_DIRECTORY],
    },
  ];
}

/** InfluxDB down or refusing: a 503 saying so, as the readings API answers. */
async function queryOr503(influx: InfluxQueryClient, influxql: string): Promise<InfluxSeries[]> {
  try {
    return await influx.query(influxql);
  } catch (error) {
    throw new ServiceUnavailableException(`InfluxDB query failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
