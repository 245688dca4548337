import { isStandardsProfile, type StandardsProfile } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';

export interface StoredStandardsProfile {
  readonly profile: StandardsProfile;
  readonly chosenAt: number;
  /** `system` at the first start, else the admin who changed it. */
  readonly chosenBy: string;
}

interface ProfileRow {
  profile: string;
  chosen_at: number;
  chosen_by: string;
}

/** The county's standards profile: one row, written at the first start and by each admin change. */
export class StandardsProfileRepository {
  constructor(private readonly db: SqliteDatabase) {}

  get(): StoredStandardsProfile | undefined {
    const row = this.db.prepare('SELECT profile, chosen_at, chosen_by FROM standards_profile WHERE id = 1').get() as ProfileRow | undefined;
    if (row === undefined) return undefined;
    // Only this class writes the row; a hand-edited one naming no profile is a broken database, said plainly.
    if (!isStandardsProfile(row.profile)) throw new Error(`standards_profile holds "${row.profile}", not one of cn, eu`);
    return { profile: row.profile, chosenAt: row.chosen_at, chosenBy: row.chosen_by };
  }

  save(stored: StoredStandardsProfile): void {
    this.db
      .prepare(
        'INSERT INTO standards_profile (id, profile, chosen_at, chosen_by) VALUES (1, ?, ?, ?) ' +
          'ON CONFLICT (id) DO UPDATE SET profile = excluded.profile, chosen_at = excluded.chosen_at, chosen_by = excluded.chosen_by',
      )
      .run(stored.profile, stored.chosenAt, stored.chosenBy);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
