import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiOperation, ApiQuery, ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { CONTACT_POINT_NAME_PATTERN, CONTACT_POINT_NAME_TEXT, type ContactPointView, type DeliveryResult } from '@hub/notify';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam } from '../http/query-params';
import { LIMIT } from '../http/query-pipes';
import type { ContactPointDelivery } from './contact-point-delivery.repository';
import { ContactPointChangeDto, ContactPointDeliveryDto, ContactPointDto, DeliveryResultDto, NewContactPointDto } from './contact-point.dto';
import { ContactPointsService } from './contact-points.service';

/**
 * Where alert changes can be sent: SMTP, DingTalk/Feishu/WeCom group robots, an HTTP SMS gateway, signed webhooks. County-wide admins
 * only; secrets are write-only.
 */
@ApiTags('contact-points')
@RequiresRole('admin')
@Controller('api/contact-points')
export class ContactPointsController {
  constructor(private readonly contactPoints: ContactPointsService) {}

  @Get()
  @ApiOperation({ summary: 'Every contact point, by name (never a secret)' })
  @ApiOkResponse({ type: [ContactPointDto] })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  list(@CurrentPrincipal() principal: Principal): Promise<ContactPointView[]> {
    return this.contactPoints.list(principal);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One contact point' })
  @ApiOkResponse({ type: ContactPointDto })
  @ApiNotFoundResponse()
  get(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<ContactPointView> {
    return this.contactPoints.get(pointName(name), principal);
  }

  @Post()
  @ApiOperation({ summary: 'Add a contact point' })
  @ApiBody({ type: NewContactPointDto })
  @ApiCreatedResponse({ type: ContactPointDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiConflictResponse({ description: 'The name is taken' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ContactPointView> {
    return this.contactPoints.create(body, principal);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a contact point’s settings (a secret left out keeps its value)' })
  @ApiBody({ type: ContactPointChangeDto })
  @ApiOkResponse({ type: ContactPointDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiNotFoundResponse()
  update(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ContactPointView> {
    return this.contactPoints.update(pointName(name), body, principal);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact point and its delivery log' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.contactPoints.remove(pointName(name), principal);
  }

  @Post(':name/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test message (a sample gas critical, marked [TEST]) and answer how it went; logged as a delivery with alertId null' })
  @ApiOkResponse({ type: DeliveryResultDto, description: 'Also 200 when the provider refused: ok false, with its answer' })
  @ApiNotFoundResponse()
  test(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<DeliveryResult> {
    return this.contactPoints.test(pointName(name), principal);
  }

  @Get(':name/deliveries')
  @ApiOperation({ summary: 'The contact point’s send attempts, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiOkResponse({ type: [ContactPointDeliveryDto] })
  @ApiNotFoundResponse()
  deliveries(@Param('name') name: string, @CurrentPrincipal() principal: Principal, @Query('limit', LIMIT) limit = 100): Promise<ContactPointDelivery[]> {
    return this.contactPoints.deliveries(pointName(name), principal, limit);
  }
}

function pointName(value: string): string {
  if (!CONTACT_POINT_NAME_PATTERN.test(value)) throw badPathParam('name', value, `a contact point name: ${CONTACT_POINT_NAME_TEXT}`);
  return value;
}
