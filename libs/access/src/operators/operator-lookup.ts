import type { OperatorsTable, SqliteDatabase } from '@hub/store';
import type { Selectable } from 'kysely';
import { StoredOperator } from './operator';
import { toOperator } from './operator.repository';

/** An operator by username, answered synchronously: for callers that cannot wait (yet). */
export interface OperatorLookup {
  get(username: string): StoredOperator | undefined;
}

/**
 * A temporary bridge (issue 20): PersonalNotificationsService answers the notification router's synchronous
 * `personalRecipients` and reads operators there. Until that path is asynchronous it reads the SQLite handle the
 * Store shares, so it sees every committed change of OperatorRepository. There is no such handle on PostgreSQL: the
 * bridge must be gone before HUB_DATABASE_URL is switched on (step 8 of the storage plan).
 */
export class SqliteOperatorLookup implements OperatorLookup {
  constructor(private readonly db: SqliteDatabase) {}

  get(username: string): StoredOperator | undefined {
    const row = this.db.prepare('SELECT * FROM operators WHERE username = ?').get(username) as Selectable<OperatorsTable> | undefined;
    return row === undefined ? undefined : toOperator(row);
  }
}
