import { ApiProperty } from '@nestjs/swagger';
import type { IngestAnswer, IngestRefusal } from '@hub/api-types';
import { REJECT_REASON_CODES, type RejectReason } from '@hub/contract';

export class IngestRefusalDto implements IngestRefusal {
  @ApiProperty({ type: Number, nullable: true, description: 'Position in the array body; null for a single reading or the whole body' })
  index!: number | null;
  @ApiProperty({ enum: REJECT_REASON_CODES })
  reason!: RejectReason;
  @ApiProperty({ description: 'What was wrong, as in the dead letter' })
  message!: string;
}

/** The answer to POST /api/ingest/{domain}/{deviceId}; 4xx answers add statusCode, error and message. */
export class IngestAnswerDto implements IngestAnswer {
  @ApiProperty({ description: 'Readings now in InfluxDB or the fsync\'d outage spool' })
  accepted!: number;
  @ApiProperty({ description: 'Readings already received (same device, seq and ts): stored once, not again' })
  duplicates!: number;
  @ApiProperty({ type: [IngestRefusalDto] })
  refused!: IngestRefusalDto[];
  @ApiProperty({ required: false })
  statusCode?: number;
  @ApiProperty({ required: false })
  error?: string;
  @ApiProperty({ required: false })
  message?: string;
}
