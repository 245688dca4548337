import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { REJECT_REASON_CODES, REJECT_REASONS, type RejectReason } from '@hub/contract';
import type { DeadLetterPage } from '@hub/api-types';
import { DeadLetterRepository } from '@hub/pipeline';
import { orderedTimes } from '../http/query-params';
import { CURSOR, DEVICE_ID, enumQuery, LIMIT, TIME } from '../http/query-pipes';
import { CurrentPrincipal } from '../access/access.decorators';
import type { Principal } from '@hub/access';

@ApiTags('dead-letters')
@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterRepository) {}

  @Get()
  @ApiOperation({ summary: 'Refused readings, newest first, with reason and raw payload; only those of the caller’s domains and towns (totals are county-wide)' })
  @ApiQuery({ name: 'reason', required: false, enum: REJECT_REASON_CODES })
  @ApiQuery({ name: 'device', required: false, description: 'Device id' })
  @ApiQuery({ name: 'from', required: false, description: 'Received at or after (epoch ms or ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Received before (epoch ms or ISO-8601)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'Only ids below this (the next page cursor)' })
  @ApiOkResponse({ description: '{ items, matching, nextBefore, totals }' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('reason', enumQuery(REJECT_REASON_CODES)) reason?: RejectReason,
    @Query('device', DEVICE_ID) deviceId?: string,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('limit', LIMIT) limit = 100,
    @Query('before', CURSOR) beforeId?: number,
  ): Promise<DeadLetterPage> {
    orderedTimes(from, to);
    const [{ items, matching }, totals] = await Promise.all([this.deadLetters.list({ reason, deviceId, from, to, beforeId, limit, within: principal.scope }), this.deadLetters.totals()]);
    const nextBefore = items.length === limit ? items[items.length - 1].id : null;
    return { items, matching, nextBefore, totals, reasons: REJECT_REASONS };
  }

}
