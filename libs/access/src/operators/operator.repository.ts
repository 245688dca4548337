import type { Domain } from '@hub/contract';
import type { Executor, OperatorsTable, Store } from '@hub/store';
import type { Selectable } from 'kysely';
import type { Role } from '../access-scope';
import { StoredOperator } from './operator';

export type OperatorChange = Partial<Pick<StoredOperator, 'role' | 'scope' | 'disabled' | 'passwordHash'>> & { readonly updatedAt: number };

/** Operators in the hub's database (table `operators`). */
export class OperatorRepository {
  constructor(private readonly store: Store) {}

  async get(username: string, exec: Executor = this.store.db): Promise<StoredOperator | undefined> {
    const row = await exec.selectFrom('operators').selectAll().where('username', '=', username).executeTakeFirst();
    return row === undefined ? undefined : toOperator(row);
  }

  async list(exec: Executor = this.store.db): Promise<StoredOperator[]> {
    return (await exec.selectFrom('operators').selectAll().orderBy('username').execute()).map(toOperator);
  }

  async count(exec: Executor = this.store.db): Promise<number> {
    const { n } = await exec
      .selectFrom('operators')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Enabled admins, to keep the last one from locking everybody out. */
  async enabledAdmins(exec: Executor = this.store.db): Promise<string[]> {
    const rows = await exec.selectFrom('operators').select('username').where('role', '=', 'admin').where('disabled', '=', 0).orderBy('username').execute();
    return rows.map((row) => row.username);
  }

  async insert(operator: StoredOperator, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('operators')
      .values({
        username: operator.username,
        password_hash: operator.passwordHash,
        role: operator.role,
        towns: JSON.stringify(operator.scope.towns),
        domains: JSON.stringify(operator.scope.domains),
        disabled: operator.disabled ? 1 : 0,
        created_at: operator.createdAt,
        created_by: operator.createdBy,
        updated_at: operator.updatedAt,
      })
      .execute();
  }

  /** Changes only the fields given (and updated_at). */
  async update(username: string, change: OperatorChange, exec: Executor = this.store.db): Promise<void> {
    await exec
      .updateTable('operators')
      .set({
        updated_at: change.updatedAt,
        ...(change.role === undefined ? {} : { role: change.role }),
        ...(change.scope === undefined ? {} : { towns: JSON.stringify(change.scope.towns), domains: JSON.stringify(change.scope.domains) }),
        ...(change.disabled === undefined ? {} : { disabled: change.disabled ? 1 : 0 }),
        ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
      })
      .where('username', '=', username)
      .execute();
  }
}

/** A row of `operators` as the domain object. */
export function toOperator(row: Selectable<OperatorsTable>): StoredOperator {
  return {
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role as Role,
    scope: { towns: JSON.parse(row.towns) as string[], domains: JSON.parse(row.domains) as Domain[] },
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}
