import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { aRule, T0 } from '../testing/alert-fixtures';
import { AlertRuleRepository } from './alert-rule.repository';

describe('AlertRuleRepository (SQLite in memory)', () => {
  let db: SqliteDatabase;
  let rules: AlertRuleRepository;
  const rule = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20 } }, 'methane');

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    rules = new AlertRuleRepository(db);
  });

  afterEach(() => db.close());

  it('stores and reads a rule exactly, in id order', () => {
    rules.insert({ ...rule, id: 'z-last' });
    rules.insert(rule);
    expect(rules.get('methane')).toEqual(rule);
    expect(rules.list().map((stored) => stored.id)).toEqual(['methane', 'z-last']);
    expect(rules.get('nope')).toBeUndefined();
  });

  it('stores a new revision only on top of the one it was based on', () => {
    rules.insert(rule);
    expect(rules.update({ ...rule, name: 'Renamed', revision: 2, updatedAt: T0 + 1 })).toBe(true);
    expect(rules.update({ ...rule, name: 'Lost update', revision: 2, updatedAt: T0 + 2 })).toBe(false);
    expect(rules.get('methane')).toMatchObject({ name: 'Renamed', revision: 2, updatedAt: T0 + 1, createdAt: T0 });
  });

  it('remembers when each rule was last evaluated, and small settings', () => {
    rules.insert(rule);
    expect(rules.evaluatedThrough('methane')).toBeNull();
    rules.setEvaluatedThrough('methane', T0 + 5000);
    expect(rules.evaluatedThrough('methane')).toBe(T0 + 5000);
    expect(rules.setting('k')).toBeUndefined();
    rules.setSetting('k', 'v1');
    rules.setSetting('k', 'v2');
    expect(rules.setting('k')).toBe('v2');
    expect(rules.delete('methane')).toBe(true);
    expect(rules.delete('methane')).toBe(false);
  });
});
