import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { Catalogue } from '@hub/contract';
import { CurrentPrincipal } from '../access/access.decorators';
import { CatalogueService } from './catalogue.service';

const METRIC_EXAMPLE = { name: 'river_level_m', unit: 'm', description: 'River level above the gauge datum', range: [-2, 30], typical: [0.5, 3] };

/**
 * The data contract as data: what the console (and any other client) labels, units and normal bands come from, and
 * where admins extend it — a domain, a metric, a narrower range — without a release. Reads need a viewer; changes
 * an admin of the whole county (the guard's default for changes, the service's scope check).
 */
@ApiTags('catalogue')
@Controller('api/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'Domains, their metrics (unit, description, plausible range, typical band, built in or added, retired) and every reject reason' })
  @ApiOkResponse({
    description:
      '{ domains: [{ domain, description, builtIn, metrics: [{ name, unit, description, range, typical, integer, builtIn, retiredAt }] }], rejectReasons: [{ code, description }] }',
  })
  get(): Catalogue {
    return this.catalogue.view();
  }

  @Post('domains')
  @ApiOperation({ summary: 'Add a domain (e.g. flood). Devices, gateways, scopes and rules may name it at once; it holds no metrics until you add some.' })
  @ApiBody({ schema: { type: 'object', example: { domain: 'flood', description: 'Flood office: rain gauges and river levels' } } })
  @ApiCreatedResponse({ description: 'The domain as GET /api/catalogue lists it' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }: a name that is not lower-case letters, digits and _, an existing domain, no description' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  addDomain(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<Catalogue['domains'][number]> {
    return this.catalogue.addDomain(body, principal);
  }

  @Post('domains/:domain/metrics')
  @ApiOperation({ summary: 'Add a metric to a domain: in force for validation on every connection from the next message' })
  @ApiBody({ schema: { type: 'object', example: METRIC_EXAMPLE } })
  @ApiCreatedResponse({ description: 'The metric as GET /api/catalogue lists it' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }: name taken (or retired: restore it instead), typical outside range, …' })
  @ApiNotFoundResponse({ description: 'No such domain' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  addMetric(@CurrentPrincipal() principal: Principal, @Param('domain') domain: string, @Body() body: unknown): Promise<Catalogue['domains'][number]['metrics'][number]> {
    return this.catalogue.addMetric(domain, body, principal);
  }

  @Patch('domains/:domain/metrics/:metric')
  @ApiOperation({
    summary:
      'Change a metric’s description, range or typical band, or retire it ("retired": true; new readings are refused, stored ones stay) and restore it. ' +
      'The unit cannot change. A range that leaves stored readings outside it answers 409 with how many, unless "confirm": true.',
  })
  @ApiBody({ schema: { type: 'object', example: { range: [0, 1600], typical: [300, 600] } } })
  @ApiOkResponse({ description: 'The metric as GET /api/catalogue lists it' })
  @ApiBadRequestResponse({ description: '{ issues: [{ field, problem }] }' })
  @ApiNotFoundResponse({ description: 'No such domain or metric' })
  @ApiConflictResponse({ description: 'Stored readings lie outside the new range: their count and extremes; send "confirm": true to apply' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  changeMetric(
    @CurrentPrincipal() principal: Principal,
    @Param('domain') domain: string,
    @Param('metric') metric: string,
    @Body() body: unknown,
  ): Promise<Catalogue['domains'][number]['metrics'][number]> {
    return this.catalogue.changeMetric(domain, metric, body, principal);
  }
}
