import { AREA_PATH_PATTERN, anyAreaCovers, areasOverlap, placeOfPath } from '@hub/common';
import type { AccessScope } from '@hub/access';

/**
 * An area of the county by its path: the county itself (''), a town (`Ashford`) or a village or street of a town
 * (`Ashford/Millbrook`). Area names never hold a `/`, so the path splits without escapes. Readings carry the town
 * and village as InfluxDB tags, which is how a roll-up finds an area's readings.
 */
export type AreaPath = { readonly level: 'county' } | { readonly level: 'town'; readonly town: string } | { readonly level: 'village'; readonly town: string; readonly village: string };

export const COUNTY: AreaPath = { level: 'county' };

export const AREA_PATH_RULE = 'a town, or Town/Village, each name 1–100 characters without control or invisible characters (percent-encode the /: Ashford%2FMillbrook)';

/** The area a path names, or undefined when it cannot name one (the registry's AREA_PATH_PATTERN: two levels at most). */
export function parseAreaPath(path: string): AreaPath | undefined {
  if (path === '') return COUNTY;
  if (!AREA_PATH_PATTERN.test(path)) return undefined;
  const { town, village } = placeOfPath(path);
  return village === null ? { level: 'town', town: town! } : { level: 'village', town: town!, village };
}

export function formatAreaPath(area: AreaPath): string {
  switch (area.level) {
    case 'county':
      return '';
    case 'town':
      return area.town;
    case 'village':
      return `${area.town}/${area.village}`;
  }
}

/** "the county", "Ashford", "Ashford/Millbrook": for messages. */
export function describeArea(area: AreaPath): string {
  return area.level === 'county' ? 'the county' : formatAreaPath(area);
}

/** Whether `outer` contains `inner` (an area contains itself; the county contains everything). */
export function areaContains(outer: AreaPath, inner: AreaPath): boolean {
  switch (outer.level) {
    case 'county':
      return true;
    case 'town':
      return inner.level !== 'county' && inner.town === outer.town;
    case 'village':
      return inner.level === 'village' && inner.town === outer.town && inner.village === outer.village;
  }
}

/**
 * The areas a scope's `towns` list names (its entries are area paths: `Ashford` covers the town and its villages,
 * `Ashford/Millbrook` only that village); null for a scope without towns, which covers the whole county. An entry no
 * area can have (e.g. an old town name holding a `/` and more) covers nothing.
 */
export function scopeAreas(scope: Pick<AccessScope, 'towns'>): AreaPath[] | null {
  if (scope.towns.length === 0) return null;
  return scope.towns.map(parseAreaPath).filter((area): area is AreaPath => area !== undefined && area.level !== 'county');
}

/** Whether the scope covers all of `area` (the same rule as every other scope check: @hub/common's area paths). */
export function scopeCoversArea(scope: Pick<AccessScope, 'towns'>, area: AreaPath): boolean {
  if (scope.towns.length === 0) return true;
  return area.level !== 'county' && anyAreaCovers(scope.towns, formatAreaPath(area));
}

/** Whether the scope covers any part of `area` (a town-scoped principal sees part of the county; a village-scoped one part of its town). */
export function scopeTouchesArea(scope: Pick<AccessScope, 'towns'>, area: AreaPath): boolean {
  if (scope.towns.length === 0 || area.level === 'county') return true;
  return scope.towns.some((entry) => areasOverlap(entry, formatAreaPath(area)));
}
