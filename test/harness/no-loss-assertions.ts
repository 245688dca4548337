import type { SentReading } from '@hub/devices-sim';
import { InfluxdProcess } from './influxd-process';
import { storedReadings } from './stored-readings';

export { settled, stats } from './hub-stats';

/**
 * The no-loss assertion: every valid reading the simulator got a PUBACK for is in InfluxDB with its exact values,
 * once per (device, event time); nothing is stored that was not sent. Returns how many readings are stored.
 */
export async function expectEveryAcknowledgedReadingStored(
  influxd: InfluxdProcess,
  database: string,
  prefix: string,
  sent: readonly SentReading[],
): Promise<{ acknowledged: number; stored: number }> {
  const key = (reading: SentReading) => `${reading.deviceId}@${reading.ts}`;
  const acknowledged = sent.filter((reading) => reading.valid && reading.acked);
  const stored = await storedReadings(influxd, database, prefix);
  const missing = acknowledged.filter((reading) => !stored.has(key(reading)));
  if (missing.length > 0) {
    throw new Error(`${missing.length} of ${acknowledged.length} acknowledged readings are not in InfluxDB, e.g. ${missing.slice(0, 5).map(key).join(', ')}`);
  }
  for (const reading of acknowledged) {
    const values = stored.get(key(reading));
    if (JSON.stringify(values) !== JSON.stringify(sortKeys(reading.metrics))) {
      throw new Error(`${key(reading)} stored as ${JSON.stringify(values)}, sent as ${JSON.stringify(reading.metrics)}`);
    }
  }
  const sentKeys = new Set(sent.filter((reading) => reading.valid).map(key));
  const unexpected = [...stored.keys()].filter((storedKey) => !sentKeys.has(storedKey));
  if (unexpected.length > 0) throw new Error(`InfluxDB holds ${unexpected.length} points that were never sent, e.g. ${unexpected.slice(0, 5).join(', ')}`);
  // Once per (device, event time) by construction: InfluxDB keeps one point per series and time, readings are
  // stored at their device ts, and nothing is there that was not sent (checked above).
  return { acknowledged: acknowledged.length, stored: stored.size };
}

function sortKeys(metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b)));
}
