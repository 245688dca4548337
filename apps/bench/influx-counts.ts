import { InfluxdProcess } from '@hub/test-harness';
import { BUILT_IN_DOMAINS } from '@hub/contract';
import { quoteIdentifier } from '@hub/influx';
import { countedMetric } from './bench-fleet';

/**
 * Readings stored in InfluxDB, by count query: per domain, the count of the metric every reading carries (the
 * catalogue's first; the bench fleet and the simulator both always send it). Each (device, ts) is one point, so
 * this is the number of distinct readings that landed. `deviceIdPrefix` narrows it to one fleet.
 */
export async function countStoredReadings(influxd: InfluxdProcess, database: string, deviceIdPrefix?: string): Promise<number> {
  let total = 0;
  for (const domain of BUILT_IN_DOMAINS) {
    const where = deviceIdPrefix === undefined ? '' : ` WHERE "device_id" =~ /^${deviceIdPrefix.replace(/[^A-Za-z0-9_-]/g, '')}/`;
    const series = await influxd.query(database, `SELECT count(${quoteIdentifier(countedMetric(domain))}) FROM ${quoteIdentifier(domain)}${where}`);
    for (const { values } of series) for (const row of values) total += Number(row[1] ?? 0);
  }
  return total;
}
