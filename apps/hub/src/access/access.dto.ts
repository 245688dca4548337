import type { OperatorPreferences } from '@hub/api-types';
import { DOMAIN_API_DOC } from '../catalogue/domain-query.pipe';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PRINCIPAL_KINDS,
  ROLES,
  type ApiKeyView,
  type AuditEntryView,
  type AuditPage,
  type CreatedApiKey,
  type LoginRequest,
  type MeView,
  type OperatorView,
  type PasswordChangeRequest,
  type PrincipalKind,
  type Role,
  type SessionTimesView,
} from '@hub/api-types';

/**
 * OpenAPI schemas of the access API (documentation only: the access lib validates bodies and names every bad field).
 * Each `implements` its @hub/api-types shape, so a field renamed there stops this file compiling.
 */
export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'dana.ortiz' }) username!: string;
  @ApiProperty({ example: 'correct horse battery staple' }) password!: string;
}

export class SessionTimesDto implements SessionTimesView {
  @ApiProperty({ description: 'The session ends then unless used again (sliding)' }) idleExpiresAt!: string;
  @ApiProperty({ description: 'The session ends then at the latest' }) expiresAt!: string;
}

export class MeDto implements MeView {
  @ApiProperty({ enum: PRINCIPAL_KINDS }) kind!: PrincipalKind;
  @ApiProperty({ description: 'Username, `key:<name>` or `bootstrap-key`: what the audit log and alert histories record' }) name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: [String], description: 'Towns seen (empty: all)' }) towns!: string[];
  @ApiProperty({ ...DOMAIN_API_DOC, isArray: true, description: 'Domains seen (empty: all)' }) domains!: string[];
  @ApiPropertyOptional({ type: SessionTimesDto, nullable: true, description: 'Logged-in operators only' }) session!: SessionTimesDto | null;
  @ApiProperty({ example: 'Asia/Shanghai', description: 'The county’s time zone (HUB_TIME_ZONE), in which the console shows times by default' }) countyTimeZone!: string;
  @ApiPropertyOptional({ nullable: true, description: 'An operator’s saved console language and time zone choice (PUT /api/me/preferences); null for API keys', example: { language: 'zh-CN', timeZone: 'county' } })
  preferences!: OperatorPreferences | null;
}

export class PasswordChangeDto implements PasswordChangeRequest {
  @ApiProperty() currentPassword!: string;
  @ApiProperty({ description: '12 to 1024 characters, not containing the username' }) newPassword!: string;
}

export class NewOperatorDto {
  @ApiProperty({ example: 'dana.ortiz', description: 'Lower-case letters, digits, ".", "_", "-"' }) username!: string;
  @ApiProperty({ description: '12 to 1024 characters, not containing the username' }) password!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiPropertyOptional({ type: [String], description: 'Towns the operator sees and acts in (empty or absent: all)' }) towns?: string[];
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, isArray: true, description: 'Domains (empty or absent: all)' }) domains?: string[];
}

export class OperatorChangeDto {
  @ApiPropertyOptional({ enum: ROLES }) role?: string;
  @ApiPropertyOptional({ type: [String] }) towns?: string[];
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, isArray: true }) domains?: string[];
  @ApiPropertyOptional({ description: 'true: logged out everywhere at once and refused from then on' }) disabled?: boolean;
  @ApiPropertyOptional({ description: 'A new password (a reset): the operator is logged out everywhere' }) password?: string;
}

export class OperatorDto implements OperatorView {
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: [String] }) towns!: string[];
  @ApiProperty({ ...DOMAIN_API_DOC, isArray: true }) domains!: string[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Sessions open now' }) sessions!: number;
}

export class NewApiKeyDto {
  @ApiProperty({ example: 'water-scada', description: 'Lower-case letters, digits, ".", "_", "-"; unique. The audit log names the key key:<name>' }) name!: string;
  @ApiPropertyOptional({ example: 'Nightly export to the water SCADA' }) description?: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiPropertyOptional({ type: [String] }) towns?: string[];
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, isArray: true }) domains?: string[];
}

export class ApiKeyDto implements ApiKeyView {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: 'cshub_Ab3dEf', description: 'The first characters of the key, to recognise it' }) prefix!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: [String] }) towns!: string[];
  @ApiProperty({ ...DOMAIN_API_DOC, isArray: true }) domains!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Within a minute' }) lastUsedAt!: string | null;
}

export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ description: 'The key: shown this once, stored only as its SHA-256. Send it as "Authorization: Bearer <key>"' }) key!: string;
  @ApiProperty({ type: ApiKeyDto }) apiKey!: ApiKeyDto;
}

export class AuditEntryDto implements AuditEntryView {
  @ApiProperty() id!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'Username, key:<name>, bootstrap-key, system or anonymous (a failed login)' }) actor!: string;
  @ApiProperty({ example: 'alert.acknowledge' }) action!: string;
  @ApiProperty({ example: 'alert' }) targetType!: string;
  @ApiProperty({ nullable: true, type: String }) targetId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'Pass as `before` for the next (older) page' }) nextBefore!: number | null;
}
