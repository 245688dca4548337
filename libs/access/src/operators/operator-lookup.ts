import { rereadKeys, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
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
 * Another node's changes arrive through readKeys/readAll (CacheCoherence).
 */
export class OperatorDirectory implements OperatorLookup {
  private byName = new Map<string, StoredOperator>();
  private repository: Pick<OperatorRepository, 'list' | 'get'> | null = null;
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  async load(repository: Pick<OperatorRepository, 'list' | 'get'>): Promise<this> {
    this.repository = repository;
    (await this.readAll())();
    return this;
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every operator again, as a swap to run when the caller decides. */
  async readAll(): Promise<() => void> {
    const operators = await this.requireRepository().list();
    return () => (this.byName = new Map(operators.map((operator) => [operator.username, operator])));
  }

  /** The named operators again (another node changed them). */
  readKeys(usernames: readonly string[]): Promise<() => void> {
    const repository = this.requireRepository();
    return rereadKeys(usernames, (username) => repository.get(username), () => this.byName);
  }

  get(username: string): StoredOperator | undefined {
    return this.byName.get(username);
  }

  /** After a commit that created or changed the operator. */
  remember(operator: StoredOperator): void {
    this.byName.set(operator.username, operator);
    this.shared.changed([operator.username]);
  }

  private requireRepository(): Pick<OperatorRepository, 'list' | 'get'> {
    if (this.repository === null) throw new Error('OperatorDirectory.load() has not run');
    return this.repository;
  }
}
