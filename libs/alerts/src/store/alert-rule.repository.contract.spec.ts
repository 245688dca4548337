import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { aRule, T0 } from '../testing/alert-fixtures';
import { AlertRuleRepository } from './alert-rule.repository';

describe.each(TEST_STORES)('AlertRuleRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let rules: AlertRuleRepository;
  const rule = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20 } }, 'methane');

  beforeEach(async () => {
    test = await open();
    rules = new AlertRuleRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores and reads a rule exactly, in id order', async () => {
    await rules.insert({ ...rule, id: 'z-last' });
    await rules.insert(rule);
    expect(await rules.get('methane')).toEqual(rule);
    expect((await rules.list()).map((stored) => stored.id)).toEqual(['methane', 'z-last']);
    expect(await rules.get('nope')).toBeUndefined();
  });

  it('orders ids byte-wise on both dialects (digits, then upper case, then lower case)', async () => {
    for (const id of ['b-rule', 'a-rule', 'B-rule', '9-rule']) await rules.insert({ ...rule, id });
    expect((await rules.list()).map((stored) => stored.id)).toEqual(['9-rule', 'B-rule', 'a-rule', 'b-rule']);
    expect(await rules.get('A-rule')).toBeUndefined();
  });

  it('stores a new revision only on top of the one it was based on', async () => {
    await rules.insert(rule);
    expect(await rules.update({ ...rule, name: 'Renamed', revision: 2, updatedAt: T0 + 1 })).toBe(true);
    expect(await rules.update({ ...rule, name: 'Lost update', revision: 2, updatedAt: T0 + 2 })).toBe(false);
    expect(await rules.get('methane')).toMatchObject({ name: 'Renamed', revision: 2, updatedAt: T0 + 1, createdAt: T0 });
  });

  it('remembers when each rule was last evaluated, and small settings', async () => {
    await rules.insert(rule);
    expect(await rules.evaluatedThrough('methane')).toBeNull();
    await rules.setEvaluatedThrough('methane', T0 + 5000);
    expect(await rules.evaluatedThrough('methane')).toBe(T0 + 5000);
    expect(await rules.setting('k')).toBeUndefined();
    await rules.setSetting('k', 'v1');
    await rules.setSetting('k', 'v2');
    expect(await rules.setting('k')).toBe('v2');
    expect(await rules.delete('methane')).toBe(true);
    expect(await rules.delete('methane')).toBe(false);
  });

  it('writes inside a transaction: gone when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await rules.insert(rule, tx.exec);
        expect(await rules.get('methane', tx.exec)).toEqual(rule);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await rules.get('methane')).toBeUndefined();
  });
});
