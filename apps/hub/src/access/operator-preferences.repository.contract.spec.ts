import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { OperatorPreferencesRepository } from './operator-preferences.repository';

describe.each(TEST_STORES)('OperatorPreferencesRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let preferences: OperatorPreferencesRepository;

  beforeEach(async () => {
    test = await open();
    preferences = new OperatorPreferencesRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('answers "not chosen" for an operator who saved nothing, and a saved choice replaced by the next', async () => {
    expect(await preferences.get('li.wei')).toEqual({ language: null, timeZone: null });
    await preferences.save('li.wei', { language: 'zh-CN', timeZone: 'county' }, 1000);
    expect(await preferences.get('li.wei')).toEqual({ language: 'zh-CN', timeZone: 'county' });
    await preferences.save('li.wei', { language: null, timeZone: 'browser' }, 2000);
    expect(await preferences.get('li.wei')).toEqual({ language: null, timeZone: 'browser' });
    expect(await test.store.db.selectFrom('operator_preferences').selectAll().execute()).toEqual([{ username: 'li.wei', language: null, time_zone: 'browser', updated_at: 2000 }]);
  });

  it('keeps each operator apart, names matched exactly (case and all)', async () => {
    await preferences.save('li.wei', { language: 'en', timeZone: null }, 1000);
    await preferences.save('Li.Wei', { language: 'zh-CN', timeZone: null }, 1000);
    expect(await preferences.get('li.wei')).toEqual({ language: 'en', timeZone: null });
    expect(await preferences.get('Li.Wei')).toEqual({ language: 'zh-CN', timeZone: null });
    expect(await preferences.get('LI.WEI')).toEqual({ language: null, timeZone: null });
  });

  it('saves inside a transaction, and not at all when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await preferences.save('li.wei', { language: 'en', timeZone: 'county' }, 1000, tx.exec);
        expect(await preferences.get('li.wei', tx.exec)).toEqual({ language: 'en', timeZone: 'county' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await preferences.get('li.wei')).toEqual({ language: null, timeZone: null });
  });
});
