import { AREA_PATH_RULE, checkBoundaryFile, isAreaPath } from './area-boundary-file';

const square = (x: number, y: number, size = 0.01): number[][] => [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
const polygon = (area: unknown, rings: unknown): unknown => ({ type: 'Feature', properties: { area }, geometry: { type: 'Polygon', coordinates: rings } });
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const collection = (...features: unknown[]): Uint8Array => bytes({ type: 'FeatureCollection', features });
const issuesOf = (file: Uint8Array, limits?: Parameters<typeof checkBoundaryFile>[1]) => {
  const check = checkBoundaryFile(file, limits);
  if (check.ok) throw new Error('expected the file to be refused');
  return check.issues.map((issue) => `${issue.field} ${issue.problem}`);
};

describe('area boundary files', () => {
  it('takes one polygon or multipolygon per area, sorted by path, keeping only the area and the geometry', () => {
    const check = checkBoundaryFile(
      bytes({
        type: 'FeatureCollection',
        name: 'county-2026',
        features: [
          { type: 'Feature', id: 7, bbox: [0, 0, 1, 1], properties: { area: 'Ashford/Millbrook', population: 812 }, geometry: { type: 'Polygon', coordinates: [square(116.4, 39.9, 0.01)] } },
          {
            type: 'Feature',
            properties: { area: 'Ashford' },
            geometry: { type: 'MultiPolygon', coordinates: [[square(116.3, 39.8, 0.2), square(116.35, 39.85, 0.01)], [[[117, 40, 55], [117.1, 40, 55], [117.1, 40.1, 55], [117, 40, 55]]]] },
          },
          { type: 'Feature', properties: { area: '' }, geometry: { type: 'Polygon', coordinates: [square(116, 39.5, 2)] } },
        ],
      }),
    );
    expect(check).toEqual({
      ok: true,
      features: [
        { type: 'Feature', properties: { area: '' }, geometry: { type: 'Polygon', coordinates: [square(116, 39.5, 2)] } },
        {
          type: 'Feature',
          properties: { area: 'Ashford' },
          geometry: { type: 'MultiPolygon', coordinates: [[square(116.3, 39.8, 0.2), square(116.35, 39.85, 0.01)], [[[117, 40], [117.1, 40], [117.1, 40.1], [117, 40]]]] },
        },
        { type: 'Feature', properties: { area: 'Ashford/Millbrook' }, geometry: { type: 'Polygon', coordinates: [square(116.4, 39.9, 0.01)] } },
      ],
      indexOf: { 'Ashford/Millbrook': 0, Ashford: 1, '': 2 },
    });
  });

  it('takes an empty collection (no boundaries) and a byte order mark', () => {
    expect(checkBoundaryFile(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes({ type: 'FeatureCollection', features: [] })]))).toEqual({ ok: true, features: [], indexOf: {} });
  });

  it('refuses what is not a GeoJSON FeatureCollection, saying what it is', () => {
    expect(issuesOf(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual(['body is not UTF-8 text: a GeoJSON file is UTF-8 (RFC 7946 §11)']);
    // The parser's own words (they name the token and where it is) follow ours; they differ between Node versions.
    const broken = '{"type": "FeatureCollection", "features": [}';
    const parserSays = ((): string => {
      try {
        JSON.parse(broken);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected JSON.parse to throw');
    })();
    expect(issuesOf(bytes(broken))).toEqual([`body is not JSON: ${parserSays}`]);
    expect(issuesOf(bytes('[1, 2]'))).toEqual(['body must be a GeoJSON FeatureCollection object']);
    expect(issuesOf(bytes({ type: 'Feature', properties: {}, geometry: null }))).toEqual(['type must be "FeatureCollection", got "Feature"']);
    expect(issuesOf(bytes({ type: 'FeatureCollection', features: {} }))).toEqual(['features must be an array of Features']);
  });

  it('names each bad feature’s place and what is wrong with it, every feature checked', () => {
    expect(
      issuesOf(
        collection(
          { type: 'Feature', properties: { area: 'Ashford' }, geometry: { type: 'Point', coordinates: [116.4, 39.9] } },
          { type: 'Feature', properties: { name: 'Brookfield' }, geometry: { type: 'Polygon', coordinates: [square(116.5, 39.9)] } },
          polygon('Ashford/Millbrook/Lower', [square(116.4, 39.9)]),
          { type: 'Feature', properties: { area: 'Calder' }, geometry: null },
          'Dunmore',
          polygon('Elm\u202eford', [square(116.4, 39.9)]),
        ),
      ),
    ).toEqual([
      'features[0].geometry.type is "Point": an area’s boundary is a Polygon or MultiPolygon',
      'features[1].properties.area is missing: each feature names the area it outlines by its path, e.g. "Ashford" or "Ashford/Millbrook"',
      `features[2].properties.area must be ${AREA_PATH_RULE}; got "Ashford/Millbrook/Lower"`,
      'features[3].geometry is missing: an area’s boundary is a Polygon or MultiPolygon',
      'features[4].type must be "Feature", got "Dunmore"',
      `features[5].properties.area must be ${AREA_PATH_RULE}; got "Elm\\u202eford"`,
    ]);
  });

  it('refuses a second polygon for the same area', () => {
    expect(issuesOf(collection(polygon('Ashford', [square(116.4, 39.9)]), polygon('Brookfield', [square(116.6, 39.9)]), polygon('Ashford', [square(116.5, 39.9)])))).toEqual([
      'features[2].properties.area "Ashford" already has a boundary (features[0]): one feature per area; join its polygons into one MultiPolygon',
    ]);
  });

  it('refuses rings that are not closed, too short, or not positions', () => {
    expect(
      issuesOf(
        collection(
          polygon('A', [[[0, 0], [1, 0], [1, 1], [0, 1]]]),
          polygon('B', [[[0, 0], [1, 0], [0, 0]]]),
          polygon('C', [[[0, 0], [1, 0], ['1', 1], [0, 0]]]),
          polygon('D', []),
          polygon('E', [square(0, 0), 'hole']),
          { type: 'Feature', properties: { area: 'F' }, geometry: { type: 'MultiPolygon', coordinates: [[square(0, 0)], [[[5, 5], [6, 5], [6, 6, 1, 2], [5, 5]]]] } },
        ),
      ),
    ).toEqual([
      'features[0].geometry.coordinates[0] is not closed: its last position must be the same as its first',
      'features[1].geometry.coordinates[0] has 3 positions; a linear ring has at least 4, its last the same as its first',
      'features[2].geometry.coordinates[0][2] must be [longitude, latitude] in degrees (numbers), optionally with an altitude',
      'features[3].geometry.coordinates must be a non-empty array of linear rings (the outer boundary, then any holes)',
      'features[4].geometry.coordinates[1] must be an array of positions',
      'features[5].geometry.coordinates[1][0][2] must be [longitude, latitude] in degrees (numbers), optionally with an altitude',
    ]);
  });

  it('refuses coordinates outside longitude and latitude (a projected file)', () => {
    expect(issuesOf(collection(polygon('Ashford', [square(500_000, 4_400_000, 1000)]), polygon('Brookfield', [square(116, 95)])))).toEqual([
      'features[0].geometry.coordinates[0][0] longitude 500000 is outside −180…180: positions are WGS 84 longitude and latitude in degrees (RFC 7946); reproject the file',
      'features[1].geometry.coordinates[0][0] latitude 95 is outside −90…90: positions are WGS 84 longitude and latitude in degrees (RFC 7946); reproject the file',
    ]);
  });

  it('refuses a self-intersecting ring (a bow tie, which turf’s booleanValid lets through) and one that touches itself', () => {
    const bowTie = [[116.4, 39.9], [116.5, 40.0], [116.5, 39.9], [116.4, 40.0], [116.4, 39.9]];
    // A figure eight whose two loops meet at one vertex.
    const touching = [[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]];
    expect(issuesOf(collection(polygon('Ashford', [bowTie]), polygon('Brookfield', [touching])))).toEqual([
      'features[0].geometry.coordinates[0] crosses itself at 116.45, 39.95 (the edges from positions 0 and 2): a boundary may not cross or touch itself',
      'features[1].geometry.coordinates[0] crosses itself at 1, 1 (the edges from positions 1 and 4): a boundary may not cross or touch itself',
    ]);
  });

  it('refuses a spike, and what turf’s OGC check finds: a hole crossing its outer ring, overlapping parts', () => {
    const spike = [[0, 0], [2, 0], [3, 0], [2, 0.0001], [2, 2], [0, 2], [0, 0]];
    const hole = [[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5], [0.5, 0.5]];
    expect(
      issuesOf(
        collection(
          polygon('A', [[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]]),
          polygon('B', [square(0, 0, 1), hole]),
          { type: 'Feature', properties: { area: 'C' }, geometry: { type: 'MultiPolygon', coordinates: [[square(0, 0, 2)], [square(1, 1, 2)]] } },
          polygon('D', [spike]),
        ),
      ),
    ).toEqual([
      'features[0].geometry.coordinates[0] turns straight back on itself at 2, 0 (position 1): a boundary may not have spikes',
      'features[1].geometry is not a valid polygon (OGC simple features): a ring touches itself, a hole crosses its outer ring, or parts of the MultiPolygon cross each other',
      'features[2].geometry is not a valid polygon (OGC simple features): a ring touches itself, a hole crosses its outer ring, or parts of the MultiPolygon cross each other',
    ]);
  });

  it('caps features, positions per ring and positions in all', () => {
    expect(issuesOf(collection(polygon('A', [square(0, 0)]), polygon('B', [square(1, 1)])), { maxFeatures: 1, maxRingPositions: 100, maxPositions: 1000 })).toEqual([
      'features has 2 features; at most 1 are taken',
    ]);
    expect(issuesOf(collection(polygon('A', [square(0, 0)])), { maxFeatures: 10, maxRingPositions: 4, maxPositions: 1000 })).toEqual([
      'features[0].geometry.coordinates[0] has 5 positions; at most 4 are taken per ring: simplify the boundary (e.g. mapshaper -simplify)',
    ]);
    expect(issuesOf(collection(polygon('A', [square(0, 0)]), polygon('B', [square(1, 1)])), { maxFeatures: 10, maxRingPositions: 100, maxPositions: 8 })).toEqual([
      'features hold more than 8 positions in all: simplify the boundaries (e.g. mapshaper -simplify)',
    ]);
  });

  it('lists at most 100 problems and says how many more there were', () => {
    const issues = issuesOf(collection(...Array.from({ length: 130 }, (_, index) => polygon(`Town ${index}`, [[[0, 0]]]))));
    expect(issues).toHaveLength(101);
    expect(issues[99]).toBe('features[99].geometry.coordinates[0] has 1 positions; a linear ring has at least 4, its last the same as its first');
    expect(issues[100]).toBe('features and 30 more problems not listed');
  });

  it.each([
    ['', true],
    ['Ashford', true],
    ['Ashford/Millbrook', true],
    ['长安镇/西村', true],
    ['Ashford/', false],
    ['/Millbrook', false],
    ['A/B/C', false],
    [' Ashford', false],
  ])('area path %j is well formed: %s', (path, expected) => {
    expect(isAreaPath(path)).toBe(expected);
  });
});
