import { COUNTY, type AreaPath } from './area-path';
import { type AreaRegistry, RegistryAreaDirectory } from './area-directory';

describe('RegistryAreaDirectory (the areas registry, as the roll-ups read it)', () => {
  const areas = [
    { path: 'Ashford', parent: null },
    { path: 'Ashford/Ferry Lane', parent: 'Ashford' },
    { path: 'Ashford/Millbrook', parent: 'Ashford' },
    { path: 'Brookfield', parent: null },
  ];
  const registry: AreaRegistry = {
    find: (path) => areas.find((area) => area.path === path),
    towns: () => areas.filter((area) => area.parent === null),
    villagesOf: (town) => areas.filter((area) => area.parent === town),
  };
  const directory = new RegistryAreaDirectory(registry);

  it('knows the county, the registered towns and the villages of their towns', () => {
    const known: AreaPath[] = [COUNTY, { level: 'town', town: 'Ashford' }, { level: 'town', town: 'Brookfield' }, { level: 'village', town: 'Ashford', village: 'Millbrook' }];
    expect(known.map((area) => directory.exists(area))).toEqual([true, true, true, true]);
    expect(directory.exists({ level: 'town', town: 'Castleton' })).toBe(false);
    // A village of one town is not a village of another.
    expect(directory.exists({ level: 'village', town: 'Brookfield', village: 'Millbrook' })).toBe(false);
  });

  it('lists the county’s towns and a town’s villages as paths; a village has none', () => {
    expect(directory.children(COUNTY)).toEqual(['Ashford', 'Brookfield']);
    expect(directory.children({ level: 'town', town: 'Ashford' })).toEqual(['Ashford/Ferry Lane', 'Ashford/Millbrook']);
    expect(directory.children({ level: 'town', town: 'Brookfield' })).toEqual([]);
    expect(directory.children({ level: 'village', town: 'Ashford', village: 'Millbrook' })).toEqual([]);
  });
});
