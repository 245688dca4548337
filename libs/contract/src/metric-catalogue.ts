/**
 * The data contract's catalogue: every domain, every metric, its unit and plausible physical range. Validation, the
 * simulator, the generated docs, alert-rule validation and the console all read it.
 *
 * Two layers: the built-in catalogue below ships with the code (water, power, gas, heat, traffic); admins extend and
 * adjust it at run time (a `flood` domain, a conductivity probe, a narrower range), and those changes live in the
 * database (@hub/catalogue). A `MetricCatalogue` is one immutable snapshot of both; whoever validates asks a
 * `CatalogueSource` for the current one, so a change is in force for the next message on every connection.
 *
 * `range` is what the physical quantity can plausibly be at a field sensor: a value outside it is a sensor,
 * wiring or configuration fault and is refused. `typical` is the normal operating band of a healthy network;
 * the simulator draws from it and operators can read it as "what normal looks like".
 */
export const BUILT_IN_DOMAINS = ['water', 'power', 'gas', 'heat', 'traffic'] as const;
export type BuiltInDomain = (typeof BUILT_IN_DOMAINS)[number];
/** A domain name: a built-in one or one an admin added (`DOMAIN_NAME_PATTERN`). */
export type Domain = string;

/** Lower-case letters, digits and `_`, starting with a letter, 2–32 long: safe in a topic, a tag and a file name. */
export const DOMAIN_NAME_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;
/** Lower-case letters, digits and `_`, starting with a letter, at most 64 long (the built-ins name their unit: `_kpa`). */
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export interface MetricSpec {
  readonly unit: string;
  readonly description: string;
  /** Inclusive plausible physical range; anything outside is refused as VALUE_OUT_OF_RANGE. */
  readonly range: readonly [min: number, max: number];
  /** Normal operating band of a healthy network. */
  readonly typical: readonly [min: number, max: number];
  /** Counts must be whole numbers. */
  readonly integer?: boolean;
  /** Set when an admin retired the metric: new readings of it are refused, stored ones stay. */
  readonly retiredAt?: number;
}

export type DomainCatalogue = Readonly<Record<string, MetricSpec>>;

export const BUILT_IN_CATALOGUE: Readonly<Record<BuiltInDomain, DomainCatalogue>> = {
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

/** What each built-in domain covers, for the catalogue's readers. */
export const BUILT_IN_DOMAIN_DESCRIPTIONS: Readonly<Record<BuiltInDomain, string>> = {
  water: 'Water supply: pressure, flow, reservoir level and quality',
  power: 'Low-voltage electricity distribution',
  gas: 'Gas distribution and leak detection',
  heat: 'District heating network',
  traffic: 'Road traffic detectors',
};

/** One domain of a snapshot: its metrics in order (built-ins first, as shipped, then admins' in the order added). */
export interface CatalogueDomainEntry {
  readonly description: string;
  readonly builtIn: boolean;
  readonly metrics: ReadonlyMap<string, MetricSpec>;
}

/** Whoever validates asks for the current snapshot per message, so a change is in force at once. */
export interface CatalogueSource {
  current(): MetricCatalogue;
}

/**
 * One immutable snapshot of the catalogue. Built once per change (never per message); lookups are Map gets.
 * `metricSpec` answers retired metrics too (with `retiredAt`), so validation can say a metric was retired rather
 * than that it never existed; `metricNames` lists only those in force.
 */
export class MetricCatalogue implements CatalogueSource {
  static readonly BUILT_IN = new MetricCatalogue(
    new Map(
      BUILT_IN_DOMAINS.map((domain) => [
        domain,
        { description: BUILT_IN_DOMAIN_DESCRIPTIONS[domain], builtIn: true, metrics: new Map(Object.entries(BUILT_IN_CATALOGUE[domain])) },
      ]),
    ),
  );

  constructor(private readonly entries: ReadonlyMap<Domain, CatalogueDomainEntry>) {}

  current(): MetricCatalogue {
    return this;
  }

  domains(): Domain[] {
    return [...this.entries.keys()];
  }

  hasDomain(domain: string): boolean {
    return this.entries.has(domain);
  }

  domain(domain: Domain): CatalogueDomainEntry | undefined {
    return this.entries.get(domain);
  }

  /** The metric spec, retired or not; undefined when the domain has no such metric. */
  metricSpec(domain: Domain, metric: string): MetricSpec | undefined {
    return this.entries.get(domain)?.metrics.get(metric);
  }

  /** The metrics of a domain that are in force (not retired), in catalogue order. */
  metricNames(domain: Domain): string[] {
    const metrics = this.entries.get(domain)?.metrics;
    if (metrics === undefined) return [];
    return [...metrics].filter(([, spec]) => spec.retiredAt === undefined).map(([name]) => name);
  }
}


export function isBuiltInDomain(value: string): value is BuiltInDomain {
  return (BUILT_IN_DOMAINS as readonly string[]).includes(value);
}

/** True when `value` can name a domain (a topic segment the catalogue may know); whether it does is the catalogue's. */
export function isDomainName(value: string): boolean {
  return DOMAIN_NAME_PATTERN.test(value);
}
