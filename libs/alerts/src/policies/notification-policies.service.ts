import { assertCountyWide, type Principal } from '@hub/access';
import type { CatalogueSource } from '@hub/contract';
import { type HubLogger, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { Store } from '@hub/store';
import type { AlertAudit } from '../alert-audit';
import { DEFAULT_TIME_ZONE, type NotificationPolicyTree } from './notification-policy';
import type { NotificationPolicyRepository, StoredPolicyTree } from './notification-policy.repository';
import { parseNotificationPolicyTree } from './notification-policy.validator';

/**
 * The routing tree: read by anyone signed in, replaced whole by a county-wide admin (it routes every town's alerts),
 * audited with the tree it set. The router reads the tree in force through current(), synchronously: the tree is
 * loaded once at start (load) and replaced in memory only when a change has committed.
 */
export class NotificationPoliciesService {
  private cached: StoredPolicyTree | undefined;
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(
    private readonly store: Store,
    private readonly policies: NotificationPolicyRepository,
    private readonly audit: AlertAudit,
    private readonly catalogue: CatalogueSource,
    private readonly contactPointKind: (name: string) => string | undefined,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
    private readonly defaultTimeZone: string = DEFAULT_TIME_ZONE,
  ) {}

  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** The tree again (another node replaced it), as a swap to run when the caller decides (CacheCoherence). */
  async readAll(): Promise<() => void> {
    const stored = await this.policies.get();
    return () => (this.cached = stored);
  }

  get(): StoredPolicyTree {
    if (this.cached === undefined) throw new Error('NotificationPoliciesService.load() has not completed: the alert engine loads the tree when it starts');
    return this.cached;
  }

  current(): NotificationPolicyTree {
    return this.get().tree;
  }

  async put(body: unknown, actor: Pick<Principal, 'name' | 'scope'>): Promise<StoredPolicyTree> {
    assertCountyWide(actor, 'change the notification policies', 'they route the alerts of every town and domain');
    const tree = parseNotificationPolicyTree(body, { catalogue: this.catalogue.current(), contactPointKind: this.contactPointKind, defaultTimeZone: this.defaultTimeZone });
    const at = this.clock();
    const stored: StoredPolicyTree = { tree, updatedAt: at, updatedBy: actor.name };
    await this.store.tx(async (tx) => {
      // One replacement at a time: the tree in memory is then the last one committed.
      await tx.lock('notification-policy');
      await this.policies.put(tree, at, actor.name, tx.exec);
      await this.audit.record({ at, actor: actor.name, action: 'notification-policies.update', targetType: 'notification-policies', targetId: 'tree', detail: { ...tree } }, tx.exec);
      tx.afterCommit(() => {
        this.cached = stored;
        this.shared.changed();
      });
    });
    this.logger.log({ msg: 'Notification policies replaced', actor: actor.name, routes: tree.routes.length });
    return stored;
  }
}
