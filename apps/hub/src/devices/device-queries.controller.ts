import { DOMAIN_API_DOC, DomainQuery } from '../catalogue/domain-query.pipe';
import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { Domain } from '@hub/contract';
import { DeviceQueryService, type DeviceView, DEVICE_STATUSES } from '@hub/devices';
import { CurrentPrincipal } from '../access/access.decorators';
import { deviceIdParam } from '../http/query-params';
import { DEVICE_ID, durationQuery, enumQuery, PLAIN, TIME } from '../http/query-pipes';
import type { DeviceReadings } from '@hub/api-types';
import { ReadingsService } from './readings.service';
import { DeviceReadingsDto, ReadingSeriesDto } from './device-readings.dto';

const STATUS_FILTERS = [...DEVICE_STATUSES, 'unregistered'] as const;

/**
 * GET /api/devices…: reading devices (registry and presence merged, through DeviceQueryService), only within the
 * caller's towns and domains. Changes to the registry (provision, import, secrets, approval) are
 * DeviceRegistryController's, on the same path: reads for every role, writes for admins.
 */
@ApiTags('devices')
@Controller('api/devices')
export class DeviceQueriesController {
  constructor(
    private readonly devices: DeviceQueryService,
    private readonly readings: ReadingsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Devices: registry data (town, site, location, interval, status …) with online state, last seen and last values' })
  @ApiQuery({ name: 'town', required: false })
  @ApiQuery({ name: 'domain', required: false, ...DOMAIN_API_DOC })
  @ApiQuery({ name: 'status', required: false, enum: STATUS_FILTERS, description: 'quarantined: unknown devices waiting for approval' })
  @ApiQuery({ name: 'gateway', required: false, description: 'A gateway’s device id: only the devices registered under it (the gateway itself not included); an id that is not a gateway gives []' })
  @ApiBadRequestResponse({ description: 'A malformed filter, e.g. a gateway id outside [A-Za-z0-9_-]{1,64}' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('town', PLAIN) town?: string,
    @Query('domain', DomainQuery) domain?: Domain,
    @Query('status', enumQuery(STATUS_FILTERS)) status?: (typeof STATUS_FILTERS)[number],
    @Query('gateway', DEVICE_ID) gateway?: string,
  ): DeviceView[] {
    return this.devices.list(principal.scope, { town, domain, status, gateway });
  }


  @Get(':id')
  @ApiOperation({ summary: 'One device' })
  @ApiForbiddenResponse({ description: 'Outside your towns/domains' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): DeviceView {
    return this.devices.get(principal, deviceIdParam(id));
  }

  @Get(':id/readings')
  @ApiOperation({ summary: 'Readings from InfluxDB by event time: mean, min, max and count per `every` bucket, from the coarsest stored resolution that serves the buckets (`resolution`, `sources`)' })
  @ApiExtraModels(ReadingSeriesDto)
  @ApiOkResponse({ type: DeviceReadingsDto })
  @ApiQuery({ name: 'from', required: false, description: 'Epoch ms or ISO-8601; default to - 1h' })
  @ApiQuery({ name: 'to', required: false, description: 'Epoch ms or ISO-8601; default now' })
  @ApiQuery({ name: 'every', required: false, description: 'Bucket size such as 10s, 1m, 1h; default chosen for ~720 points' })
  @ApiForbiddenResponse({ description: 'Outside your towns/domains' })
  readingsOf(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('every', durationQuery(1000, 30 * 86_400_000)) everyMs?: number,
  ): Promise<DeviceReadings> {
    const device = this.devices.get(principal, deviceIdParam(id));
    if (device.domain === null) throw new NotFoundException(`Device ${id} has not reported yet`);
    return this.readings.readings({ deviceId: id, domain: device.domain }, { from, to, everyMs });
  }

}
