import { MetricCatalogue } from '@hub/contract';
import { resolveRollupMetric } from './rollup-metric';

const catalogue = MetricCatalogue.BUILT_IN;

describe('resolveRollupMetric', () => {
  it('finds a metric in the one domain that has it, or in the domain named', () => {
    expect(resolveRollupMetric(catalogue, 'active_power_kw', undefined)).toEqual({ domain: 'power', metric: 'active_power_kw', unit: 'kW' });
    expect(resolveRollupMetric(catalogue, 'flow_m3h', 'gas')).toEqual({ domain: 'gas', metric: 'flow_m3h', unit: 'm³/h' });
  });

  it('asks which domain when the name is in several', () => {
    expect(() => resolveRollupMetric(catalogue, 'flow_m3h', undefined)).toThrow('Query parameter metric="flow_m3h" is a metric of water, gas, heat: add domain= one of them to say which');
  });

  it('lists the metrics there are when the name is in none, or not in the domain named', () => {
    expect(() => resolveRollupMetric(catalogue, 'flow', 'water')).toThrow(
      'Invalid query parameter metric="flow": domain water has no such metric; metrics of water: pressure_kpa, flow_m3h, level_m, turbidity_ntu, chlorine_mgl, ph',
    );
    expect(() => resolveRollupMetric(catalogue, 'flow', undefined)).toThrow(
      /^Invalid query parameter metric="flow": no domain of the catalogue has such a metric; metrics of water: pressure_kpa, .*; of traffic: vehicle_count, avg_speed_kmh, occupancy_pct, queue_length_m$/,
    );
    expect(() => resolveRollupMetric(catalogue, undefined, undefined)).toThrow(/^Missing query parameter metric: expected a metric of the catalogue \(GET \/api\/catalogue\); metrics of water: pressure_kpa/);
  });
});
