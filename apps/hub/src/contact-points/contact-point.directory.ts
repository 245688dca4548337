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

  constructor(private readonly repository: ContactPointRepository) {}

  /** Reads every contact point again: at start, and whenever another writer may have changed them. */
  async load(): Promise<void> {
    this.byName = new Map((await this.repository.list()).map((stored) => [stored.point.name, stored]));
  }

  find(name: string): StoredContactPoint | undefined {
    return this.byName.get(name);
  }

  /** After the transaction that stored it committed. */
  remember(stored: StoredContactPoint): void {
    this.byName.set(stored.point.name, stored);
  }

  /** After the transaction that deleted it committed. */
  forget(name: string): void {
    this.byName.delete(name);
  }
}
