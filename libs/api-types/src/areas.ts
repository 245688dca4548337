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
