import { UNPRINTABLE_CLASS } from './printable-text';

/**
 * Areas: the county (the root, path `""`), its towns (path = the town's name, as devices have always named them) and
 * their villages or streets (path `Town/Village`). Scopes, rule selectors, silences and policy matchers name areas by
 * path: a town covers itself and its villages, a village only itself.
 */
export const AREA_SEPARATOR = '/';

/** An area's own name: a town's rules (TOWN_NAME_PATTERN) and no `/`, which separates the levels of a path. */
export const AREA_NAME_PATTERN = new RegExp(`^(?!.*(?:${UNPRINTABLE_CLASS}|/))\\S(.{0,98}\\S)?$`, 'u');
export const AREA_NAME_RULE = 'an area name of 1–100 characters, without "/", control or invisible formatting characters';

const NAME = `(?!\\s)(?:(?!${UNPRINTABLE_CLASS}|/).){1,100}(?<!\\s)`;
/** `Town` or `Town/Village`, each part an area name: what a scope entry may name. */
export const AREA_PATH_PATTERN = new RegExp(`^${NAME}(?:/${NAME})?$`, 'u');
export const AREA_PATH_RULE = 'a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters';

/** Where a thing is: its town and, within it, its village (null when it has none or is in no town). */
export interface AreaPlace {
  readonly town: string | null;
  readonly village?: string | null;
}

/** The path of a place: `Town`, `Town/Village`, or null for a thing in no town. */
export function areaPathOf(place: AreaPlace): string | null {
  if (place.town === null) return null;
  return place.village == null ? place.town : `${place.town}${AREA_SEPARATOR}${place.village}`;
}

/** The town and village a path names (the inverse of areaPathOf). */
export function placeOfPath(path: string | null): { town: string | null; village: string | null } {
  if (path === null) return { town: null, village: null };
  const at = path.indexOf(AREA_SEPARATOR);
  return at < 0 ? { town: path, village: null } : { town: path.slice(0, at), village: path.slice(at + 1) };
}

/** Whether the area `entry` (a scope's, a selector's) covers the area at `path`: the same area, or a village of that town. */
export function areaCovers(entry: string, path: string | null): boolean {
  return path !== null && (path === entry || path.startsWith(`${entry}${AREA_SEPARATOR}`));
}

/** Whether any of `entries` covers the area at `path`. */
export function anyAreaCovers(entries: readonly string[], path: string | null): boolean {
  return entries.some((entry) => areaCovers(entry, path));
}

/** Whether two areas share ground: one covers the other (a town and its village, or the same area). */
export function areasOverlap(a: string, b: string): boolean {
  return areaCovers(a, b) || areaCovers(b, a);
}
