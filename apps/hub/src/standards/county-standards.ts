import { type HubLogger, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { StandardsConfig } from '@hub/config';
import { SYSTEM_ACTOR } from '@hub/access';
import type { AuditLogRepository, Executor, Store, Tx } from '@hub/store';
import type { StandardsProfileRepository, StoredStandardsProfile } from './standards-profile.repository';

/** Serialises the first start's choice and admins' changes (several hubs may start on one PostgreSQL at once). */
export const STANDARDS_PROFILE_LOCK = 'standards-profile';

/**
 * The county's standards profile in force. The first start stores what HUB_STANDARDS_PROFILE (or the zone and
 * locale) asks for; every later start keeps the stored one whatever the variable says, and logs the difference, so
 * a changed environment never swaps the rules and the catalogue's bands under the operators. Admins change it
 * through /api/standards-profile.
 */
export class CountyStandards {
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  private constructor(
    private readonly repository: StandardsProfileRepository,
    private stored: StoredStandardsProfile,
  ) {}

  /** Reads the stored profile, storing and auditing the wanted one at the first start; settled before the catalogue and the rules are built on it. */
  static async open(
    store: Store,
    repository: StandardsProfileRepository,
    wanted: StandardsConfig,
    audit: Pick<AuditLogRepository, 'record'>,
    logger: HubLogger,
    now: number = Date.now(),
  ): Promise<CountyStandards> {
    const { stored, chosen } = await store.tx(async (tx) => {
      await tx.lock(STANDARDS_PROFILE_LOCK);
      const existing = await repository.get(tx.exec);
      if (existing !== undefined) return { stored: existing, chosen: false };
      const first: StoredStandardsProfile = { profile: wanted.profile, chosenAt: now, chosenBy: SYSTEM_ACTOR };
      await repository.save(first, tx.exec);
      await audit.record({ at: now, actor: SYSTEM_ACTOR, action: 'standards-profile.choose', targetType: 'standards-profile', targetId: wanted.profile, detail: { ...wanted } }, tx.exec);
      return { stored: first, chosen: true };
    });
    if (chosen) {
      logger.log({ msg: 'Standards profile chosen at first start', profile: wanted.profile, from: wanted.source });
    } else if (wanted.source === 'HUB_STANDARDS_PROFILE' && wanted.profile !== stored.profile) {
      logger.warn({
        msg: `HUB_STANDARDS_PROFILE=${wanted.profile} is ignored: the county keeps ${stored.profile}, chosen ${new Date(stored.chosenAt).toISOString()} by ${stored.chosenBy}; an admin changes it with PUT /api/standards-profile`,
        profile: stored.profile,
        wanted: wanted.profile,
      });
    } else {
      logger.log({ msg: 'Standards profile', profile: stored.profile, chosenBy: stored.chosenBy });
    }
    return new CountyStandards(repository, stored);
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /**
   * The stored profile again (an admin changed it through another node), as a swap to run when the caller decides
   * (CacheCoherence); `followed` is told the profile installed (the catalogue's built-ins follow it).
   */
  async readAll(followed: (profile: StoredStandardsProfile) => void): Promise<() => void> {
    const read = await this.repository.get();
    return () => {
      if (read === undefined) return;
      this.stored = read;
      followed(read);
    };
  }

  get current(): StoredStandardsProfile {
    return this.stored;
  }

  /** The profile as the database holds it: inside a change's transaction, after its lock, what the change starts from. */
  async read(exec: Executor): Promise<StoredStandardsProfile> {
    return (await this.repository.get(exec)) ?? this.stored;
  }

  /** Stores an admin's change in the caller's transaction (which applies it to the rules and the catalogue); in force once that commits. */
  async change(next: StoredStandardsProfile, tx: Tx): Promise<void> {
    await this.repository.save(next, tx.exec);
    tx.afterCommit(() => {
      this.stored = next;
      this.shared.changed();
    });
  }
}
