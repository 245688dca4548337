import { PLACEMENT_LOCK } from '@hub/devices';
import { type DeviceProfile, type DeviceProfileRepository, ProfileConflictError, ProfileNotFoundError } from '@hub/profiles';
import type { Executor, NewAuditEntry, Store, Tx } from '@hub/store';

/** The registry as a profile's deletion asks it: who uses the profile, in memory and as stored. */
export interface ProfileUsers {
  usersOf(profileId: string): string[];
  usersStoredOf(profileId: string, tx: Tx): Promise<string[]>;
}

export interface ProfileRemovalDeps {
  readonly store: Store;
  readonly repository: DeviceProfileRepository;
  readonly registry: ProfileUsers;
  readonly audit: { record(entry: NewAuditEntry, exec: Executor): Promise<unknown> };
}

/**
 * Deletes a profile no device uses, audited with `detail` of the deleted profile. Kept apart from the Nest service so
 * that its race with the registry is tested on both dialects (see profile-removal.contract.spec.ts).
 */
export async function removeUnusedProfile(deps: ProfileRemovalDeps, id: string, actor: string, now: number, detailOf: (profile: DeviceProfile) => Record<string, unknown>): Promise<void> {
  refuseWhileUsed(deps.registry.usersOf(id), `delete device profile ${id}`);
  await deps.store.tx(async (tx) => {
    await tx.lock(profileLock(id));
    // Counted again under the lock the registry takes to give a device a profile, of the database: a device given
    // this profile after the check above would otherwise be left naming a profile that is gone.
    await tx.lock(PLACEMENT_LOCK);
    refuseWhileUsed(await deps.registry.usersStoredOf(id, tx), `delete device profile ${id}`);
    const profile = await deps.repository.find(id, tx.exec);
    if (profile === undefined || !(await deps.repository.delete(id, tx.exec))) throw new ProfileNotFoundError(id);
    await deps.audit.record({ at: now, actor, action: 'device-profile.delete', targetType: 'device-profile', targetId: id, detail: detailOf(profile) }, tx.exec);
  });
}

export function refuseWhileUsed(users: readonly string[], what: string): void {
  if (users.length === 0) return;
  const listed = users.length > 10 ? `${users.slice(0, 10).join(', ')} and ${users.length - 10} more` : users.join(', ');
  throw new ProfileConflictError(`Cannot ${what}: ${users.length} devices use it (${listed}); give them another profile first (PATCH their profileId)`);
}

/** Serialises the changes of one profile (PostgreSQL runs transactions side by side). */
export function profileLock(id: string): string {
  return `device-profile:${id}`;
}
