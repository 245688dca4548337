import type { Catalogue } from '@hub/api-types';
import { defaultAggregate, latestValue, ROLLUP_RANGES, rollupOptions, rollupWindow } from './rollup-choice';

const metric = (name: string, unit: string, retiredAt: string | null = null) => ({ name, unit, description: '', range: [0, 1] as const, typical: [0, 1] as const, integer: false, builtIn: true, retiredAt });
const CATALOGUE: Catalogue = {
  domains: [
    { domain: 'water', description: '', builtIn: true, metrics: [metric('pressure_kpa', 'kPa'), metric('flow_m3h', 'm³/h'), metric('old_level_m', 'm', '2026-01-01T00:00:00.000Z')] },
    { domain: 'power', description: '', builtIn: true, metrics: [metric('voltage_v', 'V'), metric('active_power_kw', 'kW')] },
    { domain: 'traffic', description: '', builtIn: true, metrics: [metric('vehicle_count', 'vehicles')] },
  ],
  rejectReasons: [],
};

describe('the town page’s roll-up choices', () => {
  it('sums rates and counts, and averages everything else', () => {
    expect(['m³/h', 'kW', 'vehicles', ' KW '].map(defaultAggregate)).toEqual(['sum', 'sum', 'sum', 'sum']);
    expect(['kPa', 'V', '°C', '%LEL', 'km/h', 'NTU', ''].map(defaultAggregate)).toEqual(['mean', 'mean', 'mean', 'mean', 'mean', 'mean', 'mean']);
  });

  it('offers the metrics in force of the town’s domains, in the order given, none before the catalogue loads', () => {
    expect(rollupOptions(CATALOGUE, ['power', 'water'])).toEqual([
      { domain: 'power', metric: 'voltage_v', unit: 'V' },
      { domain: 'power', metric: 'active_power_kw', unit: 'kW' },
      { domain: 'water', metric: 'pressure_kpa', unit: 'kPa' },
      { domain: 'water', metric: 'flow_m3h', unit: 'm³/h' },
    ]);
    expect(rollupOptions(CATALOGUE, ['heat'])).toEqual([]);
    expect(rollupOptions(undefined, ['water'])).toEqual([]);
  });

  it('starts the window at a bucket boundary so only the last bucket is partial', () => {
    const [hour, day, week] = ROLLUP_RANGES;
    const now = Date.parse('2026-12-06T10:17:31.000Z');
    expect(rollupWindow(now, hour)).toEqual({ from: Date.parse('2026-12-06T09:15:00.000Z'), to: now });
    expect(rollupWindow(now, day)).toEqual({ from: Date.parse('2026-12-05T10:00:00.000Z'), to: now });
    expect(rollupWindow(now, week)).toEqual({ from: Date.parse('2026-11-29T06:00:00.000Z'), to: now });
  });

  it('takes the newest bucket in which a device reported', () => {
    expect(latestValue([{ t: 'a', value: 1, devices: 1 }, { t: 'b', value: 2, devices: 2 }, { t: 'c', value: null, devices: 0 }])).toEqual({ t: 'b', value: 2, devices: 2 });
    // agg=count: an empty bucket counts 0 devices.
    expect(latestValue([{ t: 'a', value: 12, devices: 12 }, { t: 'b', value: 0, devices: 0 }])).toEqual({ t: 'a', value: 12, devices: 12 });
    expect(latestValue([{ t: 'a', value: null, devices: 0 }])).toBeUndefined();
    expect(latestValue([])).toBeUndefined();
  });
});
