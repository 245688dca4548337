import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { DeviceProfileView, ProfileTryResult } from '@hub/api-types';
import { CurrentPrincipal } from '../access/access.decorators';
import { DeviceProfilesService } from './device-profiles.service';

const PROFILE_EXAMPLE = {
  id: 'acme-rtu-pressure',
  name: 'ACME 4G RTU, pressure in 0.1 kPa',
  domain: 'water',
  // The unit read from the payload itself ("0.1kPa"); a zone-less local time read in the RTU's zone.
  decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1', unit: { fromExpr: 'unit', to: 'kPa' } } }, timestamp: { expr: 'T', format: 'local', zone: 'Asia/Shanghai' } },
  samples: [{ name: 'normal', payload: '{"P1": 4125, "unit": "0.1kPa", "T": "2026-12-06 10:00:00"}', encoding: 'text' }],
};

const TRY_EXAMPLE = { payload: '0100003039013a0e740016', encoding: 'hex', fPort: 2 };

/**
 * Device profiles: how vendors' payloads (a LoRaWAN frame, an NB-IoT hex string, an RTU's own JSON) become readings.
 * A device names its profile (PATCH /api/devices/{id} { profileId }); one without speaks the hub's JSON contract.
 * Reads need a viewer; changes an admin of the whole county.
 */
@ApiTags('device-profiles')
@Controller('api/device-profiles')
export class DeviceProfilesController {
  constructor(private readonly profiles: DeviceProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'Every device profile, with how many devices use it and what its decoder has cost so far (messages decoded, refused, mean µs)' })
  @ApiOkResponse({ description: '[{ id, name, description, domain, decoder, networkServerObject, samples, version, devices, decoderStats, … }]' })
  list(): DeviceProfileView[] {
    return this.profiles.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One device profile' })
  @ApiNotFoundResponse({ description: 'No such profile' })
  get(@Param('id') id: string): DeviceProfileView {
    return this.profiles.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a profile. Its decoder is built (and so checked) first: a JSONata expression that does not parse or a codec without decodeUplink is a 400.' })
  @ApiBody({ schema: { type: 'object', example: PROFILE_EXAMPLE } })
  @ApiCreatedResponse({ description: 'The profile as GET shows it' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }, decoder problems under decoder.*' })
  @ApiConflictResponse({ description: 'A profile with this id exists' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<DeviceProfileView> {
    return this.profiles.create(body, principal);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a profile (any field but id): in force for the next message of every device that uses it. The domain of a profile in use cannot change.' })
  @ApiOkResponse({ description: 'The profile as GET shows it, its version one higher' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiConflictResponse({ description: 'A domain change while devices use the profile' })
  @ApiNotFoundResponse({ description: 'No such profile' })
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<DeviceProfileView> {
    return this.profiles.update(id, body, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a profile no device uses' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'Devices still use it (named in the message)' })
  @ApiNotFoundResponse({ description: 'No such profile' })
  remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.profiles.remove(id, principal);
  }

  @Post('try')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try an unsaved profile (the editor’s draft): { domain, decoder, payload, encoding?, fPort? } → decoded readings, warnings and the contract’s verdict. Nothing is stored.' })
  @ApiBody({ schema: { type: 'object', example: { ...TRY_EXAMPLE, domain: 'water', decoder: { kind: 'script', source: 'function decodeUplink(input) { … }' } } } })
  @ApiOkResponse({ description: '{ refused: { reason, detail } | null, warnings, decoded, accepted, rejections }' })
  tryDraft(@Body() body: unknown): Promise<ProfileTryResult> {
    return this.profiles.tryPayload(null, body);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try a payload through a saved profile (or its draft decoder/domain, when given): decoded readings, warnings and the contract’s verdict. Nothing is stored.' })
  @ApiBody({ schema: { type: 'object', example: TRY_EXAMPLE } })
  @ApiOkResponse({ description: '{ refused: { reason, detail } | null, warnings, decoded, accepted, rejections }' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }: no payload, a payload that is not the hex/base64 it claims, a draft decoder that does not build' })
  @ApiNotFoundResponse({ description: 'No such profile' })
  test(@Param('id') id: string, @Body() body: unknown): Promise<ProfileTryResult> {
    return this.profiles.tryPayload(id, body);
  }
}
