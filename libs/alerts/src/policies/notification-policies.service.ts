import { assertCountyWide, type AuditTrail, type Principal } from '@hub/access';
import type { CatalogueSource } from '@hub/contract';
import type { HubLogger } from '@hub/common';
import { DEFAULT_TIME_ZONE, type NotificationPolicyTree } from './notification-policy';
import type { NotificationPolicyRepository, StoredPolicyTree } from './notification-policy.repository';
import { parseNotificationPolicyTree } from './notification-policy.validator';

/**
 * The routing tree: read by anyone signed in, replaced whole by a county-wide admin (it routes every town's alerts),
 * audited with the tree it set. The router reads the tree in force through current().
 */
export class NotificationPoliciesService {
  private cached: StoredPolicyTree | undefined;

  constructor(
    private readonly policies: NotificationPolicyRepository,
    private readonly audit: AuditTrail,
    private readonly catalogue: CatalogueSource,
    private readonly contactPointKind: (name: string) => string | undefined,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
    private readonly defaultTimeZone: string = DEFAULT_TIME_ZONE,
  ) {}

  get(): StoredPolicyTree {
    this.cached ??= this.policies.get();
    return this.cached;
  }

  current(): NotificationPolicyTree {
    return this.get().tree;
  }

  put(body: unknown, actor: Pick<Principal, 'name' | 'scope'>): StoredPolicyTree {
    assertCountyWide(actor, 'change the notification policies', 'they route the alerts of every town and domain');
    const tree = parseNotificationPolicyTree(body, { catalogue: this.catalogue.current(), contactPointKind: this.contactPointKind, defaultTimeZone: this.defaultTimeZone });
    const at = this.clock();
    this.policies.put(tree, at, actor.name);
    this.audit.record({ at, actor: actor.name, action: 'notification-policies.update', targetType: 'notification-policies', targetId: 'tree', detail: { ...tree } });
    this.cached = { tree, updatedAt: at, updatedBy: actor.name };
    this.logger.log({ msg: 'Notification policies replaced', actor: actor.name, routes: tree.routes.length });
    return this.cached;
  }
}
