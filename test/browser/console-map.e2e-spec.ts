import { connectAsync, type MqttClient } from 'mqtt';
import type { AreaBoundariesView, DeviceView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { alertsOf } from '../harness/alerts-api';
import { createOperator } from '../harness/operators';
import { deviceLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/** The little of the browser's globals the page functions below use (the tests compile without the DOM library). */
interface Styled {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

const RULE = {
  id: 'map-methane',
  name: 'Methane at or above 20 %LEL',
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel' },
  evaluateEvery: '1s',
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '0s' },
};
/** Where the devices are: two reporting in Ashford (one alerting), one in Brookfield that never connected. */
const DEVICES = [
  { deviceId: 'map-ok', domain: 'water', town: 'Ashford', latitude: 39.9, longitude: 116.3 },
  { deviceId: 'map-alert', domain: 'gas', town: 'Ashford', latitude: 39.95, longitude: 116.4 },
  { deviceId: 'map-offline', domain: 'power', town: 'Brookfield', latitude: 39.86, longitude: 116.52 },
] as const;
const square = (x: number, y: number, size: number): number[][] => [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
const BOUNDARIES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { area: 'Ashford' }, geometry: { type: 'Polygon', coordinates: [square(116.25, 39.85, 0.2)] } },
    { type: 'Feature', properties: { area: 'Ashford/Millbrook' }, geometry: { type: 'Polygon', coordinates: [square(116.35, 39.92, 0.08)] } },
    { type: 'Feature', properties: { area: 'Brookfield' }, geometry: { type: 'Polygon', coordinates: [square(116.47, 39.8, 0.12)] } },
  ],
};
const ADMIN = 'chief';
const ADMIN_PASSWORD = 'county command room';
const VIEWER = 'brookfield.desk';
const VIEWER_PASSWORD = 'brookfield town hall';
/** The console's colours in the dark scheme the test browser asks for (styles.css): --ok, --critical, --text-muted. */
const COLOURS = { ok: 'rgb(76, 195, 138)', critical: 'rgb(255, 107, 107)', offline: 'rgb(147, 161, 176)' };

/** Web Mercator (EPSG:3857, Leaflet's default CRS) world pixel of a position at a zoom level. */
function worldPixel(latitude: number, longitude: number, zoom: number): { x: number; y: number } {
  const scale = 256 * 2 ** zoom;
  const sin = Math.sin((latitude * Math.PI) / 180);
  return { x: (scale * (longitude + 180)) / 360, y: scale * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) };
}

/**
 * The console's map in Debian's Chromium against the real service and influxd, the browser refused every host but
 * the hub's: devices drawn at their coordinates (checked against the Web Mercator projection) in their state's colour,
 * clustered when zoomed out, the area boundaries an admin uploads drawn with their names and a bad file refused with
 * its reason, an admin placing a device by clicking the map (the registry's update and its audit entry), and a
 * town-scoped viewer seeing only their town's devices.
 */
