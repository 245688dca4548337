import { StoredOperator } from './operator';
import type { OperatorRepository } from './operator.repository';

/** An operator by username, answered synchronously: for callers that cannot wait (the notification router's recipients). */
export interface OperatorLookup {
  get(username: string): StoredOperator | undefined;
}

/**
 * Every operator in memory (a county has tens), loaded at start and changed by OperatorsService after each commit, so
 * that synchronous readers never query and never see a change the database does not have. What they read is role,
 * scope and whether the operator is disabled; a password hash a login re-hashed is not followed (nobody reads it here).
 * `load()` is also how another node's changes would be picked up (issue 21).
 */
export class OperatorDirectory implements OperatorLookup {
  private readonly byName = new Map<string, StoredOperator>();

  async load(repository: Pick<OperatorRepository, 'list'>): Promise<this> {
    const operators = await repository.list();
    this.byName.clear();
    for (const operator of operators) this.byName.set(operator.username, operator);
    return this;
  }

  get(username: string): StoredOperator | undefined {
    return this.byName.get(username);
  }

  /** After a commit that created or changed the operator. */
  remember(operator: StoredOperator): void {
    this.byName.set(operator.username, operator);
  }
}
