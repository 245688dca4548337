import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { PersonalNotificationsRepository, type PersonalSettings } from './personal-notifications.repository';

const LI_WEI: PersonalSettings = { username: 'li.wei', email: 'li.wei@county.example', phone: null, subscriptions: [{ route: 'gas', channels: ['email'] }], updatedAt: 1000 };

describe.each(TEST_STORES)('PersonalNotificationsRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let settings: PersonalNotificationsRepository;

  beforeEach(async () => {
    test = await open();
    settings = new PersonalNotificationsRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('keeps one row per operator, a save replacing every field of the previous one', async () => {
    await settings.save(LI_WEI);
    await settings.save({ username: 'zhang', email: null, phone: '+8613800000000', subscriptions: [{ route: '燃气', channels: ['sms', 'email'] }], updatedAt: 1500 });
    const replaced: PersonalSettings = { username: 'li.wei', email: null, phone: '13900000000', subscriptions: [], updatedAt: 2000 };
    await settings.save(replaced);
    expect(await settings.list()).toEqual([replaced, { username: 'zhang', email: null, phone: '+8613800000000', subscriptions: [{ route: '燃气', channels: ['sms', 'email'] }], updatedAt: 1500 }]);
  });

  it('lists by username in byte order, usernames matched exactly', async () => {
    for (const username of ['li.wei', 'Li.Wei', 'ann', '_ops']) await settings.save({ ...LI_WEI, username });
    expect((await settings.list()).map((each) => each.username)).toEqual(['Li.Wei', '_ops', 'ann', 'li.wei']);
  });

  it('saves inside a transaction, and nothing when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await settings.save(LI_WEI, tx.exec);
        expect(await settings.list(tx.exec)).toEqual([LI_WEI]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await settings.list()).toEqual([]);
  });
});
