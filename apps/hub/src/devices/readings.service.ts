import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { LiveCatalogue } from '@hub/catalogue';
import type { DeviceReadings } from '@hub/api-types';
import { InfluxQueryClient } from '@hub/influx';
import { HUB_CONFIG } from '../hub.tokens';
import { DownsamplingService } from '../retention/downsampling.service';
import { planBuckets } from './reading-buckets';
import { planResolution } from './reading-resolution';
import { readingsFromResults, readingsInfluxQl } from './readings-query';

/** A chart of one device's metric shows at most this many points. */
const MAX_POINTS = 10_000;

@Injectable()
export class ReadingsService {
  constructor(
    private readonly influx: InfluxQueryClient,
    private readonly catalogue: LiveCatalogue,
    private readonly stored: DownsamplingService,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'timeZone'>,
  ) {}

  /**
   * A device's readings from InfluxDB by event time, per `every`-sized bucket (server-side): mean, min, max and count,
   * from the coarsest stored resolution that serves the buckets (reading-resolution.ts), in one request.
   */
  async readings(device: { readonly deviceId: string; readonly domain: string }, range: { from?: number; to?: number; everyMs?: number }): Promise<DeviceReadings> {
    const { deviceId } = device;
    const plan = planResolution(planBuckets(range, { max: MAX_POINTS, noun: 'points per metric' }), this.stored, this.config.timeZone);
    const query = readingsInfluxQl({ domain: device.domain, deviceId, plan, policies: this.stored, timeZone: this.config.timeZone });
    let results;
    try {
      results = await this.influx.queryEach(query);
    } catch (error) {
      throw new ServiceUnavailableException(`InfluxDB query failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const catalogue = this.catalogue.current();
    const { from, to, everyMs, resolution, sources } = plan;
    const metrics = readingsFromResults(results, sources, (name) => catalogue.metricSpec(device.domain, name)?.unit ?? '');
    return { deviceId, domain: device.domain, from, to, everyMs, resolution, sources, metrics };
  }
}
