/**
 * The data contract's catalogue: every domain, every metric, its unit and plausible physical range.
 * Validation, the simulator, the generated docs and (later) the default alert rules all read this one table.
 *
 * `range` is what the physical quantity can plausibly be at a field sensor: a value outside it is a sensor,
 * wiring or configuration fault and is refused. `typical` is the normal operating band of a healthy network;
 * the simulator draws from it and operators can read it as "what normal looks like".
 */
export const DOMAINS = ['water', 'power', 'gas', 'heat', 'traffic'] as const;
export type Domain = (typeof DOMAINS)[number];

export interface MetricSpec {
  readonly unit: string;
  readonly description: string;
  /** Inclusive plausible physical range; anything outside is refused as VALUE_OUT_OF_RANGE. */
  readonly range: readonly [min: number, max: number];
  /** Normal operating band of a healthy network. */
  readonly typical: readonly [min: number, max: number];
  /** Counts must be whole numbers. */
  readonly integer?: boolean;
}

export type DomainCatalogue = Readonly<Record<string, MetricSpec>>;

export const METRIC_CATALOGUE: Readonly<Record<Domain, DomainCatalogue>> = {
  water: {
    pressure_kpa: { unit: 'kPa', description: 'Main or district-metered-area pressure', range: [0, 2500], typical: [300, 600] },
    flow_m3h: { unit: 'm³/h', description: 'Volumetric flow', range: [0, 10000], typical: [20, 400] },
    level_m: { unit: 'm', description: 'Reservoir or tank level', range: [0, 100], typical: [3, 8] },
    turbidity_ntu: { unit: 'NTU', description: 'Turbidity', range: [0, 4000], typical: [0.1, 1] },
    chlorine_mgl: { unit: 'mg/L', description: 'Free chlorine residual', range: [0, 20], typical: [0.2, 1.5] },
    ph: { unit: 'pH', description: 'Acidity', range: [0, 14], typical: [6.8, 8.2] },
  },
  power: {
    voltage_v: { unit: 'V', description: 'Low-voltage phase-to-neutral voltage', range: [0, 1000], typical: [225, 240] },
    current_a: { unit: 'A', description: 'Feeder current', range: [0, 10000], typical: [50, 400] },
    active_power_kw: {
      unit: 'kW',
      description: 'Active power; negative when local generation feeds back',
      range: [-100000, 100000],
      typical: [50, 300],
    },
    frequency_hz: { unit: 'Hz', description: 'Grid frequency', range: [40, 70], typical: [49.95, 50.05] },
    power_factor: { unit: '1', description: 'Power factor', range: [-1, 1], typical: [0.9, 0.99] },
    transformer_temp_c: { unit: '°C', description: 'Transformer top-oil temperature', range: [-50, 200], typical: [40, 75] },
  },
  gas: {
    pressure_kpa: { unit: 'kPa', description: 'Line pressure', range: [0, 10000], typical: [100, 400] },
    flow_m3h: { unit: 'm³/h', description: 'Volumetric flow', range: [0, 100000], typical: [10, 500] },
    methane_pct_lel: { unit: '%LEL', description: 'Methane concentration as a share of the lower explosive limit', range: [0, 100], typical: [0, 2] },
    temperature_c: { unit: '°C', description: 'Gas temperature', range: [-50, 100], typical: [5, 20] },
  },
  heat: {
    supply_temp_c: { unit: '°C', description: 'District-heat supply (flow) temperature', range: [0, 200], typical: [70, 95] },
    return_temp_c: { unit: '°C', description: 'District-heat return temperature', range: [0, 200], typical: [40, 55] },
    pressure_mpa: { unit: 'MPa', description: 'Network pressure', range: [0, 4], typical: [0.6, 1.2] },
    flow_m3h: { unit: 'm³/h', description: 'Volumetric flow', range: [0, 10000], typical: [50, 300] },
  },
  traffic: {
    vehicle_count: { unit: 'vehicles', description: 'Vehicles counted since the previous reading', range: [0, 10000], typical: [0, 60], integer: true },
    avg_speed_kmh: { unit: 'km/h', description: 'Average speed', range: [0, 300], typical: [20, 60] },
    occupancy_pct: { unit: '%', description: 'Detector occupancy', range: [0, 100], typical: [5, 40] },
    queue_length_m: { unit: 'm', description: 'Queue length at the stop line', range: [0, 5000], typical: [0, 80] },
  },
};

export function isDomain(value: string): value is Domain {
  return (DOMAINS as readonly string[]).includes(value);
}

/** The metric spec, or undefined when the domain has no such metric (own properties only: `constructor` is not a metric). */
export function metricSpec(domain: Domain, metric: string): MetricSpec | undefined {
  const catalogue = METRIC_CATALOGUE[domain];
  return Object.prototype.hasOwnProperty.call(catalogue, metric) ? catalogue[metric] : undefined;
}

export function metricNames(domain: Domain): string[] {
  return Object.keys(METRIC_CATALOGUE[domain]);
}
