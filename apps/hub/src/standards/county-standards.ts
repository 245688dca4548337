import type { HubLogger } from '@hub/common';
import type { StandardsConfig } from '@hub/config';
import { SYSTEM_ACTOR, type AuditTrail } from '@hub/access';
import type { StandardsProfileRepository, StoredStandardsProfile } from './standards-profile.repository';

/**
 * The county's standards profile in force. The first start stores what HUB_STANDARDS_PROFILE (or the zone and
 * locale) asks for; every later start keeps the stored one whatever the variable says, and logs the difference, so
 * a changed environment never swaps the rules and the catalogue's bands under the operators. Admins change it
 * through /api/standards-profile.
 */
export class CountyStandards {
  private stored: StoredStandardsProfile;

  constructor(
    private readonly repository: StandardsProfileRepository,
    wanted: StandardsConfig,
    audit: AuditTrail,
    logger: HubLogger,
    now: number = Date.now(),
  ) {
    const stored = repository.get();
    if (stored === undefined) {
      this.stored = { profile: wanted.profile, chosenAt: now, chosenBy: SYSTEM_ACTOR };
      repository.transaction(() => {
        repository.save(this.stored);
        audit.record({ at: now, actor: SYSTEM_ACTOR, action: 'standards-profile.choose', targetType: 'standards-profile', targetId: wanted.profile, detail: { ...wanted } });
      });
      logger.log({ msg: 'Standards profile chosen at first start', profile: wanted.profile, from: wanted.source });
      return;
    }
    this.stored = stored;
    if (wanted.source === 'HUB_STANDARDS_PROFILE' && wanted.profile !== stored.profile) {
      logger.warn({
        msg: `HUB_STANDARDS_PROFILE=${wanted.profile} is ignored: the county keeps ${stored.profile}, chosen ${new Date(stored.chosenAt).toISOString()} by ${stored.chosenBy}; an admin changes it with PUT /api/standards-profile`,
        profile: stored.profile,
        wanted: wanted.profile,
      });
    } else {
      logger.log({ msg: 'Standards profile', profile: stored.profile, chosenBy: stored.chosenBy });
    }
  }

  get current(): StoredStandardsProfile {
    return this.stored;
  }

  /** Stores an admin's change (the caller has applied it to the rules and the catalogue in the same transaction). */
  change(next: StoredStandardsProfile): void {
    this.repository.save(next);
    this.stored = next;
  }
}
