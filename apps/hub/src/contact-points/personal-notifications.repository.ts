import type { RouteSubscription } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

/** An operator's own notification settings as stored. */
export interface PersonalSettings {
  readonly username: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly subscriptions: readonly RouteSubscription[];
  readonly updatedAt: number;
}

interface SettingsRow {
  username: string;
  email: string | null;
  phone: string | null;
  subscriptions: string;
  updated_at: number;
}

/** The `operator_notification_settings` table, one row per operator who has set anything. */
export class PersonalNotificationsRepository {
  private readonly all: Statement;
  private readonly upsert: Statement;

  constructor(db: SqliteDatabase) {
    this.all = db.prepare('SELECT * FROM operator_notification_settings');
    this.upsert = db.prepare(
      `INSERT INTO operator_notification_settings (username, email, phone, subscriptions, updated_at) VALUES (@username, @email, @phone, @subscriptions, @updatedAt)
       ON CONFLICT (username) DO UPDATE SET email = excluded.email, phone = excluded.phone, subscriptions = excluded.subscriptions, updated_at = excluded.updated_at`,
    );
  }

  list(): PersonalSettings[] {
    return (this.all.all() as SettingsRow[]).map((row) => ({
      username: row.username,
      email: row.email,
      phone: row.phone,
      subscriptions: JSON.parse(row.subscriptions) as RouteSubscription[],
      updatedAt: row.updated_at,
    }));
  }

  save(settings: PersonalSettings): void {
    this.upsert.run({ ...settings, subscriptions: JSON.stringify(settings.subscriptions) });
  }
}
