import { Inject, Injectable } from '@nestjs/common';
import type { ConsoleLanguage, OperatorPreferences, TimeZoneChoice } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';

const NONE: OperatorPreferences = { language: null, timeZone: null };

/** The `operator_preferences` table: an operator's console language and time zone choice. */
@Injectable()
export class OperatorPreferencesRepository {
  constructor(@Inject(SQLITE_DATABASE) private readonly db: SqliteDatabase) {}

  get(username: string): OperatorPreferences {
    const row = this.db.prepare('SELECT language, time_zone FROM operator_preferences WHERE username = ?').get(username) as { language: ConsoleLanguage | null; time_zone: TimeZoneChoice | null } | undefined;
    return row === undefined ? NONE : { language: row.language, timeZone: row.time_zone };
  }

  save(username: string, preferences: OperatorPreferences, at: number): void {
    this.db
      .prepare(
        `INSERT INTO operator_preferences (username, language, time_zone, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET language = excluded.language, time_zone = excluded.time_zone, updated_at = excluded.updated_at`,
      )
      .run(username, preferences.language, preferences.timeZone, at);
  }
}
