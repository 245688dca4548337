import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiOperation, ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { NETWORK_SERVER_NAME_PATTERN, NETWORK_SERVER_NAME_TEXT, type NetworkServerView } from '@hub/lorawan';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam } from '../http/query-params';
import { NetworkServerChangeDto, NetworkServerDto, NewNetworkServerDto } from './network-server.dto';
import { NetworkServersService } from './network-servers.service';

/**
 * LoRaWAN network servers the hub takes uplinks from (ChirpStack v4: the hub subscribes to its broker). Changes
 * apply at once, without a restart. County-wide admins only; the password is write-only.
 */
@ApiTags('network-servers')
@RequiresRole('admin')
@Controller('api/network-servers')
export class NetworkServersController {
  constructor(private readonly networkServers: NetworkServersService) {}

  @Get()
  @ApiOperation({ summary: 'Every network server connection, by name, with its bridge’s status (never a password)' })
  @ApiOkResponse({ type: [NetworkServerDto] })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  list(@CurrentPrincipal() principal: Principal): Promise<NetworkServerView[]> {
    return this.networkServers.list(principal);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One network server connection with its bridge’s status' })
  @ApiOkResponse({ type: NetworkServerDto })
  @ApiNotFoundResponse()
  get(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<NetworkServerView> {
    return this.networkServers.get(serverName(name), principal);
  }

  @Post()
  @ApiOperation({ summary: 'Add a network server; when enabled, the hub connects and subscribes at once' })
  @ApiBody({ type: NewNetworkServerDto })
  @ApiCreatedResponse({ type: NetworkServerDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiConflictResponse({ description: 'The name is taken' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<NetworkServerView> {
    return this.networkServers.create(body, principal);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a connection; its bridge restarts with it (messages in flight are answered first)' })
  @ApiBody({ type: NetworkServerChangeDto })
  @ApiOkResponse({ type: NetworkServerDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiNotFoundResponse()
  update(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<NetworkServerView> {
    return this.networkServers.update(serverName(name), body, principal);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connection: its bridge stops and unsubscribes, so the broker keeps nothing more for it' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.networkServers.remove(serverName(name), principal);
  }
}

function serverName(value: string): string {
  if (!NETWORK_SERVER_NAME_PATTERN.test(value)) throw badPathParam('name', value, `a network server name: ${NETWORK_SERVER_NAME_TEXT}`);
  return value;
}
