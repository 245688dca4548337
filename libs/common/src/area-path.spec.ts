import { AREA_NAME_PATTERN, AREA_PATH_PATTERN, areaCovers, areaPathOf, areasOverlap, placeOfPath } from './area-path';

describe('area paths', () => {
  it('accepts a town or a town/village as a path, each part a name without a slash', () => {
    const accepted = ['Ashford', 'Ashford/Millbrook', 'Ash ford/Mill Lane', '东山镇/西村'];
    const refused = ['', '/Ashford', 'Ashford/', 'Ashford//Mill', 'A/B/C', ' Ashford', 'Ashford /Mill', 'Ashford/ Mill', 'Ash\u202eford', 'x'.repeat(101)];
    expect(accepted.filter((path) => AREA_PATH_PATTERN.test(path))).toEqual(accepted);
    expect(refused.filter((path) => AREA_PATH_PATTERN.test(path))).toEqual([]);
  });

  it('allows a name everything a town name allows except the slash', () => {
    expect(AREA_NAME_PATTERN.test('Mill Lane')).toBe(true);
    expect(AREA_NAME_PATTERN.test('x'.repeat(100))).toBe(true);
    expect(AREA_NAME_PATTERN.test('x'.repeat(101))).toBe(false);
    expect(AREA_NAME_PATTERN.test('Mill/Lane')).toBe(false);
    expect(AREA_NAME_PATTERN.test('Mill\tLane')).toBe(false);
  });

  it('spells a place as a path and back', () => {
    expect(areaPathOf({ town: 'Ashford', village: 'Millbrook' })).toBe('Ashford/Millbrook');
    expect(areaPathOf({ town: 'Ashford', village: null })).toBe('Ashford');
    expect(areaPathOf({ town: 'Ashford' })).toBe('Ashford');
    expect(areaPathOf({ town: null, village: 'Millbrook' })).toBeNull();
    expect(placeOfPath('Ashford/Millbrook')).toEqual({ town: 'Ashford', village: 'Millbrook' });
    expect(placeOfPath('Ashford')).toEqual({ town: 'Ashford', village: null });
    expect(placeOfPath(null)).toEqual({ town: null, village: null });
  });

  it('lets a town cover its villages, and a village only itself', () => {
    expect(areaCovers('Ashford', 'Ashford')).toBe(true);
    expect(areaCovers('Ashford', 'Ashford/Millbrook')).toBe(true);
    expect(areaCovers('Ashford', 'Ashfordham')).toBe(false);
    expect(areaCovers('Ashford', 'Ashfordham/Millbrook')).toBe(false);
    expect(areaCovers('Ashford/Millbrook', 'Ashford/Millbrook')).toBe(true);
    expect(areaCovers('Ashford/Millbrook', 'Ashford')).toBe(false);
    expect(areaCovers('Ashford/Millbrook', 'Ashford/Millbrookside')).toBe(false);
    expect(areaCovers('Ashford', null)).toBe(false);
    expect(areasOverlap('Ashford/Millbrook', 'Ashford')).toBe(true);
    expect(areasOverlap('Ashford/Millbrook', 'Ashford/Oakley')).toBe(false);
  });
});
