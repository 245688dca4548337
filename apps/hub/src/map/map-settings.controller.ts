import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MapSettingsView } from '@hub/api-types';
import { RequiresRole } from '../access/access.decorators';
import { MapSettingsDto } from './map.dto';

/** The map's settings from the hub's configuration (HUB_MAP_*), as the console reads them. */
export const MAP_SETTINGS = Symbol('MAP_SETTINGS');

@ApiTags('map')
@RequiresRole('viewer')
@Controller('api/map-settings')
export class MapSettingsController {
  constructor(@Inject(MAP_SETTINGS) private readonly settings: MapSettingsView) {}

  @Get()
  @ApiOperation({ summary: 'The base-map tile URL (null: none, the map draws boundaries and devices on a plain background) and the boundary file limit' })
  @ApiOkResponse({ type: MapSettingsDto })
  view(): MapSettingsView {
    return this.settings;
  }
}
