import { areaContains, COUNTY, describeArea, formatAreaPath, parseAreaPath, scopeAreas, scopeCoversArea, scopeTouchesArea, type AreaPath } from './area-path';

const ashford: AreaPath = { level: 'town', town: 'Ashford' };
const millbrook: AreaPath = { level: 'village', town: 'Ashford', village: 'Millbrook' };
const ferry: AreaPath = { level: 'village', town: 'Ashford', village: 'Ferry Lane' };
const brook: AreaPath = { level: 'town', town: 'Brookfield' };
const scoped = (...towns: string[]) => ({ towns });

describe('area paths', () => {
  it('parses the county, a town and a village, and spells them back', () => {
    expect(parseAreaPath('')).toEqual(COUNTY);
    expect(parseAreaPath('Ashford')).toEqual(ashford);
    expect(parseAreaPath('Ashford/Millbrook')).toEqual(millbrook);
    expect(parseAreaPath('石桥镇/东村')).toEqual({ level: 'village', town: '石桥镇', village: '东村' });
    expect(['', 'Ashford', 'Ashford/Millbrook'].map((path) => formatAreaPath(parseAreaPath(path)!))).toEqual(['', 'Ashford', 'Ashford/Millbrook']);
    expect([COUNTY, ashford, millbrook].map(describeArea)).toEqual(['the county', 'Ashford', 'Ashford/Millbrook']);
  });

  it('refuses paths no area can have: empty names, a third level, spaces at the ends, invisible characters', () => {
    for (const path of ['/', 'Ashford/', '/Millbrook', 'Ashford//Millbrook', 'Ashford/Millbrook/Lane 3', ' Ashford', 'Ashford/Millbrook ', 'Ash\u202eford', 'Ash\u0000ford', 'x'.repeat(101)]) {
      expect([path, parseAreaPath(path)]).toEqual([path, undefined]);
    }
  });

  it('knows which area contains which: the county all, a town its villages, a village itself', () => {
    expect([COUNTY, ashford, millbrook, brook].map((inner) => areaContains(COUNTY, inner))).toEqual([true, true, true, true]);
    expect([COUNTY, ashford, millbrook, brook].map((inner) => areaContains(ashford, inner))).toEqual([false, true, true, false]);
    expect([COUNTY, ashford, millbrook, ferry].map((inner) => areaContains(millbrook, inner))).toEqual([false, false, true, false]);
  });
});

describe('scopes of area paths', () => {
  it('reads a scope’s towns as area paths; none means the whole county; entries no area can have cover nothing', () => {
    expect(scopeAreas(scoped())).toBeNull();
    expect(scopeAreas(scoped('Ashford/Millbrook', 'Brookfield', 'a/b/c'))).toEqual([millbrook, brook]);
  });

  it('covers an area wholly only from a scope entry containing it', () => {
    expect([COUNTY, ashford, millbrook, brook].map((area) => scopeCoversArea(scoped(), area))).toEqual([true, true, true, true]);
    expect([COUNTY, ashford, millbrook, brook].map((area) => scopeCoversArea(scoped('Ashford'), area))).toEqual([false, true, true, false]);
    // A village-scoped operator does not hold the town, nor its other villages.
    expect([COUNTY, ashford, millbrook, ferry].map((area) => scopeCoversArea(scoped('Ashford/Millbrook'), area))).toEqual([false, false, true, false]);
  });

  it('touches an area when it covers any part of it', () => {
    expect([COUNTY, ashford, millbrook, ferry, brook].map((area) => scopeTouchesArea(scoped('Ashford/Millbrook'), area))).toEqual([true, true, true, false, false]);
    expect([COUNTY, ashford, millbrook, brook].map((area) => scopeTouchesArea(scoped(), area))).toEqual([true, true, true, true]);
  });
});
