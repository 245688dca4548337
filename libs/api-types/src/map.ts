import type { MultiPolygon, Polygon } from 'geojson';

/** One area's outline as the map draws it: `properties.area` is the area path (`Ashford`, `Ashford/Millbrook`). */
export interface AreaBoundaryFeature {
  readonly type: 'Feature';
  readonly properties: { readonly area: string };
  readonly geometry: Polygon | MultiPolygon;
}

/**
 * GET /api/area-boundaries: the county's boundaries as a GeoJSON FeatureCollection (RFC 7946), one feature per area,
 * sorted by area path. `updatedAt`/`updatedBy` are foreign members (RFC 7946 §6.1), so the answer can be uploaded
 * again as it is; both are null before the first upload.
 */
export interface AreaBoundariesView {
  readonly type: 'FeatureCollection';
  readonly features: readonly AreaBoundaryFeature[];
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

/** GET /api/map-settings: what the console's map needs from the hub's configuration. */
export interface MapSettingsView {
  /** A base-map tile URL template ({z}/{x}/{y}, optionally {s}); null: no base map, boundaries on a plain background. */
  readonly tileUrl: string | null;
  /** Credit shown with the tiles (their licence usually requires it); empty without a tile URL. */
  readonly tileAttribution: string;
  /** The largest boundary file PUT /api/area-boundaries takes. */
  readonly boundariesMaxBytes: number;
}
