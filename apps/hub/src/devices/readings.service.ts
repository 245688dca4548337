import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { LiveCatalogue } from '@hub/catalogue';
import type { DeviceReadings, ReadingSeries } from '@hub/api-types';
import { InfluxQueryClient, quoteIdentifier, quoteString } from '@hub/influx';
import { HUB_CONFIG } from '../hub.tokens';
import { bucketZone, planBuckets, timeBuckets } from './reading-buckets';

/** A chart of one device's metric shows at most this many points. */
const MAX_POINTS = 10_000;

@Injectable()
export class ReadingsService {
  constructor(
    private readonly influx: InfluxQueryClient,
    private readonly catalogue: LiveCatalogue,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'timeZone'>,
  ) {}

  /** A device's readings from InfluxDB, averaged into `every`-sized buckets by event time (server-side). */
  async readings(device: { readonly deviceId: string; readonly domain: string }, range: { from?: number; to?: number; everyMs?: number }): Promise<DeviceReadings> {
    const { deviceId } = device;
    const { from, to, everyMs } = planBuckets(range, { max: MAX_POINTS, noun: 'points per metric' });

    const query =
      `SELECT mean(*) FROM ${quoteIdentifier(device.domain)} WHERE "device_id" = ${quoteString(deviceId)} ` +
      `AND time >= ${from}ms AND time < ${to}ms GROUP BY ${timeBuckets(everyMs)} fill(none)${bucketZone(everyMs, this.config.timeZone)}`;
    let series;
    try {
      series = await this.influx.query(query);
    } catch (error) {
      throw new ServiceUnavailableException(`InfluxDB query failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }

    const catalogue = this.catalogue.current();
    const metrics: Record<string, ReadingSeries> = {};
    for (const { columns, values } of series) {
      columns.forEach((column, index) => {
        if (index === 0 || !column.startsWith('mean_')) return;
        const name = column.slice('mean_'.length);
        const points: [number, number][] = [];
        for (const row of values) {
          const value = row[index];
          if (typeof value === 'number') points.push([Number(row[0]), value]);
        }
        metrics[name] = { unit: catalogue.metricSpec(device.domain, name)?.unit ?? '', points };
      });
    }
    return { deviceId, domain: device.domain, from, to, everyMs, metrics };
  }
}
