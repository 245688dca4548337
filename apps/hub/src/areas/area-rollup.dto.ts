import { ApiProperty } from '@nestjs/swagger';
import { READING_RESOLUTIONS, ROLLUP_AGGREGATES, type AreaRollupView, type ReadingResolution, type RollupAggregate, type RollupPointView, type RollupSeriesView } from '@hub/api-types';
import { ReadingSourceDto } from '../devices/device-readings.dto';

/** OpenAPI schema of a roll-up. Documentation only; each `implements` its @hub/api-types shape so the two cannot drift. */
export class RollupPointDto implements RollupPointView {
  @ApiProperty({ description: 'Start of the bucket, ISO 8601', example: '2026-12-01T08:00:00.000Z' })
  t!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Null when no device of the area reported in the bucket (0 with agg=count)' })
  value!: number | null;
  @ApiProperty({ description: 'Distinct devices that reported in the bucket' })
  devices!: number;
}

export class RollupSeriesDto implements RollupSeriesView {
  @ApiProperty({ description: "Area path: '' for the county, Ashford, Ashford/Millbrook", example: 'Ashford' })
  area!: string;
  @ApiProperty({ type: [RollupPointDto], description: 'Every bucket of the range; [] when nothing in the area reported in it' })
  points!: RollupPointDto[];
}

export class AreaRollupDto implements AreaRollupView {
  @ApiProperty({ description: "The area asked for: '' for the county" })
  area!: string;
  @ApiProperty({ example: 'water' })
  domain!: string;
  @ApiProperty({ example: 'flow_m3h' })
  metric!: string;
  @ApiProperty({ example: 'm³/h', description: 'The metric’s unit (with agg=count the values are numbers of devices)' })
  unit!: string;
  @ApiProperty({ enum: ROLLUP_AGGREGATES })
  agg!: RollupAggregate;
  @ApiProperty({ example: '1h' })
  every!: string;
  @ApiProperty({ description: 'ISO 8601' })
  from!: string;
  @ApiProperty({ description: 'ISO 8601' })
  to!: string;
  @ApiProperty({ type: [String], nullable: true, description: 'The county for a town- or village-scoped caller: the areas the answer is limited to; null when it covers the whole area' })
  scopedTo!: string[] | null;
  @ApiProperty({ enum: READING_RESOLUTIONS, description: 'The coarsest stored resolution the roll-up read: 1h aggregates for whole-hour buckets, 1m for whole minutes, raw otherwise; from and to are widened to its buckets' })
  resolution!: ReadingResolution;
  @ApiProperty({ type: [ReadingSourceDto], description: 'Which part of the range came from which resolution (aggregates, then raw readings for the recent rest)' })
  sources!: ReadingSourceDto[];
  @ApiProperty({ type: RollupSeriesDto, description: 'The whole area' })
  total!: RollupSeriesDto;
  @ApiProperty({ type: [RollupSeriesDto], description: 'The county’s towns or the town’s villages ([] for a village)' })
  children!: RollupSeriesDto[];
}
