import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@hub/access';
import type { NotificationTemplatesView, NotificationTemplateView, TemplatePreview } from '@hub/api-types';
import { isNotifyLanguage, isTemplateName, NOTIFY_LANGUAGES, type NotifyLanguage, TEMPLATE_NAMES, type TemplateName } from '@hub/notify';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { badPathParam } from '../http/query-params';
import { NotificationTemplateDto, NotificationTemplatesDto, TemplateBodyDto, TemplatePreviewDto, TemplatePreviewRequestDto } from './notification-template.dto';
import { NotificationTemplatesService } from './notification-templates.service';

/** The texts of alert messages per language: shipped defaults, admins' overrides, and a preview before saving. */
@ApiTags('notification-templates')
@RequiresRole('admin')
@Controller('api/notification-templates')
export class NotificationTemplatesController {
  constructor(private readonly templates: NotificationTemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Every template of every language: the shipped default, the override if any, and the fields templates may use' })
  @ApiOkResponse({ type: NotificationTemplatesDto })
  list(): NotificationTemplatesView {
    return this.templates.list();
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render the sample alert (or a stored one in the caller’s scope) with the stored templates and the texts tried; nothing is saved' })
  @ApiBody({ type: TemplatePreviewRequestDto })
  @ApiOkResponse({ type: TemplatePreviewDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field: "template.subject", problem }] }: a parse error with its line and column, unknown fields, an empty render' })
  preview(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TemplatePreview> {
    return this.templates.preview(body, principal);
  }

  @Put(':language/:name')
  @ApiOperation({ summary: 'Override one template or word of a language; the next message uses it' })
  @ApiBody({ type: TemplateBodyDto })
  @ApiOkResponse({ type: NotificationTemplateDto })
  @ApiBadRequestResponse({ description: '{ issues: [{ field: "body", problem }] }' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  put(@Param('language') language: string, @Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): NotificationTemplateView {
    return this.templates.put(languageParam(language), nameParam(name), body, principal);
  }

  @Delete(':language/:name')
  @ApiOperation({ summary: 'Remove the override: back to the shipped default' })
  @ApiOkResponse({ type: NotificationTemplateDto })
  @ApiNotFoundResponse({ description: 'There is no override' })
  @ApiForbiddenResponse({ description: 'Not an admin of the whole county' })
  remove(@Param('language') language: string, @Param('name') name: string, @CurrentPrincipal() principal: Principal): NotificationTemplateView {
    return this.templates.remove(languageParam(language), nameParam(name), principal);
  }
}

function languageParam(value: string): NotifyLanguage {
  if (!isNotifyLanguage(value)) throw badPathParam('language', value, `one of ${NOTIFY_LANGUAGES.join(', ')}`);
  return value;
}

function nameParam(value: string): TemplateName {
  if (!isTemplateName(value)) throw badPathParam('name', value, `a template name: one of ${TEMPLATE_NAMES.join(', ')}`);
  return value;
}
