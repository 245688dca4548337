import { BadRequestException, Controller, Get, HttpException, HttpStatus, Inject, Put, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@hub/access';
import type { AreaBoundariesView, MapSettingsView } from '@hub/api-types';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { readRequestBytes } from '../ingest/request-bytes';
import { AcceptsBody } from '../http/request-shape.interceptor';
import { AreaBoundariesService } from './area-boundaries.service';
import { AreaBoundariesDto } from './map.dto';
import { MAP_SETTINGS } from './map-settings.controller';

/** The county's area boundaries, drawn on the console's map: read by everyone signed in, replaced by a county-wide admin. */
@ApiTags('map')
@Controller('api/area-boundaries')
export class AreaBoundariesController {
  constructor(
    private readonly boundaries: AreaBoundariesService,
    @Inject(MAP_SETTINGS) private readonly settings: MapSettingsView,
  ) {}

  @Get()
  @RequiresRole('viewer')
  @ApiOperation({ summary: 'The boundaries as a GeoJSON FeatureCollection, one Polygon or MultiPolygon feature per area path (properties.area)' })
  @ApiOkResponse({ type: AreaBoundariesDto })
  view(): Promise<AreaBoundariesView> {
    return this.boundaries.view();
  }

  /**
   * The file is read as the bytes sent (json-body.ts leaves this route unparsed): its own size limit, which a county's
   * boundaries need above the API's 1 MiB for JSON bodies, and the checker's own words for a file that is not JSON.
   */
  @Put()
  @RequiresRole('admin')
  @AcceptsBody('application/json', 'application/geo+json')
  @ApiOperation({ summary: 'Replace every boundary with a GeoJSON FeatureCollection file (RFC 7946), checked whole; audited as area-boundaries.replace' })
  @ApiBody({ type: AreaBoundariesDto })
  @ApiOkResponse({ type: AreaBoundariesDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field: "features[3].geometry.coordinates[0]", problem }] }: not JSON, not a FeatureCollection, a feature without a well-formed area path or with a second polygon for one, a geometry that is not a valid (Multi)Polygon in longitude/latitude' })
  @ApiResponse({ status: 413, description: 'Larger than HUB_MAP_BOUNDARIES_MAX_BYTES' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  async replace(@Req() request: Request, @CurrentPrincipal() principal: Principal): Promise<AreaBoundariesView> {
    const limit = this.settings.boundariesMaxBytes;
    const body = await readRequestBytes(request, limit);
    if ('cutOff' in body) throw new BadRequestException('The boundary file was cut off before its end; nothing was changed');
    if ('tooLarge' in body) {
      const size = body.declared === null ? 'larger than that' : `${body.declared} bytes`;
      throw new HttpException(`A boundary file is at most ${limit} bytes (HUB_MAP_BOUNDARIES_MAX_BYTES); this one is ${size}: simplify the boundaries (e.g. mapshaper -simplify) or raise the limit`, HttpStatus.PAYLOAD_TOO_LARGE);
    }
    return this.boundaries.replace(body.bytes, principal);
  }
}
