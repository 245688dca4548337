import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { AlertEngine } from '@hub/alerts';
import type { PersonalNotificationsView } from '@hub/api-types';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { PersonalNotificationsService } from './personal-notifications.service';

/** An operator's own email address and phone, and the named notification routes they follow (their scope's alerts only). */
@ApiTags('notification-policies')
@RequiresRole('viewer')
@Controller('api/me/notifications')
export class PersonalNotificationsController {
  constructor(
    private readonly personal: PersonalNotificationsService,
    private readonly engine: AlertEngine,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your notification settings, the channels the county offers and the named routes you can follow' })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiForbiddenResponse({ description: 'An API key: only operators have their own settings' })
  get(@CurrentPrincipal() principal: Principal): PersonalNotificationsView {
    return this.personal.view(principal, this.engine.notificationPolicies.policies.current());
  }

  @Put()
  @ApiOperation({
    summary:
      'Replace your settings: { email, phone, subscriptions: [{ route, channels: ["email","sms"] }] }. A route must be named in the policies and reach your scope; you receive only the alerts your scope covers. Audited (whether an address is set, never the address).',
  })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiBadRequestResponse()
  @ApiForbiddenResponse({ description: 'An API key: only operators have their own settings' })
  put(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<PersonalNotificationsView> {
    return this.personal.put(principal, body, this.engine.notificationPolicies.policies.current());
  }
}
