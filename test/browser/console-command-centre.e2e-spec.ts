import { connectAsync, type MqttClient } from 'mqtt';
import type { AlertView } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/** Three towns of two villages each; ten devices per village: six water meters, two gas detectors, two power meters. */
const TOWNS = [
  { name: 'Ashford', code: 'ash', villages: ['Millbrook', 'Oakley'], latitude: 30.1, longitude: 120.1 },
  { name: 'Brookfield', code: 'brk', villages: ['Elmstead', 'Fairview'], latitude: 30.3, longitude: 120.3 },
  { name: 'Cresswell', code: 'crs', villages: ['Greenway', 'Hollins'], latitude: 30.5, longitude: 120.5 },
] as const;

interface FleetDevice {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly town: string;
  readonly village: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Each water meter's flow, a whole number of m³/h that differs per device, so every total is the test's own sum. */
const FLEET: readonly FleetDevice[] = TOWNS.flatMap((town, t) =>
  town.villages.flatMap((village, v) => {
    const at = (k: number) => ({ town: town.name, village, latitude: town.latitude + v * 0.05 + k * 0.002, longitude: town.longitude + v * 0.05 - k * 0.002 });
    const code = `${town.code}-${village.slice(0, 2).toLowerCase()}`;
    return [
      ...[0, 1, 2, 3, 4, 5].map((k) => ({ deviceId: `${code}-w${k}`, domain: 'water' as const, ...at(k), metrics: { flow_m3h: 10 + 5 * t + 3 * v + k, pressure_kpa: 400 } })),
      ...[0, 1].map((k) => ({ deviceId: `${code}-g${k}`, domain: 'gas' as const, ...at(6 + k), metrics: { methane_pct_lel: 2 } })),
      ...[0, 1].map((k) => ({ deviceId: `${code}-p${k}`, domain: 'power' as const, ...at(8 + k), metrics: { voltage_v: 221 } })),
    ];
  }),
);

const COUNTY = { username: 'county.duty', password: 'county duty officer wall' };
const ASHFORD = { username: 'ashford.duty', password: 'ashford town duty desk' };

/** The sum of the water meters' flows, as the roll-up must give it. */
const flowOf = (devices: readonly FleetDevice[]): number => devices.reduce((sum, device) => sum + (device.metrics.flow_m3h ?? 0), 0);

/**
 * The command-centre scenario in Debian's Chromium against the real service, MQTT and influxd: three towns
 * with villages and 60 located devices; the town page's roll-up gives each village's total flow as the test sums
 * it; a methane alert in one village turns its town's tile on the overview and its village's row on the town page
 * red, live, with no reload; county → village → device in three clicks; a town-scoped operator sees only their town on
 * the overview and on the map.
 */
describe('operator console: the command centre across towns and villages (real browser, service, MQTT, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let overview: ConsoleBrowser;
  let town: ConsoleBrowser;
  const clients = new Map<string, MqttClient>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_command_centre', HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createRule(hub, { id: 'gas-high', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20, for: '0s' } });
    for (const { name, villages } of TOWNS) {
      expect((await hub.request('POST', '/api/areas', { name })).status).toBe(201);
      for (const village of villages) expect((await hub.request('POST', '/api/areas', { name: village, parent: name })).status).toBe(201);
    }
    const imported = await hub.request<{ created: Array<{ deviceId: string; secret: string }>; refused: unknown[] }>(
      'POST',
      '/api/devices/import',
      FLEET.map(({ deviceId, domain, town: name, village, latitude, longitude }) => ({ deviceId, domain, town: name, village, latitude, longitude })),
    );
    expect(imported.status).toBe(200);
    expect(imported.body.refused).toEqual([]);
    expect(imported.body.created).toHaveLength(60);
    const secrets = new Map(imported.body.created.map(({ deviceId, secret }) => [deviceId, secret]));
    // The water meters' readings carry one event time, in the middle of the previous five minutes: one bucket of the
    // town page's hour holds them all, whenever the test runs.
    const fiveMinutes = 300_000;
    const readingTime = Math.floor(Date.now() / fiveMinutes) * fiveMinutes - fiveMinutes / 2;
    await Promise.all(
      FLEET.map(async (device) => {
        const client = await connectAsync(hub.mqttUrl, { clientId: device.deviceId, username: device.deviceId, password: secrets.get(device.deviceId), reconnectPeriod: 0 });
        clients.set(device.deviceId, client);
        const body = device.domain === 'water' ? { ts: readingTime, metrics: device.metrics } : { metrics: device.metrics };
        await client.publishAsync(`sensors/${device.domain}/${device.deviceId}/telemetry`, JSON.stringify(body), { qos: 1 });
      }),
    );
    await waitFor(
      () => hub.get<Array<{ lastSeen: string | null }>>('/api/devices'),
      (answer) => answer.body.filter((device) => device.lastSeen !== null).length === 60,
      20_000,
      'all 60 devices seen',
    );
    await createOperator(hub, { ...COUNTY, role: 'viewer' });
    await createOperator(hub, { ...ASHFORD, role: 'operator', towns: ['Ashford'] });
    overview = await ConsoleBrowser.launch(hub.httpUrl, { viewport: { width: 1920, height: 1080 } });
    await overview.open('/overview');
    await overview.signIn(COUNTY.username, COUNTY.password);
    town = await ConsoleBrowser.launch(hub.httpUrl);
    await town.open('/areas/Ashford');
    await town.signIn(COUNTY.username, COUNTY.password);
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((client) => client.endAsync(true)));
    await overview?.close();
    await town?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const tile = (name: string) => overview.page.locator(`.area-tiles > li[data-area="${name}"]`);
  const villageRow = (path: string) => town.page.locator(`tr.village-row[data-village="${path}"]`);

