import { ApiProperty } from '@nestjs/swagger';
import { READING_RESOLUTIONS, type DeviceReadings, type ReadingSeries, type ReadingSource, type ReadingResolution } from '@hub/api-types';

/** OpenAPI schema of GET /api/devices/:id/readings. Documentation only; each `implements` its @hub/api-types shape. */
export class ReadingSourceDto implements ReadingSource {
  @ApiProperty({ enum: READING_RESOLUTIONS, description: 'raw readings, or per-minute (1m) or per-hour (1h) aggregates' })
  resolution!: ReadingResolution;
  @ApiProperty({ description: 'Epoch ms, inclusive' })
  from!: number;
  @ApiProperty({ description: 'Epoch ms, exclusive' })
  to!: number;
}

export class ReadingSeriesDto implements ReadingSeries {
  @ApiProperty({ example: 'kPa' })
  unit!: string;
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[bucket start (epoch ms), mean of the readings]; from aggregates sum / count, so exact' })
  points!: [number, number][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[bucket start, least reading]' })
  min!: [number, number][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[bucket start, greatest reading]' })
  max!: [number, number][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[bucket start, number of readings]' })
  count!: [number, number][];
}

export class DeviceReadingsDto implements DeviceReadings {
  @ApiProperty()
  deviceId!: string;
  @ApiProperty({ example: 'water' })
  domain!: string;
  @ApiProperty({ description: 'Epoch ms: the range served, widened to whole aggregate buckets when aggregates answer' })
  from!: number;
  @ApiProperty({ description: 'Epoch ms' })
  to!: number;
  @ApiProperty({ example: 60_000 })
  everyMs!: number;
  @ApiProperty({ enum: READING_RESOLUTIONS, description: 'The coarsest stored resolution used: 1h aggregates for whole-hour buckets, 1m for whole minutes, raw otherwise' })
  resolution!: ReadingResolution;
  @ApiProperty({ type: [ReadingSourceDto], description: 'Which part of the range came from which resolution (aggregates, then raw readings for the recent rest)' })
  sources!: ReadingSourceDto[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ReadingSeriesDto' }, description: 'Per metric' })
  metrics!: Record<string, ReadingSeriesDto>;
}
