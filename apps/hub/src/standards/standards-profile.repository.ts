import { isStandardsProfile, type StandardsProfile } from '@hub/contract';
import type { Executor, Store } from '@hub/store';

export interface StoredStandardsProfile {
  readonly profile: StandardsProfile;
  readonly chosenAt: number;
  /** `system` at the first start, else the admin who changed it. */
  readonly chosenBy: string;
}

/** The county's standards profile: one row, written at the first start and by each admin change. */
export class StandardsProfileRepository {
  constructor(private readonly store: Store) {}

  async get(exec: Executor = this.store.db): Promise<StoredStandardsProfile | undefined> {
    const row = await exec.selectFrom('standards_profile').select(['profile', 'chosen_at', 'chosen_by']).where('id', '=', 1).executeTakeFirst();
    if (row === undefined) return undefined;
    // Only this class writes the row; a hand-edited one naming no profile is a broken database, said plainly.
    if (!isStandardsProfile(row.profile)) throw new Error(`standards_profile holds "${row.profile}", not one of cn, eu`);
    return { profile: row.profile, chosenAt: row.chosen_at, chosenBy: row.chosen_by };
  }

  async save(stored: StoredStandardsProfile, exec: Executor = this.store.db): Promise<void> {
    const values = { profile: stored.profile, chosen_at: stored.chosenAt, chosen_by: stored.chosenBy };
    await exec
      .insertInto('standards_profile')
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }
}
