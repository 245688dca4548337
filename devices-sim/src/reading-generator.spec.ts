import { MetricCatalogue, BUILT_IN_DOMAINS, Domain, BUILT_IN_CATALOGUE, validateTelemetry, ValidationLimits } from '@hub/contract';
import { deriveSeed, mulberry32 } from '@hub/common';
import { createDeviceProfile, DeviceProfile, generateMetrics } from './reading-generator';

const LIMITS: ValidationLimits = { maxPayloadBytes: 256 * 1024, maxBatchReadings: 1000, maxAgeMs: 7 * 86_400_000, maxFutureMs: 300_000 };
const MIDNIGHT = Date.UTC(2025, 0, 15);
const MINUTE = 60_000;
const HOUR = 3_600_000;

function device(domain: Domain, id: string, seed = 7): { profile: DeviceProfile; random: () => number } {
  const random = mulberry32(deriveSeed(seed, id));
  return { profile: createDeviceProfile(domain, random), random };
}

/** Mean of a metric at one hour of day over many devices, so noise and per-device offsets average out. */
function meanAt(domain: Domain, metric: string, hour: number): number {
  let sum = 0;
  for (let n = 0; n < 200; n++) {
    const { profile, random } = device(domain, `mean-${n}`);
    sum += generateMetrics(profile, MIDNIGHT + hour * HOUR, random)[metric];
  }
  return sum / 200;
}

describe('reading generator', () => {
  it.each(BUILT_IN_DOMAINS)('every %s reading over a simulated day, for 10 devices, passes validation inside the typical band', (domain) => {
    const problems: string[] = [];
    let checked = 0;
    for (let n = 1; n <= 10; n++) {
      const deviceId = `sim-${domain}-${n}`;
      const { profile, random } = device(domain, deviceId);
      for (let ts = MIDNIGHT; ts < MIDNIGHT + 24 * HOUR; ts += MINUTE) {
        const metrics = generateMetrics(profile, ts, random);
        const result = validateTelemetry({ domain, deviceId }, Buffer.from(JSON.stringify({ ts, metrics })), ts, LIMITS, MetricCatalogue.BUILT_IN);
        if (result.readings.length !== 1) problems.push(`${deviceId}@${ts}: ${JSON.stringify(result.rejections)}`);
        for (const [metric, value] of Object.entries(metrics)) {
          const [min, max] = BUILT_IN_CATALOGUE[domain][metric].typical;
          if (!(value >= min && value <= max)) problems.push(`${deviceId}@${ts}: ${metric}=${value} outside typical [${min}, ${max}]`);
        }
        if (Object.keys(metrics).join() !== Object.keys(BUILT_IN_CATALOGUE[domain]).join()) problems.push(`${deviceId}@${ts}: metrics ${Object.keys(metrics)}`);
        checked++;
      }
    }
    expect(checked).toBe(10 * 24 * 60);
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('emits whole vehicle counts', () => {
    const { profile, random } = device('traffic', 'sim-traffic-1');
    for (let ts = MIDNIGHT; ts < MIDNIGHT + 24 * HOUR; ts += 5 * MINUTE) {
      expect(Number.isInteger(generateMetrics(profile, ts, random).vehicle_count)).toBe(true);
    }
  });

  it('follows daily curves: demand and traffic peak by day, heat supply is hotter at night', () => {
    expect(meanAt('water', 'flow_m3h', 7)).toBeGreaterThan(meanAt('water', 'flow_m3h', 3) * 2);
    expect(meanAt('water', 'pressure_kpa', 7)).toBeLessThan(meanAt('water', 'pressure_kpa', 3));
    expect(meanAt('traffic', 'vehicle_count', 8)).toBeGreaterThan(meanAt('traffic', 'vehicle_count', 3) * 3);
    expect(meanAt('traffic', 'avg_speed_kmh', 8)).toBeLessThan(meanAt('traffic', 'avg_speed_kmh', 3));
    expect(meanAt('power', 'active_power_kw', 19)).toBeGreaterThan(meanAt('power', 'active_power_kw', 3));
    expect(meanAt('heat', 'supply_temp_c', 4)).toBeGreaterThan(meanAt('heat', 'supply_temp_c', 16));
  });

  it('adds noise: consecutive readings of one device are not identical', () => {
    const { profile, random } = device('water', 'sim-water-1');
    const first = generateMetrics(profile, MIDNIGHT, random);
    const second = generateMetrics(profile, MIDNIGHT + MINUTE, random);
    expect(second.pressure_kpa).not.toBe(first.pressure_kpa);
  });

  it('gives the same device the same readings for the same seed, and different ones for another seed', () => {
    const run = (seed: number): number[] => {
      const { profile, random } = device('gas', 'sim-gas-1', seed);
      return Array.from({ length: 10 }, (_, n) => generateMetrics(profile, MIDNIGHT + n * MINUTE, random).flow_m3h);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });
});
