import { BUILT_IN_DOMAINS, BUILT_IN_CATALOGUE } from '@hub/contract';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { bandOf, domainLabel, formatBytes, formatCount, formatValue, metricLabel } from './values';

beforeEach(() => useLanguageForTests('en'));

describe('metricLabel', () => {
  it('names every metric of the catalogue without its unit (the unit is shown with the value)', () => {
    const labels = Object.fromEntries(BUILT_IN_DOMAINS.flatMap((domain) => Object.keys(BUILT_IN_CATALOGUE[domain]).map((metric) => [`${domain}.${metric}`, metricLabel(metric)])));
    expect(labels).toEqual({
      'water.pressure_kpa': 'Pressure',
      'water.flow_m3h': 'Flow',
      'water.level_m': 'Level',
      'water.turbidity_ntu': 'Turbidity',
      'water.chlorine_mgl': 'Chlorine',
      'water.ph': 'pH',
      'power.voltage_v': 'Voltage',
      'power.current_a': 'Current',
      'power.active_power_kw': 'Active power',
      'power.frequency_hz': 'Frequency',
      'power.power_factor': 'Power factor',
      'power.transformer_temp_c': 'Transformer temperature',
      'gas.pressure_kpa': 'Pressure',
      'gas.flow_m3h': 'Flow',
      'gas.methane_pct_lel': 'Methane',
      'gas.temperature_c': 'Temperature',
      'heat.supply_temp_c': 'Supply temperature',
      'heat.return_temp_c': 'Return temperature',
      'heat.pressure_mpa': 'Pressure',
      'heat.flow_m3h': 'Flow',
      'traffic.vehicle_count': 'Vehicle count',
      'traffic.avg_speed_kmh': 'Average speed',
      'traffic.occupancy_pct': 'Occupancy',
      'traffic.queue_length_m': 'Queue length',
    });
  });

  it('keeps a name that is only a unit-like word', () => {
    expect(metricLabel('m')).toBe('M');
    expect(metricLabel('custom_metric')).toBe('Custom metric');
  });
});

describe('formatValue', () => {
  it('gives fewer decimals the larger the value, and the unit except the dimensionless "1"', () => {
    expect(formatValue(0.21345, '%LEL')).toBe('0.213 %LEL');
    expect(formatValue(12.3456, '°C')).toBe('12.35 °C');
    expect(formatValue(412.55, 'kPa')).toBe('412.6 kPa');
    expect(formatValue(4125.5, 'm³/h')).toBe('4,126 m³/h');
    expect(formatValue(0.95, '1')).toBe('0.95');
    expect(formatValue(null, 'kPa')).toBe('—');
    expect(formatValue(Number.NaN)).toBe('—');
  });
});

describe('bandOf', () => {
  it('places a value against the typical band, edges included in it', () => {
    expect([bandOf(2, [0, 2]), bandOf(2.01, [0, 2]), bandOf(-0.1, [0, 2]), bandOf(0, [0, 2])]).toEqual(['normal', 'high', 'low', 'normal']);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(21_061_004_288)]).toEqual(['0 bytes', '1,023 bytes', '1.5 KiB', '19.6 GiB']);
  });
});

describe('in Chinese', () => {
  beforeEach(() => useLanguageForTests('zh-CN'));

  it('names the built-in domains and metrics in Chinese, an added one as it is spelt', () => {
    expect([domainLabel('water'), domainLabel('traffic'), domainLabel('air_quality')]).toEqual(['供水', '交通', 'Air quality']);
    expect([metricLabel('methane_pct_lel'), metricLabel('supply_temp_c'), metricLabel('ph'), metricLabel('custom_metric')]).toEqual(['甲烷', '供水温度', 'pH 值', 'Custom metric']);
  });

  it('writes numbers and sizes in the console’s language', () => {
    expect([formatValue(4125.5, 'm³/h'), formatCount(1234567), formatBytes(1023)]).toEqual(['4,126 m³/h', '1,234,567', '1,023 字节']);
  });
});
