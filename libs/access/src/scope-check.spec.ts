import { openSqliteDatabase } from '@hub/store';
import { AccessDeniedError } from './access-errors';
import { areaSqlOf, assertInScope, scopeSql, scopeWithin } from './scope-check';

describe('scope checks', () => {
  const county = { towns: [], domains: [] };
  const ashford = { towns: ['Ashford'], domains: [] };
  const ashfordWater = { towns: ['Ashford'], domains: ['water' as const] };

  it('says whether one scope lies inside another (empty lists: all)', () => {
    expect(scopeWithin(ashfordWater, county)).toBe(true);
    expect(scopeWithin(ashfordWater, ashford)).toBe(true);
    expect(scopeWithin(ashford, ashfordWater)).toBe(false);
    expect(scopeWithin(county, ashford)).toBe(false);
    expect(scopeWithin({ towns: ['Ashford', 'Brook'], domains: [] }, ashford)).toBe(false);
  });

  it('lets a town scope hand out its villages, never a village scope its town or a sibling village', () => {
    const millbrook = { towns: ['Ashford/Millbrook'], domains: [] };
    expect(scopeWithin(millbrook, ashford)).toBe(true);
    expect(scopeWithin({ towns: ['Ashford/Millbrook', 'Ashford/Oakley'], domains: [] }, ashford)).toBe(true);
    expect(scopeWithin(ashford, millbrook)).toBe(false);
    expect(scopeWithin({ towns: ['Ashford/Oakley'], domains: [] }, millbrook)).toBe(false);
    expect(scopeWithin({ towns: ['Ashfordham/Millbrook'], domains: [] }, ashford)).toBe(false);
  });

  it('throws 403 naming the thing and the scope', () => {
    expect(() => assertInScope({ name: 'dana', scope: ashfordWater }, { town: 'Ashford', domain: 'gas' }, 'Alert 7')).toThrow(
      new AccessDeniedError('Alert 7 is outside the scope of dana (towns Ashford; domains water)'),
    );
    expect(() => assertInScope({ name: 'dana', scope: county }, { town: null, domain: null }, 'x')).not.toThrow();
  });

  it('turns a scope into SQL conditions with named parameters (nothing for the county)', () => {
    expect(scopeSql(county, 'town', 'domain')).toEqual({ clauses: [], params: {} });
    expect(scopeSql({ towns: ['Ashford', "O'Brien"], domains: ['gas'] }, 'hub_area_of(device_id)', 'domain')).toEqual({
      clauses: [
        '(hub_area_of(device_id) = @scopeTown0 OR substr(hub_area_of(device_id), 1, length(@scopeTownUnder0)) = @scopeTownUnder0 OR ' +
          'hub_area_of(device_id) = @scopeTown1 OR substr(hub_area_of(device_id), 1, length(@scopeTownUnder1)) = @scopeTownUnder1)',
        'domain IN (@scopeDomain0)',
      ],
      params: { scopeTown0: 'Ashford', scopeTownUnder0: 'Ashford/', scopeTown1: "O'Brien", scopeTownUnder1: "O'Brien/", scopeDomain0: 'gas' },
    });
  });

  it('selects in SQLite what scopeCovers would: a town with its villages, a village alone, names with % and _ taken literally', () => {
    const db = openSqliteDatabase(':memory:', 0);
    db.exec('CREATE TABLE things (id TEXT, town TEXT, village TEXT, domain TEXT)');
    const rows: Array<[string, string | null, string | null, string]> = [
      ['a', 'Ashford', null, 'water'],
      ['a-mill', 'Ashford', 'Millbrook', 'water'],
      ['a-oak', 'Ashford', 'Oakley', 'gas'],
      ['ham', 'Ashfordham', null, 'water'],
      ['ham-mill', 'Ashfordham', 'Millbrook', 'water'],
      ['pct', '50%_Town', 'X', 'water'],
      ['pct-like', '50xyTown', 'X', 'water'],
      ['none', null, null, 'water'],
    ];
    for (const row of rows) db.prepare('INSERT INTO things VALUES (?, ?, ?, ?)').run(...row);
    const ids = (towns: string[], domains: Array<'water' | 'gas'> = []): string[] => {
      const { clauses, params } = scopeSql({ towns, domains }, areaSqlOf('town', 'village'), 'domain');
      const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
      return (db.prepare(`SELECT id FROM things ${where} ORDER BY id`).all(params) as Array<{ id: string }>).map((row) => row.id);
    };
    expect(ids(['Ashford'])).toEqual(['a', 'a-mill', 'a-oak']);
    expect(ids(['Ashford/Millbrook'])).toEqual(['a-mill']);
    expect(ids(['Ashford/Millbrook', 'Ashfordham'])).toEqual(['a-mill', 'ham', 'ham-mill']);
    expect(ids(['Ashford'], ['gas'])).toEqual(['a-oak']);
    expect(ids(['50%_Town'])).toEqual(['pct']);
    expect(ids([])).toEqual(['a', 'a-mill', 'a-oak', 'ham', 'ham-mill', 'none', 'pct', 'pct-like']);
    db.close();
  });
});
