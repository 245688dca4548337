import { Domain, BUILT_IN_DOMAINS, Reading } from '@hub/contract';
import type { DirectoryDevice } from '@hub/alerts';
import { readingToLine, type LineSink } from '@hub/influx';
import { createDeviceProfile, DeviceProfile, generateMetrics } from '@hub/devices-sim';
import { deriveSeed, mulberry32, Random } from '@hub/common';

/**
 * An hour of history for a fleet, written straight to InfluxDB in the hub's own line format: healthy readings from
 * the simulator's daily curves, and a few devices per domain (0.5 %) in trouble during the last minutes — spikes,
 * drops, silence, stuck values — so that the default rules have something to find, as on a real day.
 */
export interface FleetHistoryOptions {
  readonly devicesPerDomain: number;
  readonly intervalMs: number;
  readonly historyMs: number;
  readonly end: number;
  readonly linesPerWrite: number;
  readonly concurrentWrites: number;
}

export interface FleetHistory {
  readonly devices: DirectoryDevice[];
  readonly readings: number;
  readonly fieldValues: number;
  readonly troubled: Readonly<Record<string, string>>;
  readonly writeSeconds: number;
}

const MINUTE = 60_000;

/** What goes wrong on the first ten devices of each domain, from how many minutes before the end. */
interface Trouble {
  readonly name: string;
  readonly devices: readonly number[];
  readonly fromMinutesBeforeEnd: number;
  /** Metrics to override; null: the device sends nothing (silent). 'stuck': the first value of the window repeats. */
  readonly metrics: Readonly<Record<string, number>> | null | 'stuck';
  readonly stuckMetric?: string;
}

const TROUBLES: Readonly<Record<Domain, readonly Trouble[]>> = {
  gas: [
    { name: 'methane at 35 %LEL for 10 min', devices: [1, 2, 3, 4, 5], fromMinutesBeforeEnd: 10, metrics: { methane_pct_lel: 35 } },
    { name: 'silent for 20 min', devices: [6, 7, 8, 9, 10], fromMinutesBeforeEnd: 20, metrics: null },
  ],
  power: [
    { name: 'voltage at 198 V for 10 min', devices: [1, 2, 3, 4], fromMinutesBeforeEnd: 10, metrics: { voltage_v: 198 } },
    { name: 'transformer top-oil at 112 °C for 10 min', devices: [5, 6, 7], fromMinutesBeforeEnd: 10, metrics: { transformer_temp_c: 112 } },
    { name: 'voltage stuck for 40 min', devices: [8, 9, 10], fromMinutesBeforeEnd: 40, metrics: 'stuck', stuckMetric: 'voltage_v' },
  ],
  water: [
    { name: 'pressure fell to 150 kPa 8 min ago (burst)', devices: [1, 2, 3, 4], fromMinutesBeforeEnd: 8, metrics: { pressure_kpa: 150 } },
    { name: 'silent for 20 min', devices: [5, 6, 7], fromMinutesBeforeEnd: 20, metrics: null },
    { name: 'pressure stuck for 40 min', devices: [8, 9, 10], fromMinutesBeforeEnd: 40, metrics: 'stuck', stuckMetric: 'pressure_kpa' },
  ],
  heat: [
    { name: 'supply at 60 °C for 20 min', devices: [1, 2, 3, 4, 5], fromMinutesBeforeEnd: 20, metrics: { supply_temp_c: 60 } },
    { name: 'silent for 20 min', devices: [6, 7, 8, 9, 10], fromMinutesBeforeEnd: 20, metrics: null },
  ],
  traffic: [
    { name: 'occupancy at 95 % for 10 min', devices: [1, 2, 3, 4, 5], fromMinutesBeforeEnd: 10, metrics: { occupancy_pct: 95 } },
    { name: 'silent for 20 min', devices: [6, 7, 8, 9, 10], fromMinutesBeforeEnd: 20, metrics: null },
  ],
};

interface BenchDevice {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly profile: DeviceProfile;
  readonly random: Random;
  readonly trouble: Trouble | undefined;
  stuck: Record<string, number> | undefined;
  lastTs: number | null;
}

export async function writeFleetHistory(sink: LineSink, options: FleetHistoryOptions): Promise<FleetHistory> {
  const started = Date.now();
  const devices: BenchDevice[] = BUILT_IN_DOMAINS.flatMap((domain) =>
    Array.from({ length: options.devicesPerDomain }, (_, index) => {
      const deviceId = `bench-${domain}-${index + 1}`;
      const random = mulberry32(deriveSeed(42, deviceId));
      const trouble = TROUBLES[domain].find((candidate) => candidate.devices.includes(index + 1));
      return { deviceId, domain, profile: createDeviceProfile(domain, random), random, trouble, stuck: undefined, lastTs: null };
    }),
  );
  const start = options.end - options.historyMs;
  let batch: string[] = [];
  let readings = 0;
  let fieldValues = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = async (): Promise<void> => {
    const body = batch.join('\n');
    batch = [];
    const write = sink.write(body).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= options.concurrentWrites) await Promise.race(inFlight);
  };
  for (let ts = start; ts <= options.end; ts += options.intervalMs) {
    for (const device of devices) {
      const metrics = readingOf(device, ts, options.end);
      if (metrics === null) continue;
      const reading: Reading = { domain: device.domain, deviceId: device.deviceId, ts, tsFromDevice: true, metrics };
      batch.push(readingToLine(reading));
      device.lastTs = ts;
      readings++;
      fieldValues += Object.keys(metrics).length;
      if (batch.length >= options.linesPerWrite) await flush();
    }
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  const troubled = Object.fromEntries(
    BUILT_IN_DOMAINS.flatMap((domain) => TROUBLES[domain].map((trouble) => [`${domain} ${trouble.devices.join(',')}`, trouble.name])),
  );
  return {
    devices: devices.map((device) => ({
      deviceId: device.deviceId,
      domain: device.domain,
      town: null,
      firstSeen: start,
      lastValueTs: device.lastTs === null ? {} : Object.fromEntries(Object.keys(generateMetrics(device.profile, start, mulberry32(1))).map((metric) => [metric, device.lastTs as number])),
    })),
    readings,
    fieldValues,
    troubled,
    writeSeconds: (Date.now() - started) / 1000,
  };
}

/** The device's reading at `ts`, its trouble applied; null when it is silent then. */
function readingOf(device: BenchDevice, ts: number, end: number): Record<string, number> | null {
  // Drawn for every slot, so a troubled device's healthy readings equal those it would have sent anyway.
  const metrics = generateMetrics(device.profile, ts, device.random);
  const trouble = device.trouble;
  if (trouble === undefined || ts < end - trouble.fromMinutesBeforeEnd * MINUTE) return metrics;
  if (trouble.metrics === null) return null;
  if (trouble.metrics === 'stuck') {
    const metric = trouble.stuckMetric ?? '';
    device.stuck ??= { [metric]: metrics[metric] };
    return { ...metrics, ...device.stuck };
  }
  return { ...metrics, ...trouble.metrics };
}
