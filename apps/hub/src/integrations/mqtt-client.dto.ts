import { DOMAIN_API_DOC } from '../catalogue/domain-query.pipe';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IntegrationClientView, IssuedIntegrationClient } from '@hub/api-types';

/**
 * OpenAPI schemas of the MQTT client API. Documentation only: bodies are validated by the integrations lib, which
 * names every bad field.
 */
export class NewMqttClientDto {
  @ApiProperty({ description: 'Its MQTT username: lower-case words joined by dots (never a device id), e.g. water.scada', example: 'water.scada' })
  name!: string;
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, isArray: true, description: 'Domains it may read (empty or absent: all)' })
  domains?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Towns whose devices it may read (empty or absent: all). Devices without a town are in none.' })
  towns?: string[];
  @ApiPropertyOptional({ example: 'Water SCADA historian' })
  description?: string;
}

export class MqttClientChangeDto {
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, isArray: true, description: 'New domains (empty: all). Disconnects the client.' })
  domains?: string[];
  @ApiPropertyOptional({ type: [String], description: 'New towns (empty: all). Disconnects the client.' })
  towns?: string[];
  @ApiPropertyOptional()
  description?: string;
}

export class MqttClientDto implements IntegrationClientView {
  @ApiProperty({ example: 'water.scada' })
  name!: string;
  @ApiProperty({ ...DOMAIN_API_DOC, isArray: true })
  domains!: string[];
  @ApiProperty({ type: [String] })
  towns!: string[];
  @ApiProperty()
  description!: string;
  @ApiProperty({ description: 'False once its secret is revoked' })
  active!: boolean;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  createdBy!: string;
  @ApiProperty()
  updatedAt!: string;
  @ApiProperty({ nullable: true, type: String })
  secretIssuedAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  revokedAt!: string | null;
}

export class IssuedMqttClientDto implements IssuedIntegrationClient {
  @ApiProperty({ type: MqttClientDto })
  client!: MqttClientDto;
  @ApiProperty({ description: 'The MQTT password. Shown this once and never again: only its hash is stored.' })
  secret!: string;
}
