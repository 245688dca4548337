import { booleanValid } from '@turf/boolean-valid';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { AreaBoundaryFeature } from '@hub/api-types';
import { AREA_PATH_PATTERN, type DomainIssue, isJsonObject, quoted } from '@hub/common';
import { firstRingFault, type Point } from './ring-crossing';

/**
 * How much one boundary file may hold. Turf's validity check costs the square of a ring's positions (5,000 take
 * about 0.85 s on one core here), so rings and the whole file are capped; the check runs off the event loop
 * (boundary-file.checker.ts). A village outline drawn on a county map needs a few hundred positions.
 */
export const BOUNDARY_FILE_LIMITS = { maxFeatures: 5_000, maxRingPositions: 5_000, maxPositions: 200_000 } as const;
export type BoundaryFileLimits = { readonly [key in keyof typeof BOUNDARY_FILE_LIMITS]: number };

/** Problems listed at most; past it, one more issue says how many were left out. */
const MAX_ISSUES = 100;

/** A file that passed: its features sorted by area, and where each area's feature was in the file (for later refusals). */
export type BoundaryFileCheck =
  | { readonly ok: true; readonly features: AreaBoundaryFeature[]; readonly indexOf: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly issues: DomainIssue[] };

export const AREA_PATH_RULE =
  'an area path: "" for the county, a town ("Ashford") or a town and one of its villages ("Ashford/Millbrook"), each name 1–100 characters without control or invisible formatting characters';

