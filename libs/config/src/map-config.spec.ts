import { ConfigReader } from './env-parsers';
import { readMapConfig, tileSourceOf } from './map-config';

describe('map config', () => {
  it('has no base map by default, so the map needs nothing outside the hub', () => {
    const read = new ConfigReader({});
    expect(readMapConfig(read)).toEqual({ tileUrl: null, tileAttribution: '', tileSource: null, boundariesMaxBytes: 8 * 1024 * 1024 });
    expect(read.errors).toEqual([]);
  });

  it('takes a tile server with its credit, and names its origin for the console’s Content-Security-Policy', () => {
    const read = new ConfigReader({
      HUB_MAP_TILE_URL: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png',
      HUB_MAP_TILE_ATTRIBUTION: '© OpenStreetMap contributors',
      HUB_MAP_BOUNDARIES_MAX_BYTES: '64KiB',
    });
    expect(readMapConfig(read)).toEqual({
      tileUrl: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png',
      tileAttribution: '© OpenStreetMap contributors',
      tileSource: 'https://*.tile.openstreetmap.org',
      boundariesMaxBytes: 65_536,
    });
  });

  it.each([
    ['http://gis.county.example:8080/tiles/{z}/{x}/{y}.png', 'http://gis.county.example:8080'],
    ['https://GIS.County.example/wmts/{z}/{y}/{x}{r}.png', 'https://gis.county.example'],
    ['https://{s}.tiles.example/{z}/{x}/{y}.png', 'https://*.tiles.example'],
  ])('%s is loaded from %s', (template, source) => {
    expect(tileSourceOf(template)).toBe(source);
  });

  it.each([
    ['https://tiles.example/{z}/{x}.png', 'no {y}'],
    ['ftp://tiles.example/{z}/{x}/{y}.png', 'not http(s)'],
    ['https://user:secret@tiles.example/{z}/{x}/{y}.png', 'user info'],
    ['https://tiles{s}.example/{z}/{x}/{y}.png', '{s} inside a label'],
    ['https://tiles.example/{z}/{x}/{y}.png?key={apikey}', 'an unknown placeholder'],
    ['/tiles/{z}/{x}/{y}.png', 'not absolute'],
  ])('refuses %s (%s), naming the variable and what is allowed', (template) => {
    const read = new ConfigReader({ HUB_MAP_TILE_URL: template });
    expect(readMapConfig(read).tileUrl).toBeNull();
    expect(read.errors.map((error) => error.message)).toEqual([
      `Invalid environment variable HUB_MAP_TILE_URL=${JSON.stringify(template.replace('user:secret@', '…@'))}: an http:// or https:// URL template with {z}, {x} and {y} (and optionally {s} as the first label of the host, {r}), without user:password@`,
    ]);
  });
});
