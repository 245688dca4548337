import type { AreaBoundariesView, MapSettingsView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey } from '../harness/operators';

interface Refusal {
  readonly statusCode: number;
  readonly message: string;
  readonly issues?: { field: string; problem: string }[];
}

const square = (x: number, y: number, size: number): number[][] => [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
const feature = (area: string, ring: number[][]) => ({ type: 'Feature', properties: { area }, geometry: { type: 'Polygon', coordinates: [ring] } });
const COUNTY = {
  type: 'FeatureCollection',
  features: [feature('Brookfield', square(116.5, 39.8, 0.1)), feature('Ashford', square(116.3, 39.8, 0.2)), feature('Ashford/Millbrook', square(116.35, 39.85, 0.05))],
};
/** 64 KiB: small enough that the test sends a file over it in a moment. */
const LIMIT = 65_536;

/**
 * The boundaries API against the real service process: a county-wide admin uploads a GeoJSON file, which any
 * signed-in reader gets back; a malformed file, one over the size limit and one with a self-intersecting polygon are
 * refused with their reasons and change nothing; a town admin and a viewer may not replace the county's boundaries;
 * every replacement is in the audit log. The map's settings come from HUB_MAP_*, and the console's
 * Content-Security-Policy lets images come from the configured tile server and nowhere else.
 */
describe('area boundaries API (real service)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  const put = async (body: string, headers: Record<string, string> = hub.adminHeaders, contentType = 'application/geo+json') => {
    const response = await fetch(`${hub.httpUrl}/api/area-boundaries`, { method: 'PUT', headers: { ...headers, 'content-type': contentType }, body });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const stored = async () => (await hub.get<AreaBoundariesView>('/api/area-boundaries')).body;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'area_boundaries',
      HUB_MAP_BOUNDARIES_MAX_BYTES: '64KiB',
      HUB_MAP_TILE_URL: 'https://{s}.tiles.county.example/{z}/{x}/{y}.png',
      HUB_MAP_TILE_ATTRIBUTION: '© County GIS office',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('has no boundaries before the first upload', async () => {
    expect(await hub.get('/api/area-boundaries')).toEqual({ status: 200, body: { type: 'FeatureCollection', features: [], updatedAt: null, updatedBy: null } });
  });

  it('refuses a boundary of an area the registry does not hold, naming each such feature', async () => {
    const answer = await put(JSON.stringify(COUNTY));
    expect(answer.status).toBe(400);
    const problem = (area: string) => `names no registered area: "${area}" (GET /api/areas lists them; an admin adds one with POST /api/areas)`;
    expect((answer.body as Refusal).issues).toEqual([
      { field: 'features[0].properties.area', problem: problem(COUNTY.features[0].properties.area) },
      { field: 'features[1].properties.area', problem: problem(COUNTY.features[1].properties.area) },
      { field: 'features[2].properties.area', problem: problem(COUNTY.features[2].properties.area) },
    ]);
    expect((await stored()).features).toEqual([]);
  });

  it('stores an admin’s file, sorted by area, and gives it back to a viewer', async () => {
    for (const area of [{ name: 'Ashford' }, { name: 'Millbrook', parent: 'Ashford' }, { name: 'Brookfield' }, { name: 'Calder' }]) {
      expect((await hub.request('POST', '/api/areas', area)).status).toBe(201);
    }
    const before = Date.now();
    const answer = await put(JSON.stringify(COUNTY));
    expect(answer.status).toBe(200);
    const viewer = await createApiKey(hub, { name: 'wallboard', role: 'viewer', towns: ['Brookfield'] });
    const read = await fetch(`${hub.httpUrl}/api/area-boundaries`, { headers: bearer(viewer.key) });
    expect(read.status).toBe(200);
    const view = (await read.json()) as AreaBoundariesView;
    expect(view).toEqual(answer.body);
    expect(view.features).toEqual([COUNTY.features[1], COUNTY.features[2], COUNTY.features[0]]);
    expect(view.updatedBy).toBe('bootstrap-key');
    expect(Date.parse(view.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses a file that is not JSON, with the parser’s reason, and keeps what was stored', async () => {
    const answer = await put('{"type": "FeatureCollection", "features": [');
    expect(answer.status).toBe(400);
    const refusal = answer.body as Refusal;
    expect(refusal.issues).toHaveLength(1);
    expect(refusal.issues?.[0].field).toBe('body');
    expect(refusal.issues?.[0].problem).toMatch(/^is not JSON: /);
    expect((await stored()).features).toHaveLength(3);
  });

  it('refuses a self-intersecting polygon, a duplicate area and a bad path, naming each feature', async () => {
    const bowTie = [[116.4, 39.9], [116.5, 40.0], [116.5, 39.9], [116.4, 40.0], [116.4, 39.9]];
    const file = { type: 'FeatureCollection', features: [feature('Ashford', bowTie), feature('Brookfield', square(116.5, 39.8, 0.1)), feature('Brookfield', square(116.7, 39.8, 0.1)), feature('Calder/', square(116.9, 39.8, 0.1))] };
    const answer = await put(JSON.stringify(file), hub.adminHeaders, 'application/json');
    expect(answer.status).toBe(400);
    expect((answer.body as Refusal).issues).toEqual([
      { field: 'features[0].geometry.coordinates[0]', problem: 'crosses itself at 116.45, 39.95 (the edges from positions 0 and 2): a boundary may not cross or touch itself' },
      { field: 'features[2].properties.area', problem: '"Brookfield" already has a boundary (features[1]): one feature per area; join its polygons into one MultiPolygon' },
      {
        field: 'features[3].properties.area',
        problem:
          'must be an area path: "" for the county, a town ("Ashford") or a town and one of its villages ("Ashford/Millbrook"), each name 1–100 characters without control or invisible formatting characters; got "Calder/"',
      },
    ]);
    expect((await stored()).features.map((each) => each.properties.area)).toEqual(['Ashford', 'Ashford/Millbrook', 'Brookfield']);
  });

  it('refuses a file over HUB_MAP_BOUNDARIES_MAX_BYTES before reading it', async () => {
    const ring = Array.from({ length: 3000 }, (_, index) => [116 + Math.cos((2 * Math.PI * index) / 3000) * 0.1, 39.9 + Math.sin((2 * Math.PI * index) / 3000) * 0.1]);
    const large = JSON.stringify({ type: 'FeatureCollection', features: [feature('Ashford', [...ring, ring[0]])] });
    expect(Buffer.byteLength(large)).toBeGreaterThan(LIMIT);
    const answer = await put(large);
    expect(answer).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'PAYLOAD_TOO_LARGE',
        code: 'payload-too-large',
        message: `A boundary file is at most ${LIMIT} bytes (HUB_MAP_BOUNDARIES_MAX_BYTES); this one is ${Buffer.byteLength(large)} bytes: simplify the boundaries (e.g. mapshaper -simplify) or raise the limit`,
      },
    });
    expect((await stored()).features).toHaveLength(3);
  });

  it('lets only an admin of the whole county replace them', async () => {
    const townAdmin = await createApiKey(hub, { name: 'ashford-admin', role: 'admin', towns: ['Ashford'] });
    const refused = await put(JSON.stringify({ type: 'FeatureCollection', features: [] }), bearer(townAdmin.key));
    expect(refused.status).toBe(403);
    expect((refused.body as Refusal).message).toBe(
      'Only an admin of the whole county may change the area boundaries: the file holds every town’s boundaries (key:ashford-admin has towns Ashford)',
    );
    const viewer = await createApiKey(hub, { name: 'county-viewer', role: 'viewer' });
    expect((await put(JSON.stringify({ type: 'FeatureCollection', features: [] }), bearer(viewer.key))).status).toBe(403);
    expect((await stored()).features).toHaveLength(3);
  });

  it('audits each replacement with the areas it added, removed and changed', async () => {
    const next = { type: 'FeatureCollection', features: [feature('Ashford', square(116.3, 39.8, 0.25)), feature('Brookfield', square(116.5, 39.8, 0.1)), feature('Calder', square(116.9, 39.8, 0.1))] };
    expect((await put(JSON.stringify(next))).status).toBe(200);
    const audit = await hub.get<{ items: { actor: string; action: string; targetType: string; targetId: string; detail: unknown }[] }>('/api/audit?targetType=area-boundaries');
    expect(audit.body.items.map(({ actor, action, targetType, targetId, detail }) => ({ actor, action, targetType, targetId, detail }))).toEqual([
      { actor: 'bootstrap-key', action: 'area-boundaries.replace', targetType: 'area-boundaries', targetId: 'county', detail: { areas: 3, bytes: JSON.stringify(next).length, added: ['Calder'], removed: ['Ashford/Millbrook'], changed: ['Ashford'] } },
      { actor: 'bootstrap-key', action: 'area-boundaries.replace', targetType: 'area-boundaries', targetId: 'county', detail: { areas: 3, bytes: JSON.stringify(COUNTY).length, added: ['Ashford', 'Ashford/Millbrook', 'Brookfield'], removed: [], changed: [] } },
    ]);
  });

  it('serves the tile settings to the console and lets its page load images from that server only', async () => {
    expect(await hub.get<MapSettingsView>('/api/map-settings')).toEqual({
      status: 200,
      body: { tileUrl: 'https://{s}.tiles.county.example/{z}/{x}/{y}.png', tileAttribution: '© County GIS office', boundariesMaxBytes: LIMIT },
    });
    const page = await fetch(`${hub.httpUrl}/map`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self' data: https://*.tiles.county.example;");
  });
});
