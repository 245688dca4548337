import type { RouteSubscription } from '@hub/api-types';
import type { Executor, Store } from '@hub/store';

/** An operator's own notification settings as stored. */
export interface PersonalSettings {
  readonly username: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly subscriptions: readonly RouteSubscription[];
  readonly updatedAt: number;
}

/** The `operator_notification_settings` table, one row per operator who has set anything. */
export class PersonalNotificationsRepository {
  constructor(private readonly store: Store) {}

  /** By username. */
  async list(exec: Executor = this.store.db): Promise<PersonalSettings[]> {
    const rows = await exec.selectFrom('operator_notification_settings').selectAll().orderBy('username').execute();
    return rows.map((row) => ({
      username: row.username,
      email: row.email,
      phone: row.phone,
      subscriptions: JSON.parse(row.subscriptions) as RouteSubscription[],
      updatedAt: row.updated_at,
    }));
  }

  async save(settings: PersonalSettings, exec: Executor = this.store.db): Promise<void> {
    const changed = { email: settings.email, phone: settings.phone, subscriptions: JSON.stringify(settings.subscriptions), updated_at: settings.updatedAt };
    await exec
      .insertInto('operator_notification_settings')
      .values({ username: settings.username, ...changed })
      .onConflict((oc) => oc.column('username').doUpdateSet(changed))
      .execute();
  }
}
