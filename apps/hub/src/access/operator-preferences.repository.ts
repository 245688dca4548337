import type { ConsoleLanguage, OperatorPreferences, TimeZoneChoice } from '@hub/api-types';
import type { Executor, Store } from '@hub/store';

const NONE: OperatorPreferences = { language: null, timeZone: null };

/** The `operator_preferences` table: an operator's console language and time zone choice. */
export class OperatorPreferencesRepository {
  constructor(private readonly store: Store) {}

  async get(username: string, exec: Executor = this.store.db): Promise<OperatorPreferences> {
    const row = await exec.selectFrom('operator_preferences').select(['language', 'time_zone']).where('username', '=', username).executeTakeFirst();
    // Written only by save() from parsed preferences, so each is one of its choices or null.
    return row === undefined ? NONE : { language: row.language as ConsoleLanguage | null, timeZone: row.time_zone as TimeZoneChoice | null };
  }

  async save(username: string, preferences: OperatorPreferences, at: number, exec: Executor = this.store.db): Promise<void> {
    const values = { language: preferences.language, time_zone: preferences.timeZone, updated_at: at };
    await exec
      .insertInto('operator_preferences')
      .values({ username, ...values })
      .onConflict((oc) => oc.column('username').doUpdateSet(values))
      .execute();
  }
}
