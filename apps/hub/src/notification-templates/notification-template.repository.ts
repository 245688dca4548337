import type { NotifyLanguage, TemplateName } from '@hub/notify';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

/** An admin's text in place of a shipped template or word. */
export interface TemplateOverride {
  language: NotifyLanguage;
  name: TemplateName;
  body: string;
  updatedAt: number;
  updatedBy: string;
}

interface OverrideRow {
  language: string;
  name: string;
  body: string;
  updated_at: number;
  updated_by: string;
}

/** The `notification_templates` table: one row per overridden (language, name); no row means the shipped default. */
export class NotificationTemplateRepository {
  private readonly ofLanguage: Statement;
  private readonly one: Statement;
  private readonly upsertRow: Statement;
  private readonly deleteRow: Statement;

  constructor(db: SqliteDatabase) {
    this.ofLanguage = db.prepare('SELECT * FROM notification_templates WHERE language = ?');
    this.one = db.prepare('SELECT * FROM notification_templates WHERE language = ? AND name = ?');
    this.upsertRow = db.prepare(
      `INSERT INTO notification_templates (language, name, body, updated_at, updated_by) VALUES (@language, @name, @body, @updatedAt, @updatedBy)
       ON CONFLICT (language, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.deleteRow = db.prepare('DELETE FROM notification_templates WHERE language = ? AND name = ?');
  }

  list(language: NotifyLanguage): TemplateOverride[] {
    return (this.ofLanguage.all(language) as OverrideRow[]).map(fromRow);
  }

  find(language: NotifyLanguage, name: TemplateName): TemplateOverride | undefined {
    const row = this.one.get(language, name) as OverrideRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  save(override: TemplateOverride): void {
    this.upsertRow.run(override);
  }

  /** False when there was no override. */
  delete(language: NotifyLanguage, name: TemplateName): boolean {
    return this.deleteRow.run(language, name).changes === 1;
  }
}

function fromRow(row: OverrideRow): TemplateOverride {
  // Written only by save() after the service checked the language and name.
  return { language: row.language as NotifyLanguage, name: row.name as TemplateName, body: row.body, updatedAt: row.updated_at, updatedBy: row.updated_by };
}
