import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { DEFAULT_POLICY_TREE, type NotificationPolicyTree } from './notification-policy';
import { NotificationPolicyRepository } from './notification-policy.repository';

describe.each(TEST_STORES)('NotificationPolicyRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let policies: NotificationPolicyRepository;
  const tree: NotificationPolicyTree = { ...DEFAULT_POLICY_TREE, contactPoints: ['值班室', 'ops-mail'], groupWaitMs: 10_000 };

  beforeEach(async () => {
    test = await open();
    policies = new NotificationPolicyRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('answers the default tree (nobody saved one) until a tree is saved, then that tree with who and when', async () => {
    expect(await policies.get()).toEqual({ tree: DEFAULT_POLICY_TREE, updatedAt: null, updatedBy: null });
    await policies.put(tree, 1000, 'admin');
    expect(await policies.get()).toEqual({ tree, updatedAt: 1000, updatedBy: 'admin' });
    await policies.put(DEFAULT_POLICY_TREE, 2000, 'chief');
    expect(await policies.get()).toEqual({ tree: DEFAULT_POLICY_TREE, updatedAt: 2000, updatedBy: 'chief' });
    expect(await test.store.db.selectFrom('notification_policy').select('id').execute()).toEqual([{ id: 1 }]);
  });

  it('reads a tree saved before personal subscriptions existed as offering none', async () => {
    const { personalDelivery: _none, ...older } = tree;
    await test.store.db.insertInto('notification_policy').values({ id: 1, document: JSON.stringify(older), updated_at: 500, updated_by: 'admin' }).execute();
    expect((await policies.get()).tree).toEqual({ ...older, personalDelivery: { email: null, sms: null } });
  });
});
