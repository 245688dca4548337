import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { AreaOverviewView } from '@hub/api-types';
import { CurrentPrincipal } from '../access/access.decorators';
import { OverviewService } from './overview.service';

/** GET /api/overview: the command room's first screen, one tile per town, within the caller's towns and domains. */
@ApiTags('areas')
@Controller('api/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @ApiOperation({
    summary:
      'Every town the caller may see, and each town’s villages: devices reporting, quiet (connected, silent 10 min) and offline; open alerts by severity; per domain the worst open alert as a light (none: no device of it; ok; warning; critical). From the registry, presence and the alerts, no InfluxDB query',
  })
  @ApiOkResponse({
    description:
      '{ generatedAt, quietAfterMs, domains: [..], towns: [{ area, devices: { total, reporting, quiet, offline }, openAlerts: { critical, warning, info }, domains: [{ domain, devices, openAlerts, worst, light }], villages: [..same without villages] }] }; area null: devices without a town (among towns), or in the town but in no village (among villages)',
  })
  get(@CurrentPrincipal() principal: Principal): Promise<AreaOverviewView> {
    return this.overview.overview(principal.scope);
  }
}
