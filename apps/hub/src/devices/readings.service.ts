import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { LiveCatalogue } from '@hub/catalogue';
import type { DeviceReadings, ReadingSeries } from '@hub/api-types';
import { InfluxQueryClient, quoteIdentifier, quoteString } from '@hub/influx';
import { HUB_CONFIG } from '../hub.tokens';

/** Bucket sizes offered when the caller gives none: the smallest that keeps a chart under ~720 points. */
const AUTO_BUCKETS_MS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];
const TARGET_POINTS = 720;
const MAX_POINTS = 10_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** InfluxDB counts buckets from the epoch, a Thursday: weeks start on Monday four days later. */
const MONDAY_OFFSET = '4d';
/** InfluxDB's time range: int64 nanoseconds since the epoch, in whole milliseconds (1677-09-21 … 2262-04-11). */
const INFLUX_MAX_MS = 9_223_372_036_854;
const INFLUX_MIN_MS = -INFLUX_MAX_MS;

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
    // Past these InfluxDB's nanosecond times overflow int64 and the query fails (a 503 for what is bad input). The
    // caller's own values are checked first, so the 400 names what they sent, not a default derived from it.
    assertInfluxTime('from', range.from);
    assertInfluxTime('to', range.to);
    const to = range.to ?? Date.now();
    const from = range.from ?? to - HOUR;
    assertInfluxTime(range.from === undefined ? 'from (not given: to - 1h)' : 'from', from);
    if (from >= to) throw new BadRequestException(`from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`);
    const span = to - from;
    const everyMs = range.everyMs ?? AUTO_BUCKETS_MS.find((bucket) => span / bucket <= TARGET_POINTS) ?? AUTO_BUCKETS_MS[AUTO_BUCKETS_MS.length - 1];
    if (span / everyMs > MAX_POINTS) {
      throw new BadRequestException(`every=${everyMs}ms over ${span} ms gives more than ${MAX_POINTS} points per metric; choose a larger every`);
    }

    const query =
      `SELECT mean(*) FROM ${quoteIdentifier(device.domain)} WHERE "device_id" = ${quoteString(deviceId)} ` +
      `AND time >= ${from}ms AND time < ${to}ms GROUP BY ${bucketsOf(everyMs)} fill(none)${zoneOf(everyMs, this.config.timeZone)}`;
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

/** Whole weeks start on Monday; other sizes count from the epoch as InfluxDB does. */
function bucketsOf(everyMs: number): string {
  return everyMs % WEEK === 0 ? `time(${everyMs}ms, ${MONDAY_OFFSET})` : `time(${everyMs}ms)`;
}

/** Day and week buckets are the county's days (HUB_TIME_ZONE), not UTC's: midnight to midnight where the county is. */
function zoneOf(everyMs: number, timeZone: string): string {
  return everyMs % DAY === 0 ? ` tz(${quoteString(timeZone)})` : '';
}

function assertInfluxTime(name: string, time: number | undefined): void {
  if (time !== undefined && (time < INFLUX_MIN_MS || time > INFLUX_MAX_MS)) {
    throw new BadRequestException(`${name} (${new Date(time).toISOString()}) is outside InfluxDB's time range, ${new Date(INFLUX_MIN_MS).toISOString()} to ${new Date(INFLUX_MAX_MS).toISOString()}`);
  }
}
