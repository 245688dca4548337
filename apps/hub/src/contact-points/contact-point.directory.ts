import { rereadKeys, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { StoredContactPoint } from '@hub/notify';
import type { ContactPointRepository } from './contact-point.repository';

/**
 * Every contact point in memory, for those who must answer without waiting: the notification policies ask a
 * contact point's kind while they route (ContactPointPort.kindOf, synchronous in @hub/alerts) and reports check a
 * definition's contact point as they parse it. Loaded at start; ContactPointsService changes it once a change has
 * committed, so it never shows a contact point the store does not have.
 */
export class ContactPointDirectory {
  private byName = new Map<string, StoredContactPoint>();
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(private readonly repository: ContactPointRepository) {}

  /** Reads every contact point (start-up). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every contact point again, as a swap to run when the caller decides (CacheCoherence: another node's changes). */
  async readAll(): Promise<() => void> {
    const read = new Map((await this.repository.list()).map((stored) => [stored.point.name, stored]));
    return () => (this.byName = read);
  }

  /** The named contact points again (another node changed them). */
  readKeys(names: readonly string[]): Promise<() => void> {
    return rereadKeys(names, (name) => this.repository.find(name), () => this.byName);
  }

  find(name: string): StoredContactPoint | undefined {
    return this.byName.get(name);
  }

  /** After the transaction that stored it committed. */
  remember(stored: StoredContactPoint): void {
    this.byName.set(stored.point.name, stored);
    this.shared.changed([stored.point.name]);
  }

  /** After the transaction that deleted it committed. */
  forget(name: string): void {
    this.byName.delete(name);
    this.shared.changed([name]);
  }
}
