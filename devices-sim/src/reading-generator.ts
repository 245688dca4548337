import { type BuiltInDomain, Domain, isBuiltInDomain, MetricCatalogue, MetricSpec } from '@hub/contract';
import { boundedNoise, Random } from '@hub/common';

/**
 * Realistic healthy readings: each metric follows a daily curve (position 0..1 inside the catalogue's `typical`
 * band, by hour of day) plus a per-device offset and bounded noise, then is clamped into the band. A healthy
 * device therefore never trips validation, and a dashboard shows recognisable shapes (morning/evening water demand,
 * rush hours, colder nights). Units and bands come only from the catalogue; this file holds only the shapes.
 * Hours are UTC so a run is the same on every machine.
 */
export type DailyCurve = (hour: number) => number;

export interface DeviceProfile {
  readonly domain: Domain;
  /** The domain's metrics in force, with the specs they are drawn from (the catalogue the run was given). */
  readonly metrics: readonly (readonly [name: string, spec: MetricSpec])[];
  /** Per-metric shift of the curve, as a share of the typical band, so devices of a fleet differ. */
  readonly offsets: Readonly<Record<string, number>>;
  /** Shifts the device's day by up to ±45 minutes: neighbouring sites do not peak at the same minute. */
  readonly phaseHours: number;
}

const HOUR_MS = 3_600_000;
/** Values stay this share of the band away from its edges, so rounding can never leave the band. */
const EDGE_MARGIN = 0.02;
const NOISE_SHARE = 0.05;
const DEVICE_OFFSET_SHARE = 0.08;

/** A bump centred on `center` o'clock, `width` hours wide, wrapping around midnight. */
function peak(hour: number, center: number, width: number): number {
  const distance = Math.min(Math.abs(hour - center), 24 - Math.abs(hour - center));
  return Math.exp(-(distance * distance) / (2 * width * width));
}

/** 1 at `coldestHour`, 0 twelve hours later. */
function cold(hour: number, coldestHour = 4): number {
  return 0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - coldestHour)) / 24);
}

const waterDemand: DailyCurve = (h) => 0.1 + 0.8 * Math.min(1, peak(h, 7, 1.5) + 0.8 * peak(h, 19.5, 2));
const powerLoad: DailyCurve = (h) => 0.2 + 0.75 * Math.min(1, 0.5 * peak(h, 8, 2) + peak(h, 19, 2.5));
const gasDemand: DailyCurve = (h) => 0.15 + 0.8 * Math.min(1, 0.8 * peak(h, 7, 2) + 0.7 * peak(h, 18.5, 2.5));
const heatDemand: DailyCurve = (h) => 0.15 + 0.8 * Math.min(1, 0.6 * peak(h, 7, 2) + 0.4 * peak(h, 19, 2.5) + 0.3 * cold(h));
const rushHour: DailyCurve = (h) => 0.05 + 0.9 * Math.min(1, peak(h, 8, 1.2) + 0.9 * peak(h, 17.5, 1.5) + 0.3 * peak(h, 13, 3));

export const DAILY_CURVES: Readonly<Record<BuiltInDomain, Readonly<Record<string, DailyCurve>>>> = {
  water: {
    flow_m3h: waterDemand,
    // Pressure sags while demand is high (head loss in the mains).
    pressure_kpa: (h) => 0.85 - 0.6 * waterDemand(h),
    // Reservoirs refill overnight and draw down through the day.
    level_m: (h) => 0.5 + 0.3 * cold(h, 5),
    turbidity_ntu: (h) => 0.2 + 0.2 * waterDemand(h),
    chlorine_mgl: (h) => 0.55 - 0.15 * waterDemand(h),
    ph: () => 0.5,
  },
  power: {
    current_a: powerLoad,
    active_power_kw: powerLoad,
    // LV voltage drops under load.
    voltage_v: (h) => 0.75 - 0.45 * powerLoad(h),
    frequency_hz: () => 0.5,
    power_factor: (h) => 0.4 + 0.4 * powerLoad(h),
    // Top-oil temperature lags the load by about two hours.
    transformer_temp_c: (h) => 0.15 + 0.7 * powerLoad((h + 22) % 24),
  },
  gas: {
    flow_m3h: gasDemand,
    pressure_kpa: (h) => 0.8 - 0.5 * gasDemand(h),
    // Background methane at a healthy site is a trace, far below the alarm thresholds.
    methane_pct_lel: () => 0.1,
    temperature_c: (h) => 0.5 - 0.35 * cold(h, 5),
  },
  heat: {
    // Weather-compensated: supply runs hotter on a cold night.
    supply_temp_c: (h) => 0.3 + 0.6 * cold(h),
    return_temp_c: (h) => 0.3 + 0.4 * cold(h),
    flow_m3h: heatDemand,
    pressure_mpa: (h) => 0.4 + 0.3 * heatDemand(h),
  },
  traffic: {
    vehicle_count: rushHour,
    // Speed falls as the road fills.
    avg_speed_kmh: (h) => 0.92 - 0.75 * rushHour(h),
    occupancy_pct: (h) => 0.05 + 0.85 * rushHour(h),
    queue_length_m: (h) => 0.02 + 0.9 * rushHour(h) ** 2,
  },
};

const FLAT: DailyCurve = () => 0.5;

export function createDeviceProfile(domain: Domain, random: Random, catalogue: MetricCatalogue = MetricCatalogue.BUILT_IN): DeviceProfile {
  const metrics = catalogue.metricNames(domain).map((name) => [name, catalogue.metricSpec(domain, name) as MetricSpec] as const);
  const offsets: Record<string, number> = {};
  for (const [metric] of metrics) {
    offsets[metric] = boundedNoise(random) * DEVICE_OFFSET_SHARE;
  }
  return { domain, metrics, offsets, phaseHours: boundedNoise(random) * 0.75 };
}

/** One healthy reading for event time `ts`; every value lies inside its metric's `typical` band. */
export function generateMetrics(profile: DeviceProfile, ts: number, random: Random): Record<string, number> {
  const hour = (((ts / HOUR_MS + profile.phaseHours) % 24) + 24) % 24;
  // An admin's domain has no shapes here: its metrics keep to the middle of their typical band, with noise.
  const curves: Readonly<Record<string, DailyCurve>> = isBuiltInDomain(profile.domain) ? DAILY_CURVES[profile.domain] : {};
  const metrics: Record<string, number> = {};
  for (const [metric, spec] of profile.metrics) {
    const position = (curves[metric] ?? FLAT)(hour) + (profile.offsets[metric] ?? 0) + boundedNoise(random) * NOISE_SHARE;
    metrics[metric] = valueInBand(spec, position);
  }
  return metrics;
}

/** Maps a position (0 = bottom of the typical band, 1 = top) to a value, clamped and rounded to the band's scale. */
export function valueInBand(spec: MetricSpec, position: number): number {
  const [min, max] = spec.typical;
  const clamped = Math.min(1 - EDGE_MARGIN, Math.max(EDGE_MARGIN, position));
  const raw = min + clamped * (max - min);
  if (spec.integer) {
    return Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(raw)));
  }
  return Math.min(max, Math.max(min, roundToScale(raw, max - min)));
}

/** Rounds to about four significant digits of the band's width: 0.1 Hz bands keep 0.0001 Hz, kW bands keep 0.1 kW. */
export function roundToScale(value: number, span: number): number {
  const decimals = Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(span))));
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
