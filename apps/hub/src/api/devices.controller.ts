import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DevicePresence } from '../../../../libs/pipeline/src/device-presence';
import type { DeviceState } from '../../../../libs/store/src';
import { deviceIdParam, optionalDuration, optionalTime } from './query-params';
import { DeviceReadings, ReadingsService } from './readings.service';

@ApiTags('devices')
@Controller('api/devices')
export class DevicesController {
  constructor(
    private readonly presence: DevicePresence,
    private readonly readings: ReadingsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Known devices with domain, online state, last seen and last values' })
  list(): DeviceState[] {
    return this.presence.list().sort((a, b) => a.domain.localeCompare(b.domain) || a.deviceId.localeCompare(b.deviceId));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One device' })
  get(@Param('id') id: string): DeviceState {
    const device = this.presence.get(deviceIdParam(id));
    if (device === undefined) throw new NotFoundException(`Unknown device ${id}`);
    return device;
  }

  @Get(':id/readings')
  @ApiOperation({ summary: 'Readings from InfluxDB by event time, averaged per `every` bucket' })
  @ApiQuery({ name: 'from', required: false, description: 'Epoch ms or ISO-8601; default to - 1h' })
  @ApiQuery({ name: 'to', required: false, description: 'Epoch ms or ISO-8601; default now' })
  @ApiQuery({ name: 'every', required: false, description: 'Bucket size such as 10s, 1m, 1h; default chosen for ~720 points' })
  readingsOf(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string, @Query('every') every?: string): Promise<DeviceReadings> {
    return this.readings.readings(deviceIdParam(id), {
      from: optionalTime('from', from),
      to: optionalTime('to', to),
      everyMs: optionalDuration('every', every, 1000, 30 * 86_400_000),
    });
  }
}
