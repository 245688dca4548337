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