describe('operator console: the map (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  const clients: MqttClient[] = [];
  /** Every request the page made to a host other than the hub's: refused, and listed here. */
  const outside: string[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_map', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    expect((await hub.request('POST', '/api/alert-rules', RULE)).status).toBe(201);
    for (const device of DEVICES) {
      const login = await deviceLogin(hub, device.deviceId, device.domain, { town: device.town });
      expect((await hub.request('PATCH', `/api/devices/${device.deviceId}`, { latitude: device.latitude, longitude: device.longitude })).status).toBe(200);
      if (device.deviceId === 'map-offline') continue;
      const client = await connectAsync(hub.mqttUrl, { ...login, clean: true, reconnectPeriod: 0 });
      clients.push(client);
      const metrics = device.domain === 'gas' ? { methane_pct_lel: 35 } : { pressure_kpa: 410 };
      await client.publishAsync(`sensors/${device.domain}/${device.deviceId}/telemetry`, JSON.stringify({ metrics }), { qos: 1 });
    }
    await deviceLogin(hub, 'map-unplaced', 'water', { town: 'Brookfield' });
    // The boundaries name a village: the areas registry must hold it (the towns are registered by their devices).
    expect((await hub.request('POST', '/api/areas', { name: 'Millbrook', parent: 'Ashford' })).status).toBe(201);
    await waitFor(() => alertsOf(hub, 'device=map-alert&state=open'), (alerts) => alerts.length === 1, 20_000, 'the methane alert');
    await createOperator(hub, { username: ADMIN, password: ADMIN_PASSWORD, role: 'admin' });
    await createOperator(hub, { username: VIEWER, password: VIEWER_PASSWORD, role: 'viewer', towns: ['Brookfield'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    const origin = new URL(hub.httpUrl).origin;
    await browser.page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    await browser.open('/map');
    await browser.signIn(ADMIN, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    for (const client of clients) await client.endAsync();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const marker = (deviceId: string) => page().locator(`.map-marker[data-device="${deviceId}"]`);
  const background = (deviceId: string) => marker(deviceId).evaluate((element) => (globalThis as unknown as Styled).getComputedStyle(element).backgroundColor);
  const centre = async (deviceId: string) => {
    const box = await marker(deviceId).boundingBox();
    if (box === null) throw new Error(`${deviceId} is not drawn`);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const zoom = async () => Number(await page().locator('[data-map]').getAttribute('data-zoom'));

  it('draws each located device at its coordinates in its state’s colour, with nothing fetched from outside the hub', async () => {
    // (1): the firing methane alert, counted in every page's title.
    await eventuallyPage(page()).toHaveTitle('(1) Map · County Sensing Hub');
    for (const device of DEVICES) await eventually(marker(device.deviceId)).toBeVisible();
    await eventually(marker('map-ok')).toHaveAttribute('data-state', 'ok');
    await eventually(marker('map-alert')).toHaveAttribute('data-state', 'critical');
    await eventually(marker('map-offline')).toHaveAttribute('data-state', 'offline');
    expect([await background('map-ok'), await background('map-alert'), await background('map-offline')]).toEqual([COLOURS.ok, COLOURS.critical, COLOURS.offline]);
    // The marker's title follows its state on a later render than its colour: waited for like the rest.
    await eventually(marker('map-alert')).toHaveAttribute('title', 'map-alert: Critical alert');
    await eventually(page().locator('[data-map-summary]')).toHaveText('3 devices on the map · 1 without a location · no base map: boundaries and devices on a plain background');
    await eventually(page().locator('[data-legend="critical"]')).toHaveText('Critical alert 1');

    // Screen positions against the projection: every pair of markers is as far apart as Web Mercator puts them.
    const level = await zoom();
    expect(level).toBeGreaterThanOrEqual(10);
    const drawn = await Promise.all(DEVICES.map((device) => centre(device.deviceId)));
    const projected = DEVICES.map((device) => worldPixel(device.latitude, device.longitude, level));
    for (let index = 1; index < DEVICES.length; index++) {
      expect(Math.abs(drawn[index].x - drawn[0].x - (projected[index].x - projected[0].x))).toBeLessThan(1.5);
      expect(Math.abs(drawn[index].y - drawn[0].y - (projected[index].y - projected[0].y))).toBeLessThan(1.5);
    }
    // And each where the projection puts it relative to the map's centre, which is the middle of the map's box.
    const box = await page().locator('[data-map]').boundingBox();
    const [centreLatitude, centreLongitude] = ((await page().locator('[data-map]').getAttribute('data-center')) ?? '').split(',').map(Number);
    const middle = worldPixel(centreLatitude, centreLongitude, level);
    for (let index = 0; index < DEVICES.length; index++) {
      expect(Math.abs(drawn[index].x - (box!.x + box!.width / 2) - (projected[index].x - middle.x))).toBeLessThan(1.5);
      expect(Math.abs(drawn[index].y - (box!.y + box!.height / 2) - (projected[index].y - middle.y))).toBeLessThan(1.5);
    }
    expect(outside).toEqual([]);
    expect(await page().locator('img.leaflet-tile').count()).toBe(0);
    await browser.screenshot('map');
  });

  it('clusters the devices when zoomed out, the cluster in its worst device’s colour', async () => {
    while ((await zoom()) > 7) {
      const before = await zoom();
      await page().locator('.leaflet-control-zoom-out').click();
      await waitFor(zoom, (now) => now < before, 5000, 'the map to zoom out');
    }
    const cluster = page().locator('.map-cluster span[data-count="3"]');
    await eventually(cluster).toBeVisible();
    await eventually(cluster).toHaveAttribute('data-state', 'critical');
    await eventually(page().locator('.map-marker[data-device]')).toHaveCount(0);
    expect(await page().locator('.map-cluster').getAttribute('class')).toMatch(/map-state-critical/);
    // A click on the cluster zooms back in to its devices.
    await page().locator('.map-cluster').click();
    await eventually(marker('map-ok')).toBeVisible();
  });

  it('opens a device’s page from its marker', async () => {
    await marker('map-alert').click();
    await eventuallyPage(page()).toHaveURL(/\/devices\/map-alert$/);
    await eventually(page().locator('[data-location]')).toHaveAttribute('data-location', '39.95,116.4');
    await page().goBack();
    await eventually(marker('map-alert')).toBeVisible();
  });

  it('refuses a boundary file with a self-intersecting polygon, naming the area, then draws a good one with the areas’ names', async () => {
    const panel = page().locator('[data-boundaries-panel]');
    await panel.locator('summary').click();
    await eventually(panel.locator('summary')).toHaveText('Area boundaries none uploaded yet');
    const bowTie = { ...BOUNDARIES, features: [{ type: 'Feature', properties: { area: 'Ashford' }, geometry: { type: 'Polygon', coordinates: [[[116.4, 39.9], [116.5, 40], [116.5, 39.9], [116.4, 40], [116.4, 39.9]]] } }] };
    await panel.locator('[data-boundaries-file]').setInputFiles({ name: 'bad.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(bowTie)) });
    await panel.getByRole('button', { name: 'Upload' }).click();
    await eventually(panel.locator('[data-boundaries-refused] li')).toHaveText(
      'features[0].geometry.coordinates[0] (Ashford): crosses itself at 116.45, 39.95 (the edges from positions 0 and 2): a boundary may not cross or touch itself',
    );
    // The browser logs the 400 as a failed request: expected here.
    browser.errors.splice(0, browser.errors.length, ...browser.errors.filter((message) => !/status of 400/.test(message)));
    expect((await hub.get<AreaBoundariesView>('/api/area-boundaries')).body.features).toEqual([]);

    await panel.locator('[data-boundaries-file]').setInputFiles({ name: 'county.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(BOUNDARIES)) });
    await panel.getByRole('button', { name: 'Upload' }).click();
    await eventually(panel.locator('[data-boundaries-done]')).toHaveText('3 boundaries in force.');
    await eventually(panel.locator('summary')).toHaveText('Area boundaries 3 areas outlined');
    for (const area of ['Ashford', 'Ashford/Millbrook', 'Brookfield']) await eventually(page().locator(`path.map-boundary[data-area="${area}"]`)).toHaveCount(1);
    await eventually(page().locator('.map-area-label')).toHaveCount(3);
    expect(await page().locator('.map-area-label').allTextContents()).toEqual(['Ashford', 'Millbrook', 'Brookfield']);
    // The area filter offers the boundaries' village and narrows the markers to the town.
    await page().locator('[data-map-area]').selectOption('Brookfield');
    await eventually(page().locator('.map-marker[data-device]')).toHaveCount(1);
    await eventually(marker('map-offline')).toBeVisible();
    await page().locator('[data-map-area]').selectOption('');
    await eventually(page().locator('.map-marker[data-device]')).toHaveCount(3);
    expect(outside).toEqual([]);
    await browser.screenshot('map-boundaries');
  });

  it('lets an admin place a device by clicking the map, through the registry’s audited update', async () => {
    await browser.open('/devices/map-unplaced');
    await eventually(page().locator('[data-location]')).toHaveText('not placed Place on the map');
    await page().locator('[data-place-on-map]').click();
    await eventuallyPage(page()).toHaveURL(/\/map\?place=map-unplaced$/);
    await eventually(page().locator('[data-placing="map-unplaced"]')).toHaveText('Click the map where map-unplaced is. Cancel');
    await eventually(marker('map-ok')).toBeVisible();
    const level = await zoom();
    // 40 px right of and 30 px below map-ok: the position the projection gives that point.
    const from = await centre('map-ok');
    await page().mouse.click(from.x + 40, from.y + 30);
    const ok = worldPixel(39.9, 116.3, level);
    const scale = 256 * 2 ** level;
    const longitude = ((ok.x + 40) / scale) * 360 - 180;
    const latitude = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (ok.y + 30)) / scale))) * 180) / Math.PI;
    const saved = await waitFor(() => hub.get<DeviceView>('/api/devices/map-unplaced'), (answer) => answer.body.location !== null, 5000, 'the device placed');
    const location = saved.body.location!;
    // Within a pixel and a half of the point clicked (the marker's centre is fractional, a click is not).
    const pixel = 360 / scale;
    expect(Math.abs(location.longitude - longitude)).toBeLessThan(1.5 * pixel);
    expect(Math.abs(location.latitude - latitude)).toBeLessThan(1.5 * pixel);
    await eventually(page().locator('[data-placed="ok"]')).toHaveText(`map-unplaced placed at ${location.latitude}, ${location.longitude}.`);
    await eventually(marker('map-unplaced')).toHaveAttribute('data-latitude', String(location.latitude));
    await eventuallyPage(page()).toHaveURL(/\/map$/);

    const audit = await hub.get<{ items: { actor: string; action: string; detail: unknown }[] }>('/api/audit?targetType=device&targetId=map-unplaced&action=device.update');
    expect(audit.body.items.map(({ actor, action, detail }) => ({ actor, action, detail }))).toEqual([
      { actor: ADMIN, action: 'device.update', detail: { changes: { latitude: location.latitude, longitude: location.longitude } } },
    ]);
    expect(outside).toEqual([]);
  });

  it('shows a town-scoped viewer only their town’s devices, and no placement or upload', async () => {
    const viewer = await ConsoleBrowser.launch(hub.httpUrl);
    try {
      await viewer.open('/map');
      await viewer.signIn(VIEWER, VIEWER_PASSWORD);
      await eventually(viewer.page.locator('.map-marker[data-device]')).toHaveCount(2);
      expect((await viewer.page.locator('.map-marker[data-device]').evaluateAll((elements) => elements.map((element) => (element as { dataset: { device: string } }).dataset.device))).sort()).toEqual([
        'map-offline',
        'map-unplaced',
      ]);
      expect(await viewer.page.locator('[data-map-place]').count()).toBe(0);
      expect(await viewer.page.locator('[data-boundaries-panel]').count()).toBe(0);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.close();
    }
    expect(browser.errors).toEqual([]);
  });
});
