import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DEVICE_ID_PATTERN, REJECT_REASON_CODES, REJECT_REASONS } from '@hub/contract';
import type { DeadLetterPage } from '@hub/api-types';
import { DeadLetterRepository } from '@hub/pipeline';
import { badParam, optionalEnum, optionalInt, optionalTime, orderedTimes } from '../http/query-params';
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
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('reason') reason?: string,
    @Query('device') device?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ): DeadLetterPage {
    if (device !== undefined && device !== '' && !DEVICE_ID_PATTERN.test(device)) throw badParam('device', device, 'a device id matching [A-Za-z0-9_-]{1,64}');
    const pageSize = optionalInt('limit', limit, 1, 1000) ?? 100;
    const range = { from: optionalTime('from', from), to: optionalTime('to', to) };
    orderedTimes(range.from, range.to);
    const { items, matching } = this.deadLetters.list({
      reason: optionalEnum('reason', reason, REJECT_REASON_CODES),
      deviceId: device === '' ? undefined : device,
      ...range,
      beforeId: optionalInt('before', before, 1, Number.MAX_SAFE_INTEGER),
      limit: pageSize,
      within: principal.scope,
    });
    const nextBefore = items.length === pageSize ? items[items.length - 1].id : null;
    return { items, matching, nextBefore, totals: this.deadLetters.totals(), reasons: REJECT_REASONS };
  }
}
