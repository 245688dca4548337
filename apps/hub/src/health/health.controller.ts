import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HubHealth } from '@hub/api-types';
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
}
