import { sql } from 'kysely';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { StandardsProfileRepository } from './standards-profile.repository';

describe.each(TEST_STORES)('StandardsProfileRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: StandardsProfileRepository;

  beforeEach(async () => {
    test = await open();
    repository = new StandardsProfileRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('holds nothing on a fresh database, then one row that each save replaces', async () => {
    expect(await repository.get()).toBeUndefined();
    await repository.save({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    expect(await repository.get()).toEqual({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    await repository.save({ profile: 'eu', chosenAt: 1_796_570_520_000, chosenBy: 'ada' });
    expect(await repository.get()).toEqual({ profile: 'eu', chosenAt: 1_796_570_520_000, chosenBy: 'ada' });
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM standards_profile`.execute(test.store.db);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('says plainly when the row names no profile', async () => {
    await test.store.db.insertInto('standards_profile').values({ id: 1, profile: 'CN', chosen_at: 1, chosen_by: 'hand' }).execute();
    await expect(repository.get()).rejects.toThrow('standards_profile holds "CN", not one of cn, eu');
  });

  it('saves inside a transaction: the previous profile stays when it rolls back', async () => {
    await repository.save({ profile: 'eu', chosenAt: 1000, chosenBy: 'system' });
    await expect(
      test.store.tx(async (tx) => {
        await repository.save({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' }, tx.exec);
        throw new Error('the rules failed');
      }),
    ).rejects.toThrow('the rules failed');
    expect(await repository.get()).toEqual({ profile: 'eu', chosenAt: 1000, chosenBy: 'system' });
  });
});
