import { MESSAGE_LANGUAGES, type MessageTemplates, type MessageTemplateSource, type NotifyLanguage, withOverrides } from '@hub/notify';
import type { NotificationTemplateRepository } from './notification-template.repository';

/**
 * The shipped templates with the admins' overrides, read from SQLite for every message (a handful of rows by primary
 * key), so a change applies to the next alert without a restart or a cache to keep right. The contact point sender's
 * source; apart from NotificationTemplatesService so that the sender does not depend on the alert engine.
 */
export class StoredMessageTemplates implements MessageTemplateSource {
  constructor(private readonly repository: NotificationTemplateRepository) {}

  templatesFor(language: NotifyLanguage): MessageTemplates {
    const overrides = Object.fromEntries(this.repository.list(language).map((override) => [override.name, override.body]));
    return withOverrides(MESSAGE_LANGUAGES[language], overrides);
  }
}
