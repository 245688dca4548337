import type { SqliteDatabase } from '@hub/store';
import { DEFAULT_POLICY_TREE, NotificationPolicyTree } from './notification-policy';

export interface StoredPolicyTree {
  readonly tree: NotificationPolicyTree;
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

/** The routing tree, one row; until an admin saves one, DEFAULT_POLICY_TREE (no contact points: nothing is sent). */
export class NotificationPolicyRepository {
  constructor(private readonly db: SqliteDatabase) {}

  get(): StoredPolicyTree {
    const row = this.db.prepare('SELECT document, updated_at, updated_by FROM notification_policy WHERE id = 1').get() as
      | { document: string; updated_at: number; updated_by: string }
      | undefined;
    if (row === undefined) return { tree: DEFAULT_POLICY_TREE, updatedAt: null, updatedBy: null };
    // Trees saved before personal subscriptions existed have no personalDelivery: none offered.
    const tree = { personalDelivery: DEFAULT_POLICY_TREE.personalDelivery, ...(JSON.parse(row.document) as Partial<NotificationPolicyTree>) } as NotificationPolicyTree;
    return { tree, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  put(tree: NotificationPolicyTree, at: number, by: string): void {
    this.db
      .prepare(
        `INSERT INTO notification_policy (id, document, updated_at, updated_by) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(JSON.stringify(tree), at, by);
  }
}
