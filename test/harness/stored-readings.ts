import { BUILT_IN_DOMAINS } from '@hub/contract';
import { InfluxdProcess } from './influxd-process';

/** What InfluxDB holds for devices whose id starts with `prefix`: `${deviceId}@${ts}` → metric values (nulls left out). */
export async function storedReadings(
  influxd: InfluxdProcess,
  database: string,
  prefix: string,
  domains: readonly string[] = BUILT_IN_DOMAINS,
): Promise<Map<string, Record<string, number>>> {
  const stored = new Map<string, Record<string, number>>();
  for (const domain of domains) {
    const series = await influxd.query(database, `SELECT * FROM "${domain}" WHERE "device_id" =~ /^${prefix}/`);
    for (const { columns, values } of series) {
      const deviceColumn = columns.indexOf('device_id');
      for (const row of values) {
        const metrics: Record<string, number> = {};
        columns.forEach((column, index) => {
          const value = row[index];
          if (index !== 0 && index !== deviceColumn && typeof value === 'number') metrics[column] = value;
        });
        stored.set(`${String(row[deviceColumn])}@${Number(row[0])}`, metrics);
      }
    }
  }
  return stored;
}
