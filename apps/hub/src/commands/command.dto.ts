import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMAND_STATUSES, type CommandStatus, type CommandView, type DeviceConfigView, type NewCommandBody } from '@hub/api-types';

/**
 * OpenAPI schemas of the device command and configuration API. Documentation only: bodies are validated by
 * libs/commands; each class `implements` its @hub/api-types shape so the two cannot drift apart.
 */
export class NewCommandDto implements NewCommandBody {
  @ApiProperty({ description: 'What to do: lower-case letters, digits, ., _ and -, 1–64 characters', example: 'set-interval' })
  name!: string;
  @ApiPropertyOptional({ description: 'Any JSON value the command takes, at most 16 KiB as JSON; default {}', example: { seconds: 10 } })
  args?: unknown;
  @ApiPropertyOptional({ description: 'How long the command may wait for its reply: 30s, 5m, 1h … or milliseconds; 1 s to 7 d, default 1 h', example: '10m' })
  expiresIn?: string;
}

export class CommandDto implements CommandView {
  @ApiProperty({ description: 'The command id; the device replies with it' })
  id!: string;
  @ApiProperty()
  deviceId!: string;
  @ApiProperty()
  domain!: string;
  @ApiProperty({ example: 'set-interval' })
  name!: string;
  @ApiProperty({ description: 'JSON', example: { seconds: 10 } })
  args!: unknown;
  @ApiProperty({ enum: COMMAND_STATUSES, description: 'queued → sent → delivered (PUBACK) → succeeded | failed (device reply); expired when its expiry passed first' })
  status!: CommandStatus;
  @ApiProperty({ description: 'Epoch ms' })
  createdAt!: number;
  @ApiProperty({ description: 'Operator or API key that sent it' })
  createdBy!: string;
  @ApiProperty({ description: 'Epoch ms' })
  expiresAt!: number;
  @ApiProperty({ type: Number, nullable: true })
  sentAt!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  deliveredAt!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  finishedAt!: number | null;
  @ApiProperty({ description: 'What the device replied with ok: true (JSON), else null', nullable: true })
  result!: unknown;
  @ApiProperty({ type: String, nullable: true, description: 'The device’s error (failed) or why it expired' })
  error!: string | null;
}

export class DeviceConfigDto implements DeviceConfigView {
  @ApiProperty()
  deviceId!: string;
  @ApiProperty({ type: Object, nullable: true, description: 'What operators set (PUT); published retained on the config topic' })
  desired!: Record<string, unknown> | null;
  @ApiProperty({ type: Number, nullable: true })
  desiredAt!: number | null;
  @ApiProperty({ type: String, nullable: true })
  desiredBy!: string | null;
  @ApiProperty({ type: Object, nullable: true, description: 'What the device last published on config/reported' })
  reported!: Record<string, unknown> | null;
  @ApiProperty({ type: Number, nullable: true })
  reportedAt!: number | null;
  @ApiProperty({ description: 'Desired set and not what the device reports (compared as JSON with sorted keys)' })
  differs!: boolean;
}
