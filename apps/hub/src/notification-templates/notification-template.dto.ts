import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationTemplatesView, NotificationTemplateView, TemplateFieldView, TemplatePreview } from '@hub/api-types';
import { CONTACT_POINT_KINDS, NOTIFY_LANGUAGES, TEMPLATE_NAMES } from '@hub/notify';

/** OpenAPI schemas of the message template API. Documentation only: bodies are checked by @hub/notify (template-input.ts). */
const NAMES_TEXT = `One of ${TEMPLATE_NAMES.join(', ')}`;

export class TemplateFieldDto implements TemplateFieldView {
  @ApiProperty({ example: 'deviceId' })
  name!: string;
  @ApiProperty({ example: 'the device’s id' })
  description!: string;
}

export class TemplateOverrideDto {
  @ApiProperty()
  body!: string;
  @ApiProperty()
  updatedAt!: string;
  @ApiProperty()
  updatedBy!: string;
}

export class NotificationTemplateDto implements NotificationTemplateView {
  @ApiProperty({ enum: [...NOTIFY_LANGUAGES] })
  language!: string;
  @ApiProperty({ description: NAMES_TEXT, example: 'subject' })
  name!: string;
  @ApiProperty({ enum: ['mustache', 'html', 'words'], description: 'html: rendered with HTML escaping; words: plain text put into the templates' })
  kind!: 'mustache' | 'html' | 'words';
  @ApiProperty({ description: 'The shipped text' })
  default!: string;
  @ApiProperty({ type: TemplateOverrideDto, nullable: true })
  override!: TemplateOverrideDto | null;
  @ApiProperty({ description: 'What messages use now: the override, else the default' })
  body!: string;
}

export class NotificationTemplateLanguageDto {
  @ApiProperty({ enum: [...NOTIFY_LANGUAGES] })
  language!: string;
  @ApiProperty({ type: [NotificationTemplateDto] })
  templates!: NotificationTemplateDto[];
}

export class NotificationTemplatesDto implements NotificationTemplatesView {
  @ApiProperty({ type: [NotificationTemplateLanguageDto] })
  languages!: NotificationTemplateLanguageDto[];
  @ApiProperty({ type: [TemplateFieldDto], description: 'The fields a template may use, {{name}}' })
  fields!: TemplateFieldDto[];
}

export class TemplateBodyDto {
  @ApiProperty({ description: 'The new text: a mustache template over the fields, or plain words (testPrefix, events.*, severities.*)', example: '{{testPrefix}}【{{severity}}】{{deviceId}}：{{ruleName}}' })
  body!: string;
}

export class TemplatePreviewRequestDto {
  @ApiProperty({ enum: [...NOTIFY_LANGUAGES] })
  language!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: `Texts to try instead of the stored ones, by name (${TEMPLATE_NAMES.join(', ')}); nothing is saved` })
  template?: Record<string, string>;
  @ApiPropertyOptional({ enum: [...CONTACT_POINT_KINDS], description: 'Also answer `sent`: what that kind of contact point carries' })
  contactPointKind?: string;
  @ApiPropertyOptional({ description: 'A stored alert in the caller’s scope instead of the sample gas critical' })
  alertId?: number;
  @ApiPropertyOptional({ description: 'Render as a test message (with testPrefix)', default: false })
  test?: boolean;
}

export class TemplatePreviewDto implements TemplatePreview {
  @ApiProperty({ enum: [...NOTIFY_LANGUAGES] })
  language!: string;
  @ApiProperty({ description: '0 for the sample alert' })
  alertId!: number;
  @ApiProperty()
  subject!: string;
  @ApiProperty()
  text!: string;
  @ApiProperty({ description: 'Fields HTML-escaped' })
  html!: string;
  @ApiProperty()
  markdownTitle!: string;
  @ApiProperty()
  markdown!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With contactPointKind: the parts that kind sends, as it sends them' })
  sent?: { kind: string } & Record<string, unknown>;
}
