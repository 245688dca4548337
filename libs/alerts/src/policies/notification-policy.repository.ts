import type { Executor, Store } from '@hub/store';
import { DEFAULT_POLICY_TREE, NotificationPolicyTree } from './notification-policy';

export interface StoredPolicyTree {
  readonly tree: NotificationPolicyTree;
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

/** The routing tree, one row; until an admin saves one, DEFAULT_POLICY_TREE (no contact points: nothing is sent). */
export class NotificationPolicyRepository {
  constructor(private readonly store: Store) {}

  async get(exec: Executor = this.store.db): Promise<StoredPolicyTree> {
    const row = await exec.selectFrom('notification_policy').select(['document', 'updated_at', 'updated_by']).where('id', '=', 1).executeTakeFirst();
    if (row === undefined) return { tree: DEFAULT_POLICY_TREE, updatedAt: null, updatedBy: null };
    // Trees saved before personal subscriptions existed have no personalDelivery: none offered.
    const tree = { personalDelivery: DEFAULT_POLICY_TREE.personalDelivery, ...(JSON.parse(row.document) as Partial<NotificationPolicyTree>) } as NotificationPolicyTree;
    return { tree, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async put(tree: NotificationPolicyTree, at: number, by: string, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('notification_policy')
      .values({ id: 1, document: JSON.stringify(tree), updated_at: at, updated_by: by })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ document: eb.ref('excluded.document'), updated_at: eb.ref('excluded.updated_at'), updated_by: eb.ref('excluded.updated_by') })),
      )
      .execute();
  }
}
