import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Principal, ApiKeysService, type ApiKeyView } from '@hub/access';
import type { CreatedApiKey } from '@hub/api-types';
import { badPathParam } from '../http/query-params';
import { CurrentPrincipal, RequiresRole } from './access.decorators';
import { ApiKeyDto, CreatedApiKeyDto, NewApiKeyDto } from './access.dto';

@ApiTags('api-keys')
@RequiresRole('admin')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key for a system, with a role and a scope. The key is in this answer only.' })
  @ApiBody({ type: NewApiKeyDto })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiConflictResponse({ description: 'The name is taken (revoked keys keep theirs)' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKey> {
    return this.keys.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: 'API keys (prefix only), active first, with when each was last used' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return this.keys.list(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: refused from the next request on. It stays listed (the audit log names it).' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Revoked already' })
  async revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!/^\d{1,15}$/.test(id) || Number(id) < 1) throw badPathParam('id', id, 'an API key id (a whole number from 1)');
    await this.keys.revoke(Number(id), principal);
  }
}
