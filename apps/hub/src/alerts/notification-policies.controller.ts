import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { AlertEngine, type DeliveryRecord, type NotificationPolicyTree } from '@hub/alerts';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { LIMIT } from '../http/query-pipes';

/** A delivery log entry as the API shows it (times as ISO text). */
type DeliveryView = Omit<DeliveryRecord, 'at'> & { at: string };

/**
 * The notification policy tree (routes, grouping, repeat, quiet hours, escalation), read and replaced whole like
 * Alertmanager's config; and the delivery log of what it sent. Admins only; replacing needs the whole county.
 */
@ApiTags('notification-policies')
@RequiresRole('admin')
@Controller('api/notification-policies')
export class NotificationPoliciesController {
  constructor(private readonly engine: AlertEngine) {}

  @Get()
  @ApiOperation({ summary: 'The notification policy tree in force: the default route and its child routes (docs/alerts.md, Notification policies)' })
  @ApiOkResponse({ schema: { type: 'object' } })
  get(): NotificationPolicyTree {
    return this.engine.notificationPolicies.policies.current();
  }

  @Put()
  @ApiOperation({ summary: 'Replace the whole tree; every problem is listed with its path (routes[0].escalation[1].afterMs …). County-wide admins only; audited.' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiBadRequestResponse()
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  async put(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<NotificationPolicyTree> {
    return (await this.engine.notificationPolicies.policies.put(body, principal)).tree;
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first: every attempt to send a message to a contact point, with its outcome and the provider’s answer' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object' } } })
  async deliveries(@Query('limit', LIMIT) limit = 100): Promise<DeliveryView[]> {
    return (await this.engine.notificationPolicies.routing.deliveries(limit)).map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
  }
}
