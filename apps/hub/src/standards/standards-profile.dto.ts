import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CatalogueDefaultChange, KeptBecause, RulePackChange, StandardsProfileDiff, StandardsProfileView } from '@hub/api-types';
import { STANDARDS_PROFILES, type StandardsProfile } from '@hub/contract';

/**
 * OpenAPI schemas of /api/standards-profile. Documentation only (the service reads the body); each `implements` its
 * @hub/api-types shape so the two cannot drift.
 */
export class StandardsProfileChoiceDto {
  @ApiProperty({ enum: STANDARDS_PROFILES, example: 'cn' })
  profile!: StandardsProfile;
}

export class AvailableProfileDto {
  @ApiProperty({ enum: STANDARDS_PROFILES })
  profile!: StandardsProfile;
  @ApiProperty()
  description!: string;
}

export class StandardsProfileViewDto implements StandardsProfileView {
  @ApiProperty({ enum: STANDARDS_PROFILES })
  profile!: StandardsProfile;
  @ApiProperty({ description: 'ISO 8601' })
  chosenAt!: string;
  @ApiProperty({ description: '`system` at the first start, else the admin who changed it' })
  chosenBy!: string;
  @ApiProperty({ type: [AvailableProfileDto] })
  available!: AvailableProfileDto[];
}

export class KeptDto {
  @ApiProperty({ enum: ['edited', 'deleted', 'not-from-pack'] })
  because!: KeptBecause;
  @ApiProperty({ nullable: true, type: String, description: 'Who last changed or deleted it (audit log)' })
  by!: string | null;
  @ApiProperty({ example: 'kept, edited by dana.ortiz' })
  note!: string;
}

export class RulePackChangeDto implements RulePackChange {
  @ApiProperty()
  ruleId!: string;
  @ApiProperty({ enum: ['added', 'changed', 'removed', 'kept', 'unchanged'] })
  change!: RulePackChange['change'];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'For changed: each field that changes, { from, to }' })
  fields?: Record<string, { from: unknown; to: unknown }>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'For added: the rule as it will be created' })
  rule?: RulePackChange['rule'];
  @ApiPropertyOptional({ type: KeptDto })
  kept?: KeptDto;
}

export class CatalogueDefaultChangeDto implements CatalogueDefaultChange {
  @ApiProperty()
  domain!: string;
  @ApiProperty()
  metric!: string;
  @ApiProperty({ enum: ['changed', 'kept'] })
  change!: 'changed' | 'kept';
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'description, range, typical: { from, to }' })
  fields!: Record<string, { from: unknown; to: unknown }>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Set when an admin changed the metric: their row stays in force' })
  kept?: CatalogueDefaultChange['kept'];
}

export class StandardsProfileDiffDto implements StandardsProfileDiff {
  @ApiProperty({ enum: STANDARDS_PROFILES })
  from!: StandardsProfile;
  @ApiProperty({ enum: STANDARDS_PROFILES })
  to!: StandardsProfile;
  @ApiProperty({ description: 'False for a preview; true once applied' })
  applied!: boolean;
  @ApiProperty({ type: [RulePackChangeDto] })
  rules!: RulePackChangeDto[];
  @ApiProperty({ type: [CatalogueDefaultChangeDto] })
  catalogue!: CatalogueDefaultChangeDto[];
}
