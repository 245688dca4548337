import type { NotifyLanguage, TemplateName } from '@hub/notify';
import type { Executor, NotificationTemplatesTable, Store } from '@hub/store';

/** An admin's text in place of a shipped template or word. */
export interface TemplateOverride {
  language: NotifyLanguage;
  name: TemplateName;
  body: string;
  updatedAt: number;
  updatedBy: string;
}

/** The `notification_templates` table: one row per overridden (language, name); no row means the shipped default. */
export class NotificationTemplateRepository {
  constructor(private readonly store: Store) {}

  async list(language: NotifyLanguage, exec: Executor = this.store.db): Promise<TemplateOverride[]> {
    const rows = await exec.selectFrom('notification_templates').selectAll().where('language', '=', language).orderBy('name').execute();
    return rows.map(fromRow);
  }

  async find(language: NotifyLanguage, name: TemplateName, exec: Executor = this.store.db): Promise<TemplateOverride | undefined> {
    const row = await exec.selectFrom('notification_templates').selectAll().where('language', '=', language).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async save(override: TemplateOverride, exec: Executor = this.store.db): Promise<void> {
    const changed = { body: override.body, updated_at: override.updatedAt, updated_by: override.updatedBy };
    await exec
      .insertInto('notification_templates')
      .values({ language: override.language, name: override.name, ...changed })
      .onConflict((oc) => oc.columns(['language', 'name']).doUpdateSet(changed))
      .execute();
  }

  /** False when there was no override. */
  async delete(language: NotifyLanguage, name: TemplateName, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('notification_templates').where('language', '=', language).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function fromRow(row: NotificationTemplatesTable): TemplateOverride {
  // Written only by save() after the service checked the language and name.
  return { language: row.language as NotifyLanguage, name: row.name as TemplateName, body: row.body, updatedAt: row.updated_at, updatedBy: row.updated_by };
}
