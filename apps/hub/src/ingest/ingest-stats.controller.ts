import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IngestStats, type IngestStatsSnapshot } from '@hub/pipeline';

@ApiTags('ingest')
@Controller('api/ingest/stats')
export class IngestStatsController {
  constructor(private readonly stats: IngestStats) {}

  @Get()
  @ApiOperation({
    summary: 'Ingest accounting since start: received = accepted + rejected + waitingForRoom; accepted = written + refusedByInflux + buffered',
  })
  get(): IngestStatsSnapshot {
    return this.stats.snapshot();
  }
}
