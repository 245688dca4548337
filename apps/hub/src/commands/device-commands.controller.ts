import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { CommandView, DeviceConfigView } from '@hub/api-types';
import { DeviceCommandsService, DeviceConfigService } from '@hub/commands';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam, deviceIdParam } from '../http/query-params';
import { CommandDto, DeviceConfigDto, NewCommandDto } from './command.dto';

/**
 * Commands and desired configuration for one device: reading for every role within their scope, sending and
 * setting for operators and admins within their towns and domains (as for acknowledging an alert).
 */
@ApiTags('devices')
@Controller('api/devices/:id')
export class DeviceCommandsController {
  constructor(
    private readonly commands: DeviceCommandsService,
    private readonly config: DeviceConfigService,
  ) {}

  @RequiresRole('operator')
  @Post('commands')
  @ApiOperation({ summary: 'Send a command: queued, published at QoS 1 on the device’s commands topic once it is connected and subscribed; audited' })
  @ApiBody({ type: NewCommandDto })
  @ApiCreatedResponse({ type: CommandDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiForbiddenResponse({ description: 'A viewer, or the device is outside the caller’s towns/domains' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The device is quarantined or rejected' })
  send(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<CommandView> {
    return this.commands.send(principal, deviceIdParam(id), body);
  }

  @Get('commands')
  @ApiOperation({ summary: 'The device’s commands, newest first (at most 200), with status and times' })
  @ApiOkResponse({ type: [CommandDto] })
  @ApiForbiddenResponse({ description: 'Outside your towns/domains' })
  list(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<CommandView[]> {
    return this.commands.list(principal, deviceIdParam(id));
  }

  @Get('commands/:commandId')
  @ApiOperation({ summary: 'One command' })
  @ApiOkResponse({ type: CommandDto })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('commandId') commandId: string): Promise<CommandView> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(commandId)) throw badPathParam('commandId', commandId, 'a command id');
    return this.commands.get(principal, deviceIdParam(id), commandId);
  }

  @RequiresRole('operator')
  @Put('config')
  @ApiOperation({ summary: 'Set the desired configuration (a JSON object, at most 16 KiB): stored and published retained on the device’s config topic; audited' })
  @ApiBody({ schema: { type: 'object', example: { intervalS: 30 } } })
  @ApiOkResponse({ type: DeviceConfigDto })
  @ApiForbiddenResponse({ description: 'A viewer, or the device is outside the caller’s towns/domains' })
  setConfig(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<DeviceConfigView> {
    return this.config.setDesired(principal, deviceIdParam(id), body);
  }

  @Get('config')
  @ApiOperation({ summary: 'Desired and reported configuration, when each changed, and whether they differ' })
  @ApiOkResponse({ type: DeviceConfigDto })
  getConfig(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceConfigView> {
    return this.config.get(principal, deviceIdParam(id));
  }
}
