import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import type { Role } from '../access-scope';
import { StoredOperator } from './operator';

interface OperatorRow {
  username: string;
  password_hash: string;
  role: Role;
  towns: string;
  domains: string;
  disabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}

export type OperatorChange = Partial<Pick<StoredOperator, 'role' | 'scope' | 'disabled' | 'passwordHash'>> & { readonly updatedAt: number };

/** Operators in the embedded database (table `operators`). */
export class OperatorRepository {
  constructor(private readonly db: SqliteDatabase) {}

  get(username: string): StoredOperator | undefined {
    const row = this.db.prepare('SELECT * FROM operators WHERE username = ?').get(username) as OperatorRow | undefined;
    return row === undefined ? undefined : toOperator(row);
  }

  list(): StoredOperator[] {
    return (this.db.prepare('SELECT * FROM operators ORDER BY username').all() as OperatorRow[]).map(toOperator);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM operators').get() as { n: number }).n;
  }

  /** Enabled admins, to keep the last one from locking everybody out. */
  enabledAdmins(): string[] {
    return (this.db.prepare(`SELECT username FROM operators WHERE role = 'admin' AND disabled = 0 ORDER BY username`).all() as { username: string }[]).map((row) => row.username);
  }

  insert(operator: StoredOperator): void {
    this.db
      .prepare(
        `INSERT INTO operators (username, password_hash, role, towns, domains, disabled, created_at, created_by, updated_at)
         VALUES (@username, @passwordHash, @role, @towns, @domains, @disabled, @createdAt, @createdBy, @updatedAt)`,
      )
      .run({
        username: operator.username,
        passwordHash: operator.passwordHash,
        role: operator.role,
        towns: JSON.stringify(operator.scope.towns),
        domains: JSON.stringify(operator.scope.domains),
        disabled: operator.disabled ? 1 : 0,
        createdAt: operator.createdAt,
        createdBy: operator.createdBy,
        updatedAt: operator.updatedAt,
      });
  }

  update(username: string, change: OperatorChange): void {
    this.db
      .prepare(
        `UPDATE operators SET role = COALESCE(@role, role), towns = COALESCE(@towns, towns), domains = COALESCE(@domains, domains),
           disabled = COALESCE(@disabled, disabled), password_hash = COALESCE(@passwordHash, password_hash), updated_at = @updatedAt
         WHERE username = @username`,
      )
      .run({
        username,
        role: change.role ?? null,
        towns: change.scope === undefined ? null : JSON.stringify(change.scope.towns),
        domains: change.scope === undefined ? null : JSON.stringify(change.scope.domains),
        disabled: change.disabled === undefined ? null : change.disabled ? 1 : 0,
        passwordHash: change.passwordHash ?? null,
        updatedAt: change.updatedAt,
      });
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function toOperator(row: OperatorRow): StoredOperator {
  return {
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    scope: { towns: JSON.parse(row.towns) as string[], domains: JSON.parse(row.domains) as Domain[] },
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}