/** `""` (the county), `Town` or `Town/Village`: names as towns are named, `/` only between them. */
export function isAreaPath(path: string): boolean {
  return path === '' || AREA_PATH_PATTERN.test(path);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * An uploaded boundary file, checked whole: a GeoJSON FeatureCollection (RFC 7946) of one Polygon or MultiPolygon
 * feature per area, `properties.area` its path, positions WGS 84 longitude/latitude, each polygon simple and valid.
 * Every problem is listed at its place (`features[3].geometry.coordinates[0]`), the first per feature; the features
 * come back as stored: the area and the geometry only, positions without altitude.
 */
export function checkBoundaryFile(bytes: Uint8Array, limits: BoundaryFileLimits = BOUNDARY_FILE_LIMITS): BoundaryFileCheck {
  let text: string;
  try {
    // A byte order mark is dropped by the decoder (some GIS tools write one).
    text = UTF8.decode(bytes);
  } catch {
    return refused([{ field: 'body', problem: 'is not UTF-8 text: a GeoJSON file is UTF-8 (RFC 7946 §11)' }]);
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    return refused([{ field: 'body', problem: `is not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (!isJsonObject(file)) return refused([{ field: 'body', problem: 'must be a GeoJSON FeatureCollection object' }]);
  if (file.type !== 'FeatureCollection') return refused([{ field: 'type', problem: `must be "FeatureCollection", got ${describe(file.type)}` }]);
  const features = file.features;
  if (!Array.isArray(features)) return refused([{ field: 'features', problem: 'must be an array of Features' }]);
  if (features.length > limits.maxFeatures) return refused([{ field: 'features', problem: `has ${features.length} features; at most ${limits.maxFeatures} are taken` }]);

  const issues: DomainIssue[] = [];
  const checked: AreaBoundaryFeature[] = [];
  const seen = new Map<string, number>();
  const budget = { positions: limits.maxPositions };
  features.forEach((feature: unknown, index) => {
    const at = `features[${index}]`;
    const area = checkFeatureHead(feature, at, issues);
    if (area !== undefined) {
      const first = seen.get(area);
      if (first !== undefined) issues.push({ field: `${at}.properties.area`, problem: `${quoted(area)} already has a boundary (features[${first}]): one feature per area; join its polygons into one MultiPolygon` });
      else seen.set(area, index);
    }
    const geometry = isJsonObject(feature) ? checkGeometry(feature.geometry, `${at}.geometry`, issues, limits, budget) : undefined;
    if (area !== undefined && geometry !== undefined) checked.push({ type: 'Feature', properties: { area }, geometry });
  });
  if (budget.positions < 0) issues.push({ field: 'features', problem: `hold more than ${limits.maxPositions} positions in all: simplify the boundaries (e.g. mapshaper -simplify)` });
  if (issues.length > 0) return refused(issues);
  return { ok: true, features: checked.sort((a, b) => (a.properties.area < b.properties.area ? -1 : 1)), indexOf: Object.fromEntries(seen) };
}

function refused(issues: DomainIssue[]): BoundaryFileCheck {
  if (issues.length <= MAX_ISSUES) return { ok: false, issues };
  return { ok: false, issues: [...issues.slice(0, MAX_ISSUES), { field: 'features', problem: `and ${issues.length - MAX_ISSUES} more problems not listed` }] };
}

/** The feature's area path, when it is a Feature with a good one. */
function checkFeatureHead(feature: unknown, at: string, issues: DomainIssue[]): string | undefined {
  if (!isJsonObject(feature) || feature.type !== 'Feature') {
    issues.push({ field: `${at}.type`, problem: `must be "Feature", got ${isJsonObject(feature) ? describe(feature.type) : describe(feature)}` });
    return undefined;
  }
  const properties = feature.properties;
  const area = isJsonObject(properties) ? properties.area : undefined;
  if (area === undefined || area === null) {
    issues.push({ field: `${at}.properties.area`, problem: 'is missing: each feature names the area it outlines by its path, e.g. "Ashford" or "Ashford/Millbrook"' });
    return undefined;
  }
  if (typeof area !== 'string' || !isAreaPath(area)) {
    issues.push({ field: `${at}.properties.area`, problem: `must be ${AREA_PATH_RULE}; got ${describe(area)}` });
    return undefined;
  }
  return area;
}

function checkGeometry(geometry: unknown, at: string, issues: DomainIssue[], limits: BoundaryFileLimits, budget: { positions: number }): Polygon | MultiPolygon | undefined {
  if (!isJsonObject(geometry)) {
    issues.push({ field: at, problem: 'is missing: an area’s boundary is a Polygon or MultiPolygon' });
    return undefined;
  }
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    issues.push({ field: `${at}.type`, problem: `is ${describe(geometry.type)}: an area’s boundary is a Polygon or MultiPolygon` });
    return undefined;
  }
  const coordinates = geometry.coordinates;
  let result: Polygon | MultiPolygon | undefined;
  if (geometry.type === 'Polygon') {
    const rings = checkPolygon(coordinates, `${at}.coordinates`, issues, limits, budget);
    result = rings === undefined ? undefined : { type: 'Polygon', coordinates: rings };
  } else if (!Array.isArray(coordinates) || coordinates.length === 0) {
    issues.push({ field: `${at}.coordinates`, problem: 'must be a non-empty array of polygons, each an array of linear rings' });
  } else {
    const polygons: Position[][][] = [];
    for (let part = 0; part < coordinates.length; part++) {
      const rings = checkPolygon(coordinates[part], `${at}.coordinates[${part}]`, issues, limits, budget);
      if (rings === undefined) return undefined;
      polygons.push(rings);
    }
    result = { type: 'MultiPolygon', coordinates: polygons };
  }
  if (result !== undefined && !booleanValid(result)) {
    issues.push({
      field: at,
      problem: 'is not a valid polygon (OGC simple features): a ring touches itself, a hole crosses its outer ring, or parts of the MultiPolygon cross each other',
    });
    return undefined;
  }
  return result;
}

/** A polygon's rings, each checked; undefined (one issue recorded) at the first bad one. */
function checkPolygon(value: unknown, at: string, issues: DomainIssue[], limits: BoundaryFileLimits, budget: { positions: number }): Position[][] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ field: at, problem: 'must be a non-empty array of linear rings (the outer boundary, then any holes)' });
    return undefined;
  }
  const rings: Position[][] = [];
  for (let index = 0; index < value.length; index++) {
    const ring = checkRing(value[index], `${at}[${index}]`, issues, limits, budget);
    if (ring === undefined) return undefined;
    rings.push(ring);
  }
  return rings;
}

function checkRing(value: unknown, at: string, issues: DomainIssue[], limits: BoundaryFileLimits, budget: { positions: number }): Position[] | undefined {
  const problem = (field: string, text: string): undefined => void issues.push({ field, problem: text });
  if (!Array.isArray(value)) return problem(at, 'must be an array of positions');
  if (value.length < 4) return problem(at, `has ${value.length} positions; a linear ring has at least 4, its last the same as its first`);
  if (value.length > limits.maxRingPositions) {
    return problem(at, `has ${value.length} positions; at most ${limits.maxRingPositions} are taken per ring: simplify the boundary (e.g. mapshaper -simplify)`);
  }
  budget.positions -= value.length;
  if (budget.positions < 0) return undefined;
  const ring: Point[] = [];
  for (let index = 0; index < value.length; index++) {
    const position: unknown = value[index];
    const field = `${at}[${index}]`;
    if (!Array.isArray(position) || position.length < 2 || position.length > 3 || !position.every((number) => typeof number === 'number' && Number.isFinite(number))) {
      return problem(field, 'must be [longitude, latitude] in degrees (numbers), optionally with an altitude');
    }
    const [longitude, latitude] = position as number[];
    if (longitude < -180 || longitude > 180) return problem(field, `longitude ${longitude} is outside −180…180: positions are WGS 84 longitude and latitude in degrees (RFC 7946); reproject the file`);
    if (latitude < -90 || latitude > 90) return problem(field, `latitude ${latitude} is outside −90…90: positions are WGS 84 longitude and latitude in degrees (RFC 7946); reproject the file`);
    ring.push([longitude, latitude]);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) return problem(at, 'is not closed: its last position must be the same as its first');
  const fault = firstRingFault(ring);
  if (fault !== null) {
    const where = `${round(fault.at[0])}, ${round(fault.at[1])}`;
    return problem(
      at,
      fault.kind === 'crossing'
        ? `crosses itself at ${where} (the edges from positions ${fault.edges[0]} and ${fault.edges[1]}): a boundary may not cross or touch itself`
        : `turns straight back on itself at ${where} (position ${fault.edges[1]}): a boundary may not have spikes`,
    );
  }
  return ring.map(([longitude, latitude]) => [longitude, latitude]);
}

/** Six decimals of a degree are about 10 cm: enough to find the place. */
function round(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}
