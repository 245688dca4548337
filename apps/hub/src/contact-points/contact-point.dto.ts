import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type ContactPointKind, type ContactPointView, type DeliveryResult, NOTIFY_LANGUAGES, type NotifyLanguage } from '@hub/notify';
import type { ContactPointDelivery } from './contact-point-delivery.repository';

/**
 * OpenAPI schemas of the contact point API. Documentation only: bodies are validated by @hub/notify, which names
 * every bad field. Settings per kind are described in docs/alerts.md (Contact points).
 */
const KINDS = ['email', 'dingtalk', 'feishu', 'wecom', 'sms', 'webhook'];
const LANGUAGES = [...NOTIFY_LANGUAGES];
const LANGUAGE_TEXT = 'The messages’ language: en (English) or zh (简体中文); null: the hub’s HUB_NOTIFY_LANGUAGE';
const SETTINGS_TEXT =
  'By kind — email: host, port (default by security: 587/465/25), security (starttls | tls | none), username, password*, ca (PEM), from, to[]; ' +
  'dingtalk: url* (…/robot/send?access_token=…), secret* (加签); feishu: url* (…/bot/v2/hook/…), secret*, format (card | text); ' +
  'wecom: url* (…/webhook/send?key=…); sms: method (POST | PUT | GET), url* (template), headers*, contentType, body (template), templateId, ' +
  'phoneNumbers[], success { jsonPath, equals }; webhook: url, secret* (signs X-Hub-Signature). * write-only: never returned, logged or audited.';

export class NewContactPointDto {
  @ApiProperty({ description: 'Its id, named by routes: lower-case letters, digits and -, 1–40', example: 'gas-on-call' })
  name!: string;
  @ApiProperty({ enum: KINDS })
  kind!: ContactPointKind;
  @ApiPropertyOptional({ enum: LANGUAGES, nullable: true, description: LANGUAGE_TEXT })
  language?: NotifyLanguage | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: SETTINGS_TEXT, example: { url: 'https://oapi.dingtalk.com/robot/send?access_token=…', secret: 'SEC…' } })
  settings!: Record<string, unknown>;
}

export class ContactPointChangeDto {
  @ApiPropertyOptional({ enum: LANGUAGES, nullable: true, description: `${LANGUAGE_TEXT}; absent: unchanged` })
  language?: NotifyLanguage | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `Fields to replace (absent: a change of language alone). A secret absent keeps its value; null clears it. ${SETTINGS_TEXT}` })
  settings?: Record<string, unknown>;
}

export class ContactPointDto implements ContactPointView {
  @ApiProperty({ example: 'gas-on-call' })
  name!: string;
  @ApiProperty({ enum: KINDS })
  kind!: ContactPointKind;
  @ApiProperty({ enum: LANGUAGES, nullable: true, description: LANGUAGE_TEXT })
  language!: NotifyLanguage | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The settings without secrets; a URL holding a token shows as `endpoint` (its origin)' })
  settings!: Record<string, unknown>;
  @ApiProperty({ description: 'Whether any secret is stored (none is ever shown)' })
  secretSet!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, example: { url: true, secret: true }, description: 'Each secret field of the kind: set or not' })
  secrets!: Record<string, boolean>;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  createdBy!: string;
  @ApiProperty()
  updatedAt!: string;
  @ApiProperty()
  updatedBy!: string;
}

export class DeliveryResultDto implements DeliveryResult {
  @ApiProperty({ description: 'The receiver took it (HTTP 2xx and, for robots, errcode/code 0; SMTP 250)' })
  ok!: boolean;
  @ApiPropertyOptional({ description: 'HTTP status or SMTP reply code; absent when nothing answered' })
  status?: number;
  @ApiProperty({ description: 'The provider’s answer, at most 500 characters', example: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' })
  providerAnswer!: string;
  @ApiProperty({ description: 'Whether a later attempt may succeed (rate limit, 5xx, timeout); false for a refusal (bad signature, 4xx)' })
  retryable!: boolean;
}

export class ContactPointDeliveryDto implements ContactPointDelivery {
  @ApiProperty()
  id!: number;
  @ApiProperty()
  contactPoint!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for a test message' })
  alertId!: number | null;
  @ApiProperty()
  at!: string;
  @ApiProperty()
  ok!: boolean;
  @ApiProperty({ type: Number, nullable: true })
  status!: number | null;
  @ApiProperty()
  providerAnswer!: string;
  @ApiProperty()
  retryable!: boolean;
}
