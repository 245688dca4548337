import { AccessDeniedError } from './access-errors';
import { assertInScope, scopeSql, scopeWithin } from './scope-check';

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

  it('throws 403 naming the thing and the scope', () => {
    expect(() => assertInScope({ name: 'dana', scope: ashfordWater }, { town: 'Ashford', domain: 'gas' }, 'Alert 7')).toThrow(
      new AccessDeniedError('Alert 7 is outside the scope of dana (towns Ashford; domains water)'),
    );
    expect(() => assertInScope({ name: 'dana', scope: county }, { town: null, domain: null }, 'x')).not.toThrow();
  });

  it('turns a scope into SQL conditions with named parameters (nothing for the county)', () => {
    expect(scopeSql(county, 'town', 'domain')).toEqual({ clauses: [], params: {} });
    expect(scopeSql({ towns: ['Ashford', "O'Brien"], domains: ['gas'] }, 'hub_town_of(device_id)', 'domain')).toEqual({
      clauses: ['hub_town_of(device_id) IN (@scopeTown0, @scopeTown1)', 'domain IN (@scopeDomain0)'],
      params: { scopeTown0: 'Ashford', scopeTown1: "O'Brien", scopeDomain0: 'gas' },
    });
  });
});
