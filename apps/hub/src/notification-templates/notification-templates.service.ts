import { AccessDeniedError, describeScope, isCountyWide, type Principal } from '@hub/access';
import type { NotificationTemplatesView, NotificationTemplateView, TemplatePreview } from '@hub/api-types';
import {
  type AlertChange, isMustacheTemplate, MESSAGE_LANGUAGES, NOTIFY_LANGUAGES, type NotifyLanguage, parsePreviewRequest, parseTemplateBody,
  previewMessage, sampleAlertChange, TEMPLATE_FIELDS, TEMPLATE_NAMES, type TemplateName, templateText,
} from '@hub/notify';
import type { AuditLogRepository, Store } from '@hub/store';
import { TemplateOverrideNotFoundError } from './notification-template.errors';
import type { NotificationTemplateRepository, TemplateOverride } from './notification-template.repository';
import type { StoredMessageTemplates } from './stored-message-templates';

const TARGET_TYPE = 'notification-template';

export type TemplatesActor = Pick<Principal, 'name' | 'scope'>;

/** A stored alert as its latest change, when it is inside the caller's scope (else the lookup throws 403/404). */
export type AlertLookup = (alertId: number, by: TemplatesActor) => Promise<AlertChange>;

/**
 * The message texts as admins shape them: the shipped defaults (templates/*.json) with overrides in the store.
 * The sender reads them through StoredMessageTemplates for every message, which this service keeps in step once a
 * change has committed, so a change reaches the next alert. Every
 * admin may read and preview (a preview of a real alert only within their scope); only an admin of the whole county
 * may change the texts, which every town's messages use.
 */
export class NotificationTemplatesService {
  constructor(
    private readonly store: Store,
    private readonly repository: NotificationTemplateRepository,
    private readonly stored: StoredMessageTemplates,
    private readonly audit: AuditLogRepository,
    private readonly alertChange: AlertLookup,
    private readonly publicUrl: string,
    /** The county's time zone, for `since` in previews as in messages. */
    private readonly timeZone = 'UTC',
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<NotificationTemplatesView> {
    const languages = await Promise.all(
      NOTIFY_LANGUAGES.map(async (language) => {
        const overrides = new Map((await this.repository.list(language)).map((override) => [override.name, override]));
        return { language, templates: TEMPLATE_NAMES.map((name) => templateView(language, name, overrides.get(name))) };
      }),
    );
    return { languages, fields: TEMPLATE_FIELDS };
  }

  async put(language: NotifyLanguage, name: TemplateName, body: unknown, by: TemplatesActor): Promise<NotificationTemplateView> {
    assertCountyWide(by, `change the message template ${language}/${name}`);
    const text = parseTemplateBody(body, name, this.stored.templatesFor(language));
    const override: TemplateOverride = { language, name, body: text, updatedAt: this.now(), updatedBy: by.name };
    await this.store.tx(async (tx) => {
      // The audit's "before" must be the text this change replaced, not one a concurrent change replaced too.
      await tx.lock(lockOf(language, name));
      const before = await this.repository.find(language, name, tx.exec);
      await this.repository.save(override, tx.exec);
      await this.audit.record(
        {
          at: override.updatedAt,
          actor: by.name,
          action: 'notification-template.update',
          targetType: TARGET_TYPE,
          targetId: `${language}/${name}`,
          detail: { before: before?.body ?? defaultText(language, name), after: text, wasDefault: before === undefined },
        },
        tx.exec,
      );
      tx.afterCommit(() => this.stored.remember(override));
    });
    return templateView(language, name, override);
  }

  /** Back to the shipped default. */
  async remove(language: NotifyLanguage, name: TemplateName, by: TemplatesActor): Promise<NotificationTemplateView> {
    assertCountyWide(by, `revert the message template ${language}/${name}`);
    await this.store.tx(async (tx) => {
      await tx.lock(lockOf(language, name));
      const before = await this.repository.find(language, name, tx.exec);
      if (before === undefined || !(await this.repository.delete(language, name, tx.exec))) throw new TemplateOverrideNotFoundError(language, name);
      await this.audit.record(
        {
          at: this.now(),
          actor: by.name,
          action: 'notification-template.delete',
          targetType: TARGET_TYPE,
          targetId: `${language}/${name}`,
          detail: { before: before.body, after: defaultText(language, name), wasDefault: false },
        },
        tx.exec,
      );
      tx.afterCommit(() => this.stored.forget(language, name));
    });
    return templateView(language, name, undefined);
  }

  async preview(body: unknown, by: TemplatesActor): Promise<TemplatePreview> {
    const request = parsePreviewRequest(body, (language) => this.stored.templatesFor(language));
    const change = request.alertId === undefined ? sampleAlertChange(this.now()) : await this.alertChange(request.alertId, by);
    return previewMessage(change, this.publicUrl, request.templates, { test: request.test, kind: request.kind, timeZone: this.timeZone });
  }
}

function lockOf(language: NotifyLanguage, name: TemplateName): string {
  return `notification-template:${language}/${name}`;
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
