import { COUNTY, type AreaPath } from './area-path';
import { DeviceAreaDirectory, type PlacedDevice } from './area-directory';

describe('DeviceAreaDirectory (provisional: the areas of registered devices)', () => {
  const devices: PlacedDevice[] = [
    { town: 'Brookfield' },
    { town: 'Ashford', village: 'Millbrook' },
    { town: 'Ashford', village: 'Ferry Lane' },
    { town: 'Ashford', village: null },
    { town: null },
  ];
  const directory = new DeviceAreaDirectory(() => devices);

  it('knows the county, the towns devices are in and the villages of their towns', () => {
    const known: AreaPath[] = [COUNTY, { level: 'town', town: 'Ashford' }, { level: 'town', town: 'Brookfield' }, { level: 'village', town: 'Ashford', village: 'Millbrook' }];
    expect(known.map((area) => directory.exists(area))).toEqual([true, true, true, true]);
    expect(directory.exists({ level: 'town', town: 'Castleton' })).toBe(false);
    // A village of one town is not a village of another.
    expect(directory.exists({ level: 'village', town: 'Brookfield', village: 'Millbrook' })).toBe(false);
  });

  it('lists the county’s towns and a town’s villages as paths, sorted; a village has none', () => {
    expect(directory.children(COUNTY)).toEqual(['Ashford', 'Brookfield']);
    expect(directory.children({ level: 'town', town: 'Ashford' })).toEqual(['Ashford/Ferry Lane', 'Ashford/Millbrook']);
    expect(directory.children({ level: 'town', town: 'Brookfield' })).toEqual([]);
    expect(directory.children({ level: 'village', town: 'Ashford', village: 'Millbrook' })).toEqual([]);
  });

  it('reads the registry at each call, so a device provisioned since counts', () => {
    devices.push({ town: 'Castleton' });
    expect(directory.exists({ level: 'town', town: 'Castleton' })).toBe(true);
    devices.pop();
  });
});
