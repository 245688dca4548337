import { DOMAIN_API_DOC, DomainQuery } from '../catalogue/domain-query.pipe';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AlertEngine, ALERT_STATES, AlertState, type AlertEventView, type AlertView, toAlertEventView, toAlertView, SEVERITIES, type Severity } from '@hub/alerts';
import type { AlertDeliveryView, AlertPage } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import { badPathParam } from '../http/query-params';
import { CURSOR, DEVICE_ID, enumQuery, FLAG, LIMIT, textQuery, TIME } from '../http/query-pipes';
import { AlertDeliveryDto, AlertDto, AlertEventDto, AlertPageDto, CommentDto, OperatorActionDto } from './alert.dto';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import type { Principal } from '@hub/access';

const STATE_FILTERS = [...ALERT_STATES, 'open'] as const;

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly engine: AlertEngine) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first, filtered; only those inside the caller’s towns and domains' })
  @ApiQuery({ name: 'state', required: false, enum: STATE_FILTERS, description: 'open = firing or acknowledged' })
  @ApiQuery({ name: 'severity', required: false, enum: SEVERITIES })
  @ApiQuery({ name: 'domain', required: false, ...DOMAIN_API_DOC })
  @ApiQuery({ name: 'town', required: false })
  @ApiQuery({ name: 'device', required: false })
  @ApiQuery({ name: 'rule', required: false })
  @ApiQuery({ name: 'flapping', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'from', required: false, description: 'Alerts still open at, or resolved after, this time (epoch ms or ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Alerts whose condition began before this time (event time)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'Only ids below this (the next page cursor)' })
  @ApiOkResponse({ type: AlertPageDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('state', enumQuery(STATE_FILTERS)) state?: (typeof STATE_FILTERS)[number],
    @Query('severity', enumQuery(SEVERITIES)) severity?: Severity,
    @Query('domain', DomainQuery) domain?: Domain,
    @Query('town', textQuery(100)) town?: string,
    @Query('device', DEVICE_ID) deviceId?: string,
    @Query('rule', textQuery(64)) ruleId?: string,
    @Query('flapping', FLAG) flapping?: boolean,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('limit', LIMIT) limit = 100,
    @Query('before', CURSOR) beforeId?: number,
  ): Promise<AlertPage> {
    const states: AlertState[] | undefined = state === undefined ? undefined : state === 'open' ? ['firing', 'acknowledged'] : [state];
    const filter = { ...(states === undefined ? {} : { states }), severity, domain, town, deviceId, ruleId, flapping, from, to, beforeId, limit, within: principal.scope };
    const { items, matching } = await this.engine.workflow.list(filter);
    const nextBefore = items.length === limit ? items[items.length - 1].id : null;
    return { items: items.map(toAlertView), matching, nextBefore };
  }


  @Get(':id')
  @ApiOperation({ summary: 'One alert (403 when outside the caller’s towns or domains)' })
  @ApiOkResponse({ type: AlertDto })
  @ApiNotFoundResponse()
  @ApiForbiddenResponse()
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<AlertView> {
    return toAlertView(await this.engine.workflow.get(alertId(id), principal));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every state change, condition change and comment of the alert, oldest first' })
  @ApiOkResponse({ type: [AlertEventDto] })
  @ApiNotFoundResponse()
  async history(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<AlertEventView[]> {
    return (await this.engine.workflow.history(alertId(id), principal)).map(toAlertEventView);
  }

  @Get(':id/notifications')
  @ApiOperation({
    summary:
      'What the notification policies did about the alert, oldest first: each message queued for a contact point, each attempt (sent, failed with the provider’s answer, retried, given up). Scoped like the alert (docs/alerts.md, Delivery log)',
  })
  @ApiOkResponse({ type: [AlertDeliveryDto] })
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'The alert is outside the caller’s towns or domains' })
  async notifications(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<AlertDeliveryView[]> {
    return this.engine.deliveries.of(alertId(id), principal);
  }

  @RequiresRole('operator')
  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge a firing alert (optional note; the actor is the caller); it stays open until it clears or is resolved' })
  @ApiBody({ type: OperatorActionDto })
  @ApiOkResponse({ type: AlertDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'The alert is not firing' })
  async acknowledge(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertView> {
    return toAlertView(await this.engine.workflow.acknowledge(alertId(id), body, principal));
  }

  @RequiresRole('operator')
  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an open alert by hand. While its condition still holds it is not raised again; a new occurrence is.' })
  @ApiBody({ type: OperatorActionDto })
  @ApiOkResponse({ type: AlertDto })
  @ApiConflictResponse({ description: 'Already resolved' })
  async resolve(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertView> {
    return toAlertView(await this.engine.workflow.resolve(alertId(id), body, principal));
  }

  @RequiresRole('operator')
  @Post(':id/comments')
  @ApiOperation({ summary: 'Add a comment to the alert’s history' })
  @ApiBody({ type: CommentDto })
  @ApiCreatedResponse({ type: AlertEventDto })
  async comment(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AlertEventView> {
    return toAlertEventView(await this.engine.workflow.comment(alertId(id), body, principal));
  }
}

function alertId(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw badPathParam('id', value, 'an alert id (a whole number from 1)');
  return Number(value);
}
