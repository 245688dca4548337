import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { INTEGRATION_CLIENT_NAME_PATTERN, INTEGRATION_CLIENT_NAME_TEXT, type IntegrationClientView, IntegrationClientsService, type IssuedIntegrationClient } from '@hub/integrations';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam } from '../http/query-params';
import { IssuedMqttClientDto, MqttClientChangeDto, MqttClientDto, NewMqttClientDto } from './mqtt-client.dto';

/** Department and integration MQTT clients (read-only subscribers such as a SCADA historian). Admins only. */
@ApiTags('mqtt-clients')
@RequiresRole('admin')
@Controller('api/mqtt-clients')
export class MqttClientsController {
  constructor(private readonly clients: IntegrationClientsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an MQTT client; its secret (the MQTT password) is in the answer, once' })
  @ApiBody({ type: NewMqttClientDto })
  @ApiCreatedResponse({ type: IssuedMqttClientDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'The name is taken' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<IssuedIntegrationClient> {
    return this.clients.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: 'Every MQTT client within your scope, by name (never their secrets)' })
  @ApiOkResponse({ type: [MqttClientDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<IntegrationClientView[]> {
    return this.clients.list(principal);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One MQTT client' })
  @ApiOkResponse({ type: MqttClientDto })
  @ApiNotFoundResponse()
  get(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<IntegrationClientView> {
    return this.clients.get(clientName(name), principal);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change its domains, towns or description; a scope change disconnects it so it subscribes again within the new scope' })
  @ApiBody({ type: MqttClientChangeDto })
  @ApiOkResponse({ type: MqttClientDto })
  @ApiNotFoundResponse()
  update(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<IntegrationClientView> {
    return this.clients.update(clientName(name), body, principal);
  }

  @Post(':name/secret')
  @ApiOperation({ summary: 'Issue a new secret (shown once): the old one stops working and connected sessions are closed. Also reinstates a revoked client.' })
  @ApiCreatedResponse({ type: IssuedMqttClientDto })
  @ApiNotFoundResponse()
  rotate(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<IssuedIntegrationClient> {
    return this.clients.rotateSecret(clientName(name), principal);
  }

  @Delete(':name/secret')
  @ApiOperation({ summary: 'Revoke its secret: it can no longer connect, and connected sessions are closed' })
  @ApiOkResponse({ type: MqttClientDto })
  @ApiNotFoundResponse()
  revoke(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<IntegrationClientView> {
    return this.clients.revokeSecret(clientName(name), principal);
  }
}

function clientName(value: string): string {
  if (!INTEGRATION_CLIENT_NAME_PATTERN.test(value)) throw badPathParam('name', value, `an MQTT client name: ${INTEGRATION_CLIENT_NAME_TEXT}`);
  return value;
}
