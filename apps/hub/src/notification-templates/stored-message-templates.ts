import { type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import { MESSAGE_LANGUAGES, type MessageTemplates, type MessageTemplateSource, NOTIFY_LANGUAGES, type NotifyLanguage, type TemplateName, withOverrides } from '@hub/notify';
import type { NotificationTemplateRepository, TemplateOverride } from './notification-template.repository';

/**
 * The shipped templates with the admins' overrides: the contact point sender's source, apart from
 * NotificationTemplatesService so that the sender does not depend on the alert engine. The sender asks for every
 * message and cannot wait for a query there (MessageTemplateSource is synchronous), so the overrides — a handful of
 * rows — are held in memory: loaded at start, changed by the service once its transaction has committed, so a change
 * applies to the next alert without a restart.
 */
export class StoredMessageTemplates implements MessageTemplateSource {
  private readonly overrides = new Map<NotifyLanguage, Map<TemplateName, string>>(NOTIFY_LANGUAGES.map((language) => [language, new Map()]));

  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(private readonly repository: NotificationTemplateRepository) {}

  /** Reads every override (start-up). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every override again, as a swap to run when the caller decides (CacheCoherence: another node's changes). */
  async readAll(): Promise<() => void> {
    const read = await Promise.all(NOTIFY_LANGUAGES.map(async (language) => [language, await this.repository.list(language)] as const));
    return () => {
      for (const [language, overrides] of read) this.overrides.set(language, new Map(overrides.map((override) => [override.name, override.body])));
    };
  }

  templatesFor(language: NotifyLanguage): MessageTemplates {
    return withOverrides(MESSAGE_LANGUAGES[language], Object.fromEntries(this.of(language)));
  }

  /** After the override's transaction committed. */
  remember(override: TemplateOverride): void {
    this.of(override.language).set(override.name, override.body);
    this.shared.changed();
  }

  /** After the removal's transaction committed. */
  forget(language: NotifyLanguage, name: TemplateName): void {
    this.of(language).delete(name);
    this.shared.changed();
  }

  private of(language: NotifyLanguage): Map<TemplateName, string> {
    let overrides = this.overrides.get(language);
    if (overrides === undefined) this.overrides.set(language, (overrides = new Map()));
    return overrides;
  }
}
