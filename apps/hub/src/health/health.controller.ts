import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HubHealth, HubLiveness } from '@hub/api-types';
import { HealthService } from './health.service';
import { PublicRoute } from '../access/access.decorators';

@ApiTags('health')
@PublicRoute()
@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Broker, InfluxDB and embedded store health; 503 when any is down' })
  async get(@Res({ passthrough: true }) response: Response): Promise<HubHealth> {
    const health = await this.health.check();
    response.status(health.status === 'ok' ? 200 : 503);
    return health;
  }

  @Get('live')
  @ApiOperation({
    summary: 'This node is alive: the process runs and its MQTT listeners are open. What a load balancer checks',
    description:
      'Checks nothing the nodes share (no database, InfluxDB or Redis), so an outage of those takes no node out of the balancer: readings are then spooled, and /api/health says what is down.',
  })
  @ApiResponse({ status: 200, description: '{ "status": "live", "node": "<HUB_NODE_ID>" }' })
  @ApiResponse({ status: 503, description: '{ "status": "not-live", "node": "<HUB_NODE_ID>" }: the MQTT listeners are not open (starting or stopping)' })
  live(@Res({ passthrough: true }) response: Response): HubLiveness {
    const liveness = this.health.live();
    response.status(liveness.status === 'live' ? 200 : 503);
    return liveness;
  }
}
