import { AccessDeniedError, describeScope, isCountyWide, type Principal } from '@hub/access';
import type { NotificationTemplatesView, NotificationTemplateView, TemplatePreview } from '@hub/api-types';
import {
  type AlertChange, isMustacheTemplate, MESSAGE_LANGUAGES, type MessageTemplateSource, NOTIFY_LANGUAGES, type NotifyLanguage, parsePreviewRequest, parseTemplateBody,
  previewMessage, sampleAlertChange, TEMPLATE_FIELDS, TEMPLATE_NAMES, type TemplateName, templateText,
} from '@hub/notify';
import type { AuditLogRepository } from '@hub/store';
import { TemplateOverrideNotFoundError } from './notification-template.errors';
import type { NotificationTemplateRepository, TemplateOverride } from './notification-template.repository';

const TARGET_TYPE = 'notification-template';

export type TemplatesActor = Pick<Principal, 'name' | 'scope'>;

/** A stored alert as its latest change, when it is inside the caller's scope (else the lookup throws 403/404). */
export type AlertLookup = (alertId: number, by: TemplatesActor) => Promise<AlertChange>;

/**
 * The message texts as admins shape them: the shipped defaults (templates/*.json) with overrides stored in SQLite.
 * The sender reads them through StoredMessageTemplates for every message, so a change reaches the next alert. Every
 * admin may read and preview (a preview of a real alert only within their scope); only an admin of the whole county
 * may change the texts, which every town's messages use.
 */
export class NotificationTemplatesService {
  constructor(
    private readonly repository: NotificationTemplateRepository,
    private readonly stored: MessageTemplateSource,
    private readonly audit: AuditLogRepository,
    private readonly alertChange: AlertLookup,
    private readonly publicUrl: string,
    /** The county's time zone, for `since` in previews as in messages. */
    private readonly timeZone = 'UTC',
    private readonly now: () => number = Date.now,
  ) {}

  list(): NotificationTemplatesView {
    return {
      languages: NOTIFY_LANGUAGES.map((language) => {
        const overrides = new Map(this.repository.list(language).map((override) => [override.name, override]));
        return { language, templates: TEMPLATE_NAMES.map((name) => templateView(language, name, overrides.get(name))) };
      }),
      fields: TEMPLATE_FIELDS,
    };
  }

  put(language: NotifyLanguage, name: TemplateName, body: unknown, by: TemplatesActor): NotificationTemplateView {
    assertCountyWide(by, `change the message template ${language}/${name}`);
    const text = parseTemplateBody(body, name, this.stored.templatesFor(language));
    const before = this.repository.find(language, name);
    const override: TemplateOverride = { language, name, body: text, updatedAt: this.now(), updatedBy: by.name };
    this.repository.save(override);
    this.audit.record({
      at: override.updatedAt,
      actor: by.name,
      action: 'notification-template.update',
      targetType: TARGET_TYPE,
      targetId: `${language}/${name}`,
      detail: { before: before?.body ?? defaultText(language, name), after: text, wasDefault: before === undefined },
    });
    return templateView(language, name, override);
  }

  /** Back to the shipped default. */
  remove(language: NotifyLanguage, name: TemplateName, by: TemplatesActor): NotificationTemplateView {
    assertCountyWide(by, `revert the message template ${language}/${name}`);
    const before = this.repository.find(language, name);
    if (before === undefined || !this.repository.delete(language, name)) throw new TemplateOverrideNotFoundError(language, name);
    this.audit.record({
      at: this.now(),
      actor: by.name,
      action: 'notification-template.delete',
      targetType: TARGET_TYPE,
      targetId: `${language}/${name}`,
      detail: { before: before.body, after: defaultText(language, name), wasDefault: false },
    });
    return templateView(language, name, undefined);
  }

  async preview(body: unknown, by: TemplatesActor): Promise<TemplatePreview> {
    const request = parsePreviewRequest(body, (language) => this.stored.templatesFor(language));
    const change = request.alertId === undefined ? sampleAlertChange(this.now()) : await this.alertChange(request.alertId, by);
    return previewMessage(change, this.publicUrl, request.templates, { test: request.test, kind: request.kind, timeZone: this.timeZone });
  }
}

function defaultText(language: NotifyLanguage, name: TemplateName): string {
  return templateText(MESSAGE_LANGUAGES[language], name);
}

function templateView(language: NotifyLanguage, name: TemplateName, override: TemplateOverride | undefined): NotificationTemplateView {
  const shipped = defaultText(language, name);
  return {
    language,
    name,
    kind: name === 'html' ? 'html' : isMustacheTemplate(name) ? 'mustache' : 'words',
    default: shipped,
    override: override === undefined ? null : { body: override.body, updatedAt: new Date(override.updatedAt).toISOString(), updatedBy: override.updatedBy },
    body: override?.body ?? shipped,
  };
}

function assertCountyWide(by: TemplatesActor, what: string): void {
  if (!isCountyWide(by.scope)) {
    throw new AccessDeniedError(`Only an admin of the whole county may ${what}: the templates write every town’s messages (${by.name} has ${describeScope(by.scope)})`);
  }
}
