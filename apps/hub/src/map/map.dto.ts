import { ApiProperty } from '@nestjs/swagger';
import type { AreaBoundariesView, AreaBoundaryFeature, MapSettingsView } from '@hub/api-types';

/** OpenAPI schemas of the map's API. Documentation only: uploads are checked by area-boundary-file.ts. */
export class AreaBoundaryFeatureDto implements AreaBoundaryFeature {
  @ApiProperty({ enum: ['Feature'] })
  type!: 'Feature';
  @ApiProperty({ type: 'object', properties: { area: { type: 'string', example: 'Ashford/Millbrook' } }, description: 'The area path: "" the county, a town, or Town/Village' })
  properties!: { area: string };
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A GeoJSON Polygon or MultiPolygon in WGS 84 longitude, latitude' })
  geometry!: AreaBoundaryFeature['geometry'];
}

export class AreaBoundariesDto implements AreaBoundariesView {
  @ApiProperty({ enum: ['FeatureCollection'] })
  type!: 'FeatureCollection';
  @ApiProperty({ type: [AreaBoundaryFeatureDto], description: 'One per area, by area path' })
  features!: AreaBoundaryFeatureDto[];
  @ApiProperty({ nullable: true, type: String, description: 'When the file in force was uploaded; null before the first upload' })
  updatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  updatedBy!: string | null;
}

export class MapSettingsDto implements MapSettingsView {
  @ApiProperty({ nullable: true, type: String, description: 'HUB_MAP_TILE_URL: a base-map tile URL template; null: no base map (the map needs no internet)' })
  tileUrl!: string | null;
  @ApiProperty({ description: 'HUB_MAP_TILE_ATTRIBUTION' })
  tileAttribution!: string;
  @ApiProperty({ description: 'HUB_MAP_BOUNDARIES_MAX_BYTES: the largest boundary file PUT /api/area-boundaries takes' })
  boundariesMaxBytes!: number;
}
