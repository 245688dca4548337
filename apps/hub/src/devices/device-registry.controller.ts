import { BadRequestException, Body, Controller, Delete, HttpCode, Param, Patch, Post, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@hub/access';
import { rawDeviceOf, type RawDevice, MAX_IMPORT_BYTES, readDeviceArray, readDeviceCsv, DeviceImportService, type ImportReport, InvalidDeviceError, DeviceRegistryService, DeviceQueryService, type DeviceView } from '@hub/devices';
import { CurrentPrincipal } from '../access/access.decorators';
import { readRequestText } from './request-text';
import { AcceptsBody } from '../http/request-shape.interceptor';

const DEVICE_EXAMPLE = {
  deviceId: 'wtr-dma-014',
  domain: 'water',
  town: 'Ashford',
  site: 'Mill Lane pumping station',
  latitude: 52.1412,
  longitude: -0.4821,
  expectedIntervalS: 60,
  description: 'District meter, inlet main',
  enabled: true,
};

/**
 * POST/PATCH/DELETE /api/devices…: provisioning and credentials, admin only (the guard's default for changes); every
 * change is audited by the service. The reads of the same path are DeviceQueriesController's.
 */
@ApiTags('devices')
@Controller('api/devices')
export class DeviceRegistryController {
  constructor(
    private readonly registry: DeviceRegistryService,
    private readonly importer: DeviceImportService,
    private readonly views: DeviceQueryService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Provision one device. The answer carries its secret, shown this once (only a hash is kept).' })
  @ApiBody({
    schema: { type: 'object', example: DEVICE_EXAMPLE },
    examples: {
      device: { value: DEVICE_EXAMPLE },
      gateway: { summary: 'A 4G DTU that speaks for water and heat meters', value: { deviceId: 'dtu-ashford-01', domain: 'water', town: 'Ashford', kind: 'gateway', gatewayDomains: ['water', 'heat'] } },
      child: { summary: 'A meter the DTU publishes for', value: { deviceId: 'wtr-dma-015', domain: 'water', town: 'Ashford', gatewayId: 'dtu-ashford-01' } },
    },
  })
  @ApiCreatedResponse({ description: '{ device, secret }; a device view carries kind (device or gateway), gatewayId (a child), gatewayDomains and childCount (a gateway)' })
  @ApiBadRequestResponse({ description: '{ statusCode, error, message, issues: [{ field, problem }] }' })
  @ApiConflictResponse({ description: 'The device id exists (or waits in quarantine)' })
  async provision(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ device: DeviceView; secret: string }> {
    const { device, secret } = await this.registry.provision(principal, raw(body));
    return { device: this.views.viewOf(device), secret };
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Provision many devices: text/csv with a header row (device_id, domain, town, site, latitude, longitude, expected_interval, description, enabled, kind, gateway_id, gateway_domains), ' +
      'or a JSON array of devices. Good rows are created, each bad row is reported with its line and problems; existing ids and ids repeated in the file are refused.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @AcceptsBody('text/csv', 'application/json')
  @ApiOkResponse({ description: '{ created: [{ deviceId, secret }], refused: [{ line | index, deviceId?, problems: [{ field, problem }] }] }' })
  @ApiBadRequestResponse({ description: 'The file cannot be read as a device list (header, columns, row count)' })
  async import(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Body() body: unknown): Promise<ImportReport> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') {
      const candidates = readDeviceCsv(await readRequestText(request, MAX_IMPORT_BYTES));
      if (!candidates.ok) throw new InvalidDeviceError('The CSV file cannot be imported', candidates.problems);
      return this.importer.import(principal, candidates.value, 'csv');
    }
    if (type === 'application/json') {
      const candidates = readDeviceArray(body);
      if (!candidates.ok) throw new InvalidDeviceError('The device list cannot be imported', candidates.problems);
      return this.importer.import(principal, candidates.value, 'json');
    }
    throw new UnsupportedMediaTypeException('Send text/csv (a spreadsheet export) or application/json (an array of devices)');
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change town, site, location, expected interval, description, enabled, a child’s gatewayId or a gateway’s gatewayDomains; null clears. Disabling disconnects the device.',
  })
  @ApiBody({ schema: { type: 'object', example: { town: 'Brook', enabled: false } } })
  @ApiOkResponse({ description: 'The device' })
  @ApiBadRequestResponse()
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'Outside your towns/domains' })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<DeviceView> {
    return this.views.viewOf(await this.registry.update(principal, id, raw(body)));
  }

  @Post(':id/secret')
  @ApiOperation({ summary: 'Issue a new secret (shown once): the old one stops working and a connected device is disconnected' })
  @ApiCreatedResponse({ description: '{ device, secret }' })
  @ApiNotFoundResponse()
  async rotateSecret(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ device: DeviceView; secret: string }> {
    const { device, secret } = await this.registry.rotateSecret(principal, id);
    return { device: this.views.viewOf(device), secret };
  }

  @Delete(':id/secret')
  @ApiOperation({ summary: 'Revoke the secret: the device cannot connect until it gets a new one; a connected device is disconnected' })
  @ApiOkResponse({ description: 'The device' })
  @ApiNotFoundResponse()
  async revokeSecret(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceView> {
    return this.views.viewOf(await this.registry.revokeSecret(principal, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove from the registry: it can no longer connect. Its commands and desired/reported configuration go with it; its readings, dead letters, presence history and audit entries stay.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'A gateway that still has devices registered under it (the message names them): move them (PATCH gatewayId) or delete them first' })
  remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.registry.remove(principal, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve a quarantined device with its domain (if it has not published yet), town, site …. It keeps the secret it first connected with ' +
      '(trust on first use) unless that was shorter than 32 bytes or newSecret is true; then a new secret is returned, once.',
  })
  @ApiBody({ schema: { type: 'object', example: { town: 'Ashford', site: 'Mill Lane', newSecret: false } } })
  @ApiOkResponse({ description: '{ device, secret: string | null }' })
  @ApiConflictResponse({ description: 'The device is already active' })
  async approve(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<{ device: DeviceView; secret: string | null }> {
    const { newSecret, ...fields } = raw(body);
    if (newSecret !== undefined && typeof newSecret !== 'boolean') throw new BadRequestException('newSecret must be true or false');
    const { device, secret } = await this.registry.approve(principal, id, fields, newSecret === true);
    return { device: this.views.viewOf(device), secret };
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn a quarantined device away: refused at CONNECT from now on (delete it to let it try again)' })
  @ApiOkResponse({ description: 'The device' })
  @ApiConflictResponse({ description: 'The device is not quarantined' })
  async reject(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceView> {
    return this.views.viewOf(await this.registry.reject(principal, id));
  }
}

function raw(body: unknown): RawDevice {
  const parsed = rawDeviceOf(body);
  if (!parsed.ok) throw new InvalidDeviceError('Invalid request body', parsed.problems);
  return parsed.value;
}
