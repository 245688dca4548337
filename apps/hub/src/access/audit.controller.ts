import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Principal, isCountyWide, AccessDeniedError } from '@hub/access';
import type { AuditPage } from '@hub/api-types';
import { AuditLogRepository, Store } from '@hub/store';
import { CURSOR, LIMIT, PLAIN, TIME } from '../http/query-pipes';
import { CurrentPrincipal, RequiresRole } from './access.decorators';
import { AuditPageDto } from './access.dto';

@ApiTags('audit')
@RequiresRole('admin')
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly store: Store,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first: every change made through the API and every login, with who and when. County-wide admins only.' })
  @ApiQuery({ name: 'actor', required: false, description: 'e.g. dana.ortiz, key:water-scada, bootstrap-key, system, anonymous' })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. alert.acknowledge, rule.update, operator.disable, auth.login.fail' })
  @ApiQuery({ name: 'targetType', required: false, description: 'alert, rule, silence, operator, api-key, device …' })
  @ApiQuery({ name: 'targetId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'At or after (epoch ms or ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Before' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'Only ids below this (the next page cursor)' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('actor', PLAIN) actor?: string,
    @Query('action', PLAIN) action?: string,
    @Query('targetType', PLAIN) targetType?: string,
    @Query('targetId', PLAIN) targetId?: string,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('limit', LIMIT) limit = 100,
    @Query('before', CURSOR) beforeId?: number,
  ): Promise<AuditPage> {
    // Entries span the county (logins, other towns' alerts): a town or department admin sees their own in the histories.
    if (!isCountyWide(principal.scope)) throw new AccessDeniedError('The audit log is for county-wide admins');
    const items = await this.audit.list({ actor, action, targetType, targetId, from, to, beforeId, limit }, this.store.db);
    return {
      items: items.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })),
      nextBefore: items.length === limit ? items[items.length - 1].id : null,
    };
  }

}
