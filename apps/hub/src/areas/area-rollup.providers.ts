import { ServiceUnavailableException, type Provider } from '@nestjs/common';
import { LiveCatalogue } from '@hub/catalogue';
import type { HubConfig } from '@hub/config';
import { AreasService } from '@hub/devices';
import { InfluxQueryClient, type InfluxSeries } from '@hub/influx';
import { AREA_DIRECTORY, RegistryAreaDirectory, type AreaDirectory } from './area-directory';
import { AreaRollupController } from './area-rollup.controller';
import { AreaRollupService } from './area-rollup.service';
import { DownsamplingService } from '../retention/downsampling.service';

export const AREA_ROLLUP_CONTROLLERS = [AreaRollupController];

/** Roll-ups over areas: the areas they know are the registry's (AREA_DIRECTORY). */
export function areaRollupProviders(config: HubConfig): Provider[] {
  return [
    { provide: AREA_DIRECTORY, useFactory: (areas: AreasService): AreaDirectory => new RegistryAreaDirectory(areas), inject: [AreasService] },
    {
      provide: AreaRollupService,
      useFactory: (influx: InfluxQueryClient, catalogue: LiveCatalogue, areas: AreaDirectory, stored: DownsamplingService) =>
        new AreaRollupService({ query: (influxql) => queryOr503(influx, influxql), catalogue, areas, timeZone: config.timeZone, stored }),
      inject: [InfluxQueryClient, LiveCatalogue, AREA_DIRECTORY, DownsamplingService],
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
