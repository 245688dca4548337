import { COUNTY_SCOPE, isCountyWide, roleAllows, scopeCovers } from './access-scope';

describe('roleAllows', () => {
  it('orders the roles viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
  });
});

describe('scopeCovers', () => {
  it('lets the county scope see everything, including things without a town or domain', () => {
    expect(isCountyWide(COUNTY_SCOPE)).toBe(true);
    expect(scopeCovers(COUNTY_SCOPE, { town: null, domain: null })).toBe(true);
    expect(scopeCovers(COUNTY_SCOPE, { town: 'Ashford', domain: 'water' })).toBe(true);
  });

  it('limits a town scope to those towns and hides devices that have no town', () => {
    const scope = { towns: ['Ashford', 'Brook'], domains: [] };
    expect(scopeCovers(scope, { town: 'Brook', domain: 'gas' })).toBe(true);
    expect(scopeCovers(scope, { town: 'Carlow', domain: 'gas' })).toBe(false);
    expect(scopeCovers(scope, { town: null, domain: 'gas' })).toBe(false);
  });

  it('lets a town cover its villages and a village only itself', () => {
    const town = { towns: ['Ashford'], domains: [] };
    const village = { towns: ['Ashford/Millbrook'], domains: [] };
    expect(scopeCovers(town, { town: 'Ashford', village: 'Millbrook', domain: 'water' })).toBe(true);
    expect(scopeCovers(town, { town: 'Ashford', village: null, domain: 'water' })).toBe(true);
    expect(scopeCovers(village, { town: 'Ashford', village: 'Millbrook', domain: 'water' })).toBe(true);
    expect(scopeCovers(village, { town: 'Ashford', village: 'Oakley', domain: 'water' })).toBe(false);
    expect(scopeCovers(village, { town: 'Ashford', village: null, domain: 'water' })).toBe(false);
    expect(scopeCovers(village, { town: 'Ashford', domain: 'water' })).toBe(false);
    expect(scopeCovers(village, { town: 'Brook', village: 'Millbrook', domain: 'water' })).toBe(false);
    expect(scopeCovers({ towns: ['Ashford/Millbrook'], domains: ['gas'] }, { town: 'Ashford', village: 'Millbrook', domain: 'water' })).toBe(false);
  });

  it('needs both the town and the domain to match when both are scoped', () => {
    const scope = { towns: ['Ashford'], domains: ['water' as const] };
    expect(scopeCovers(scope, { town: 'Ashford', domain: 'water' })).toBe(true);
    expect(scopeCovers(scope, { town: 'Ashford', domain: 'power' })).toBe(false);
    expect(scopeCovers(scope, { town: 'Brook', domain: 'water' })).toBe(false);
    expect(scopeCovers(scope, { town: 'Ashford', domain: null })).toBe(false);
  });
});
