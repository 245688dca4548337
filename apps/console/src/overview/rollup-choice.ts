import type { Catalogue, RollupAggregate } from '@hub/api-types';

/** A metric the town page can roll up: the catalogue's, of a domain the town has devices in. */
export interface RollupOption {
  readonly domain: string;
  readonly metric: string;
  readonly unit: string;
}

/**
 * Units whose area total is the sum of the devices' values: rates (the town's water flow is its meters' flows added
 * up, its load the feeders' kW) and counts (vehicles counted by each loop). Anything else — a pressure, a
 * temperature, a level, a percentage — is summarised by its mean: adding up pressures means nothing.
 */
const SUMMED_UNITS: ReadonlySet<string> = new Set(['m³/h', 'm3/h', 'l/s', 'l/min', 't/h', 'w', 'kw', 'mw', 'vehicles']);

/** The aggregate a town page starts with for a metric of this unit: `sum` for rates and counts, else `mean`. */
export function defaultAggregate(unit: string): RollupAggregate {
  return SUMMED_UNITS.has(unit.trim().toLowerCase()) ? 'sum' : 'mean';
}

/** The metrics in force of the given domains, in the catalogue's order (domains in the order given). */
export function rollupOptions(catalogue: Catalogue | undefined, domains: readonly string[]): RollupOption[] {
  if (catalogue === undefined) return [];
  return domains.flatMap((domain) =>
    (catalogue.domains.find((entry) => entry.domain === domain)?.metrics ?? [])
      .filter((metric) => metric.retiredAt === null)
      .map((metric) => ({ domain, metric: metric.name, unit: metric.unit })),
  );
}

/** The range buttons of the roll-up and the bucket each uses: whole minutes to hours, never more than 30 buckets. */
export const ROLLUP_RANGES = [
  { key: '1h', label: 'device.range.1h', spanMs: 3_600_000, every: '5m', everyMs: 300_000, refreshMs: 30_000 },
  { key: '24h', label: 'device.range.24h', spanMs: 86_400_000, every: '1h', everyMs: 3_600_000, refreshMs: 120_000 },
  { key: '7d', label: 'device.range.7d', spanMs: 7 * 86_400_000, every: '6h', everyMs: 6 * 3_600_000, refreshMs: 600_000 },
] as const;
export type RollupRangeKey = (typeof ROLLUP_RANGES)[number]['key'];

/**
 * The range to ask for: from the start of the bucket holding `now − span` to `now`, so every bucket but the last is
 * whole (buckets are aligned to the epoch for minutes and hours).
 */
export function rollupWindow(now: number, range: (typeof ROLLUP_RANGES)[number]): { from: number; to: number } {
  const from = Math.floor((now - range.spanMs) / range.everyMs) * range.everyMs;
  return { from, to: now };
}

/**
 * The newest bucket in which a device reported, or undefined when none did (a `count` of 0 in the current, barely
 * begun bucket is not news).
 */
export function latestValue<Point extends { readonly value: number | null; readonly devices: number }>(points: readonly Point[]): (Point & { readonly value: number }) | undefined {
  for (let index = points.length - 1; index >= 0; index -= 1) {
    const point = points[index];
    if (point.value !== null && point.devices > 0) return point as Point & { readonly value: number };
  }
  return undefined;
}