  it('shows every town at a glance: three tiles of twenty devices, all reporting, nothing open', async () => {
    await eventually(overview.page.locator('[data-overview-totals]')).toHaveText('3 towns · 60 devices · 0 offline · 0 open alerts');
    for (const { name } of TOWNS) {
      await eventually(tile(name).locator('.area-tile-total')).toHaveText('20 devices');
      await eventually(tile(name).locator('[data-presence="reporting"] dd')).toHaveText('20');
      await eventually(tile(name)).toHaveAttribute('data-light', 'ok');
    }
  });

  it('rolls the town’s water flow up per village on its page, each total the sum of what its meters sent', async () => {
    const page = town.page;
    await eventually(page.locator('#page-title')).toHaveText('Ashford');
    await eventually(villageRow('Ashford/Millbrook')).toHaveAttribute('data-light', 'ok');
    await eventually(villageRow('Ashford/Oakley')).toHaveAttribute('data-light', 'ok');

    await eventually(page.locator('#town-rollup')).toHaveText('Across the town');
    await page.locator('.town-rollup select[name="metric"]').selectOption('water.flow_m3h');
    // Flow is a rate: the town page adds it up.
    await eventually(page.locator('.town-rollup select[name="agg"]')).toHaveValue('sum');
    await eventuallyPage(page).toHaveURL(/\/areas\/Ashford\?metric=water\.flow_m3h$/);
    const ashford = FLEET.filter((device) => device.town === 'Ashford');
    const millbrook = ashford.filter((device) => device.village === 'Millbrook');
    const oakley = ashford.filter((device) => device.village === 'Oakley');
    expect([flowOf(millbrook), flowOf(oakley), flowOf(ashford)]).toEqual([75, 93, 168]);
    await eventually(page.locator('[data-rollup-latest]')).toHaveText('168 m³/h');
    await eventually(page.locator('.town-rollup [data-rollup-caption]')).toContainText('Each device’s mean per 5 min, added up over the town’s devices, by event time:');
    // One bucket of the hour holds the readings: the chart has one point.
    await eventually(page.locator('.town-rollup .chart')).toHaveAttribute('data-points', '1');
    await eventually(page.locator('tr[data-rollup-area="Ashford/Millbrook"] td').nth(0)).toHaveText('75 m³/h');
    await eventually(page.locator('tr[data-rollup-area="Ashford/Millbrook"] td').nth(1)).toHaveText('6');
    await eventually(page.locator('tr[data-rollup-area="Ashford/Oakley"] td').nth(0)).toHaveText('93 m³/h');

    // The highest and the lowest flow of any one meter.
    await page.locator('.town-rollup select[name="agg"]').selectOption('max');
    await eventually(page.locator('[data-rollup-latest]')).toHaveText(`${Math.max(...ashford.map((device) => device.metrics.flow_m3h ?? 0))} m³/h`);
    await page.locator('.town-rollup select[name="agg"]').selectOption('min');
    await eventually(page.locator('[data-rollup-latest]')).toHaveText('10 m³/h');
    await eventuallyPage(page).toHaveURL(/\/areas\/Ashford\?metric=water\.flow_m3h&agg=min$/);
    // How many meters reported: twelve in the bucket of their readings (the current one, empty so far, is not news).
    await page.locator('.town-rollup select[name="agg"]').selectOption('count');
    await eventually(page.locator('[data-rollup-latest]')).toHaveText('12');
    await eventually(page.locator('tr[data-rollup-area="Ashford/Oakley"] td').nth(0)).toHaveText('6');
    expect(town.errors).toEqual([]);
  });

