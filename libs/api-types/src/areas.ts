import type { Severity } from './alerts';
import type { ReadingSource } from './devices';
import type { ReadingResolution } from '@hub/contract';

/**
 * How a roll-up combines a metric's readings across an area's devices within one time bucket:
 * - `sum`: the sum over devices of each device's mean in the bucket — the area's total of a rate (flow, power,
 *   energy per hour): a device reporting every 10 s counts once, as much as one reporting every 15 minutes.
 * - `mean`, `min`, `max`: over every reading of every device in the bucket (pressure, temperature, level).
 * - `count`: how many distinct devices reported (the same number as `devices`).
 */
export const ROLLUP_AGGREGATES = ['sum', 'mean', 'min', 'max', 'count'] as const;
export type RollupAggregate = (typeof ROLLUP_AGGREGATES)[number];

/** One bucket of a roll-up; `t` is the bucket's start. */
export interface RollupPointView {
  readonly t: string;
  /** Null when no device of the area reported in the bucket (0 with `count`). */
  readonly value: number | null;
  /** Distinct devices that reported in the bucket. */
  readonly devices: number;
}

export interface RollupSeriesView {
  /** An area path: '' for the county, `Ashford` for a town, `Ashford/Millbrook` for a village. */
  readonly area: string;
  /** Every bucket from the one holding `from` to the one holding `to`; [] when nothing in the area reported in the range. */
  readonly points: readonly RollupPointView[];
}

/**
 * GET /api/areas/rollup (the county) and GET /api/areas/{path}/rollup (a town or village): a metric aggregated over
 * an area's devices per time bucket, for the area (`total`) and each of its children (the county's towns, a town's
 * villages; none for a village).
 */
export interface AreaRollupView {
  readonly area: string;
  /** The metric's domain (the InfluxDB measurement its readings are in). */
  readonly domain: string;
  readonly metric: string;
  /** The metric's unit (with `count` the values are numbers of devices). */
  readonly unit: string;
  readonly agg: RollupAggregate;
  /** The bucket size, e.g. `1h`; whole days and weeks are the county's (HUB_TIME_ZONE), weeks start on Monday. */
  readonly every: string;
  readonly from: string;
  readonly to: string;
  /**
   * Null when the answer covers the whole area. A town- or village-scoped caller asking for the county gets only their
   * areas: then the area paths the answer is limited to (their scope's towns and villages).
   */
  readonly scopedTo: readonly string[] | null;
  /** The coarsest resolution the roll-up read, and which part of the range came from where (as in the readings API). */
  readonly resolution: ReadingResolution;
  readonly sources: readonly ReadingSource[];
  readonly total: RollupSeriesView;
  readonly children: readonly RollupSeriesView[];
}

/** The levels under the county: towns, and the villages (or streets) of a town. */
export const AREA_LEVELS = ['town', 'village'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * An area of the county as GET /api/areas lists it: towns, each followed by its villages. `path` is how scopes,
 * devices' `town`/`village`, rule selectors, silences and policy matchers name it: `Ashford`, `Ashford/Millbrook`.
 * `parent` is a village's town (null for a town: its parent is the county). `devices` counts the registered devices
 * in it that the caller may see (a town's count includes its villages').
 */
export interface AreaView {
  readonly path: string;
  readonly name: string;
  readonly parent: string | null;
  readonly level: AreaLevel;
  readonly devices: number;
}

/** POST /api/areas/import (CSV with columns town, village): what was created and each line refused with why. */
export interface AreaImportReport {
  readonly created: readonly string[];
  readonly refused: ReadonlyArray<{ readonly line: number; readonly path?: string; readonly problems: ReadonlyArray<{ readonly field: string; readonly problem: string }> }>;
}

/**
 * A domain's light on an overview tile: `none` (grey) when the area has no device of that domain and no open alert in
 * it; otherwise by the worst open alert there: `critical` (red), `warning` (amber), `ok` (green: none, or info only —
 * info alerts say something worth knowing, not something wrong).
 */
export const DOMAIN_LIGHTS = ['none', 'ok', 'warning', 'critical'] as const;
export type DomainLight = (typeof DOMAIN_LIGHTS)[number];

/** Devices of an area by what presence says of them (see PresenceStatus): reporting + quiet + offline = total. */
export interface AreaDeviceCounts {
  readonly total: number;
  readonly reporting: number;
  readonly quiet: number;
  readonly offline: number;
}

export interface AreaDomainSummary {
  readonly domain: string;
  readonly devices: number;
  readonly openAlerts: number;
  /** The most severe open alert of this domain in the area; null when none is open. */
  readonly worst: Severity | null;
  readonly light: DomainLight;
}

/** One area's line of the overview: its devices, its open alerts (firing or acknowledged) and each domain's light. */
export interface AreaSummary {
  /**
   * The area's path (`Ashford`, `Ashford/Millbrook`). Null for what belongs to no area at that level: among towns,
   * devices and alerts without a town; among a town's villages, those of the town in no village.
   */
  readonly area: string | null;
  readonly devices: AreaDeviceCounts;
  readonly openAlerts: Readonly<Record<Severity, number>>;
  /** One entry per domain of the overview, in its order. */
  readonly domains: readonly AreaDomainSummary[];
}

export interface TownOverview extends AreaSummary {
  /** The town's villages by name, then (area null) what is in the town but in no village, when there is any. */
  readonly villages: readonly AreaSummary[];
}

/**
 * GET /api/overview: every town the caller's scope covers (an Ashford operator: Ashford only), with its villages —
 * from the device registry, presence and the open alerts, all held by the hub (no InfluxDB query).
 */
export interface AreaOverviewView {
  /** When the hub counted (ISO-8601); quiet is judged against this time. */
  readonly generatedAt: string;
  /** A connected device silent this long counts as quiet. */
  readonly quietAfterMs: number;
  /** The domains shown on every tile: the catalogue's within the caller's scope, in its order. */
  readonly domains: readonly string[];
  /** Towns by name; the group of devices without a town (area null) last, when there is one. */
  readonly towns: readonly TownOverview[];
}
