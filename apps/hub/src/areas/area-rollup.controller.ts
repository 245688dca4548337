import { applyDecorators, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import { ROLLUP_AGGREGATES, type AreaRollupView, type RollupAggregate } from '@hub/api-types';
import { CurrentPrincipal } from '../access/access.decorators';
import { DOMAIN_API_DOC, DomainQuery } from '../catalogue/domain-query.pipe';
import { durationQuery, enumQuery, PLAIN, TIME } from '../http/query-pipes';
import { AreaRollupDto } from './area-rollup.dto';
import { AreaRollupService, type RollupRequest } from './area-rollup.service';

const AGG_DOC =
  'sum: each device’s mean in the bucket, summed over devices (the area’s total of a rate: flow, power); mean, min, max: over every reading (pressure, temperature); count: devices reporting';

/** Query parameters and answers both routes share, documented once. */
function RollupQueries(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'metric', required: true, description: 'A metric of the catalogue (GET /api/catalogue), e.g. flow_m3h' }),
    ApiQuery({ name: 'domain', required: false, ...DOMAIN_API_DOC, description: 'The metric’s domain; needed when its name is in several (flow_m3h: water, gas, heat)' }),
    ApiQuery({ name: 'agg', required: true, enum: ROLLUP_AGGREGATES, description: AGG_DOC }),
    ApiQuery({ name: 'from', required: false, description: 'Epoch ms or ISO-8601; default to - 1h' }),
    ApiQuery({ name: 'to', required: false, description: 'Epoch ms or ISO-8601; default now' }),
    ApiQuery({ name: 'every', required: false, description: 'Bucket size such as 1m, 1h, 1d (1s to 30d, at most 1,000 buckets); default chosen for ~720 buckets. Whole days are the county’s (HUB_TIME_ZONE), whole weeks start on Monday' }),
    ApiOkResponse({ type: AreaRollupDto }),
    ApiBadRequestResponse({ description: 'A metric the catalogue does not have (or in several domains without domain=), a bad agg, from, to or every, too many buckets, a malformed area path' }),
    ApiForbiddenResponse({ description: 'A metric of a domain outside your scope, or a town or village not wholly within your towns' }),
  );
}

/**
 * GET /api/areas/rollup and /api/areas/{path}/rollup: a metric aggregated across an area's devices per time bucket,
 * for the area and each of its child areas, computed in InfluxDB. Every role reads, within its scope.
 */
@ApiTags('areas')
@Controller('api/areas')
export class AreaRollupController {
  constructor(private readonly rollups: AreaRollupService) {}

  @Get('rollup')
  @ApiOperation({ summary: 'The county: a metric across every device, per bucket, and per town. A town- or village-scoped caller gets only their areas (scopedTo says which)' })
  @RollupQueries()
  county(
    @CurrentPrincipal() principal: Principal,
    @Query('metric', PLAIN) metric?: string,
    @Query('domain', DomainQuery) domain?: string,
    @Query('agg', enumQuery(ROLLUP_AGGREGATES)) agg?: RollupAggregate,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('every', durationQuery(1000, 30 * 86_400_000)) everyMs?: number,
  ): Promise<AreaRollupView> {
    return this.rollups.rollup(principal, '', { metric, domain, agg, from, to, everyMs } satisfies RollupRequest);
  }

  @Get(':path/rollup')
  @ApiOperation({ summary: 'A town (and per village) or a village: a metric across its devices, per bucket' })
  @ApiParam({ name: 'path', description: 'A town, or Town/Village with the / percent-encoded: Ashford%2FMillbrook', example: 'Ashford' })
  @ApiNotFoundResponse({ description: 'No such town or village' })
  @RollupQueries()
  area(
    @CurrentPrincipal() principal: Principal,
    @Param('path') path: string,
    @Query('metric', PLAIN) metric?: string,
    @Query('domain', DomainQuery) domain?: string,
    @Query('agg', enumQuery(ROLLUP_AGGREGATES)) agg?: RollupAggregate,
    @Query('from', TIME) from?: number,
    @Query('to', TIME) to?: number,
    @Query('every', durationQuery(1000, 30 * 86_400_000)) everyMs?: number,
  ): Promise<AreaRollupView> {
    return this.rollups.rollup(principal, path, { metric, domain, agg, from, to, everyMs } satisfies RollupRequest);
  }
}