  it('turns the town’s tile and the village’s row red when a methane reading in the village raises a critical alert, without a reload', async () => {
    await overview.markDocument();
    await town.markDocument();
    await clients.get('ash-mi-g0')!.publishAsync('sensors/gas/ash-mi-g0/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 35 } }), { qos: 1 });
    await waitFor(() => hub.get<{ items: AlertView[] }>('/api/alerts?state=open'), (answer) => answer.body.items.length === 1, 20_000, 'the methane alert');

    await eventually(tile('Ashford')).toHaveAttribute('data-light', 'critical', { timeout: 20_000 });
    await eventually(tile('Ashford').locator('.pill[data-severity="critical"]')).toHaveText('1 critical');
    await eventually(tile('Brookfield')).toHaveAttribute('data-light', 'ok');
    await eventually(tile('Cresswell')).toHaveAttribute('data-light', 'ok');
    await eventually(overview.page.locator('[data-overview-totals]')).toHaveText('3 towns · 60 devices · 0 offline · 1 open alert');

    await eventually(villageRow('Ashford/Millbrook')).toHaveAttribute('data-light', 'critical', { timeout: 20_000 });
    await eventually(villageRow('Ashford/Oakley')).toHaveAttribute('data-light', 'ok');
    await eventually(town.page.locator('#town-alerts')).toHaveText('Open alerts (1)');
    await town.page.locator('.town-rollup select[name="agg"]').selectOption('sum');
    await eventually(town.page.locator('[data-rollup-latest]')).toHaveText('168 m³/h');
    await town.screenshot('town');
    expect(await overview.sameDocument()).toBe(true);
    expect(await town.sameDocument()).toBe(true);
    expect(overview.errors).toEqual([]);
    expect(town.errors).toEqual([]);
  });

  it('drills from the county to a village to a device in three clicks', async () => {
    const page = overview.page;
    await tile('Ashford').locator('a.area-tile').click();
    await eventually(page.locator('#page-title')).toHaveText('Ashford');
    await page.locator('tr[data-village="Ashford/Millbrook"] th a').click();
    await eventuallyPage(page).toHaveURL(/\/areas\/Ashford\?village=Millbrook$/);
    await eventually(page.locator('#town-devices')).toHaveText('Devices in Millbrook (10)');
    const rows = page.locator('table.town-devices tbody tr');
    await eventually(rows).toHaveCount(10);
    expect((await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-device')))).sort()).toEqual(
      FLEET.filter((device) => device.village === 'Millbrook').map((device) => device.deviceId).sort(),
    );
    await page.locator('tr[data-device="ash-mi-g0"] th a').click();
    await eventuallyPage(page).toHaveURL(/\/devices\/ash-mi-g0$/);
    await eventually(page.locator('#page-title')).toHaveText('ash-mi-g0');
    expect(overview.errors).toEqual([]);
  });

  it('shows a town-scoped operator only their town, on the overview and on the map', async () => {
    const scoped = await ConsoleBrowser.launch(hub.httpUrl);
    try {
      await scoped.open('/overview');
      await scoped.signIn(ASHFORD.username, ASHFORD.password);
      await eventually(scoped.page.locator('[data-overview-totals]')).toHaveText('1 town · 20 devices · 0 offline · 1 open alert');
      await eventually(scoped.page.locator('.area-tiles .area-tile-name')).toHaveCount(1);
      await eventually(scoped.page.locator('.area-tiles .area-tile-name')).toHaveText('Ashford');

      await scoped.open('/map');
      await eventually(scoped.page.locator('[data-map-summary]')).toContainText('20 devices on the map');
      await waitFor(
        () => scoped.page.locator('.map-marker[data-device], .map-cluster span[data-count]').evaluateAll((items) => items.map((item) => item.getAttribute('data-device') ?? `cluster:${item.getAttribute('data-count')}`)),
        (drawn) => drawn.length > 0,
        10_000,
        'markers on the map',
      );
      // Every marker drawn is an Ashford device; the clusters hold the rest, twenty in all.
      const drawn = await scoped.page.locator('.map-marker[data-device], .map-cluster span[data-count]').evaluateAll((items) => items.map((item) => item.getAttribute('data-device') ?? `cluster:${item.getAttribute('data-count')}`));
      const single = drawn.filter((entry) => !entry.startsWith('cluster:'));
      expect(single.every((deviceId) => deviceId.startsWith('ash-'))).toBe(true);
      expect(single.length + drawn.filter((entry) => entry.startsWith('cluster:')).reduce((sum, entry) => sum + Number(entry.slice('cluster:'.length)), 0)).toBe(20);
      expect(scoped.errors).toEqual([]);
    } finally {
      await scoped.close();
    }
  });
});
