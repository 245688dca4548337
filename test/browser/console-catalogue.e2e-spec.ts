import type { Catalogue, CatalogueMetric } from '@hub/api-types';
import { catalogueFromView } from '@hub/contract';
import { DeviceSimulator } from '@hub/devices-sim';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { provisioned } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const DATABASE = 'console_catalogue';

/**
 * The catalogue editor in Debian's Chromium against the real service: an admin adds a flood domain and a river-level
 * metric, a simulated gauge reports it at once, a narrower range over stored readings asks to confirm, and a metric
 * is retired.
 */
describe('operator console: the metric catalogue editor (real browser, service, simulator)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off' });
    await createOperator(hub, { username: 'cat.admin', password: 'rivers and rain 42', role: 'admin' });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/admin/catalogue');
    await browser.signIn('cat.admin', 'rivers and rain 42');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const metricOf = async (domain: string, metric: string): Promise<CatalogueMetric | undefined> =>
    (await hub.get<Catalogue>('/api/catalogue')).body.domains.find((entry) => entry.domain === domain)?.metrics.find((entry) => entry.name === metric);

  it('adds a domain and a metric that a simulated gauge reports at once', async () => {
    const form = page().getByRole('form', { name: 'New domain' });
    await form.locator('input[name="domain"]').fill('flood');
    await form.locator('input[name="description"]').fill('Flood office: rain gauges and river levels');
    await form.getByRole('button', { name: 'Add domain' }).click();
    const flood = page().locator('section[data-domain="flood"]');
    await eventually(flood).toContainText('No metrics yet');

    await flood.getByText('Add a metric to flood').click();
    const metric = flood.getByRole('form', { name: 'New flood metric' });
    await metric.locator('input[name="name"]').fill('river_level_m');
    await metric.locator('input[name="unit"]').fill('m');
    await metric.locator('input[name="description"]').fill('River level above the gauge datum');
    await metric.getByLabel('Plausible range from').fill('-2');
    await metric.getByLabel('Plausible range to').fill('30');
    await metric.getByLabel('Typical band from').fill('0.5');
    await metric.getByLabel('Typical band to').fill('3');
    await metric.getByRole('button', { name: 'Add metric' }).click();
    await eventually(flood.locator('tr[data-metric="river_level_m"]')).toContainText('-2 … 30');
    expect(await metricOf('flood', 'river_level_m')).toEqual({
      name: 'river_level_m',
      unit: 'm',
      description: 'River level above the gauge datum',
      range: [-2, 30],
      typical: [0.5, 3],
      integer: false,
      builtIn: false,
      retiredAt: null,
    });

    // The simulator plays a gauge of the new domain from the hub's live catalogue, as its CLI does with --api.
    const catalogue = catalogueFromView((await hub.get<Catalogue>('/api/catalogue')).body);
    const simulator = new DeviceSimulator(await provisioned(hub, { url: hub.mqttUrl, domains: ['flood'], catalogue, devicesPerDomain: 1, idPrefix: 'ui-', intervalMs: 1000, count: 3, publishIntervalMs: 50 }));
    await simulator.start();
    const report = await simulator.done;
    expect([report.sent.readings, report.acked, report.valid]).toEqual([3, 3, 3]);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'ui-flood-', ['flood']), (readings) => readings.size === 3, 10_000, 'three gauge readings');
    for (const metrics of stored.values()) {
      expect(Object.keys(metrics)).toEqual(['river_level_m']);
      expect(metrics.river_level_m).toBeGreaterThanOrEqual(0.5);
      expect(metrics.river_level_m).toBeLessThanOrEqual(3);
    }
  });

  it('asks before a range that leaves stored readings outside, then applies it', async () => {
    // Every stored level lies in the typical band, 0.5 m or more: a range up to 0.4 m leaves all three outside.
    const levels = [...(await storedReadings(influxd, DATABASE, 'ui-flood-', ['flood'])).values()].map((metrics) => metrics.river_level_m);
    const row = page().locator('section[data-domain="flood"] tr[data-metric="river_level_m"]');
    await row.getByRole('button', { name: 'Edit…' }).click();
    await row.getByLabel('river_level_m range to').fill('0.4');
    await row.getByLabel('river_level_m typical from').fill('0.1');
    await row.getByLabel('river_level_m typical to').fill('0.3');
    await row.getByRole('button', { name: 'Save' }).click();
    await eventually(row.getByRole('alert')).toContainText(
      `3 stored flood.river_level_m readings lie outside [-2, 0.4] m (lowest ${Math.min(...levels)}, highest ${Math.max(...levels)}); they stay stored and shown`,
    );
    expect((await metricOf('flood', 'river_level_m'))?.range).toEqual([-2, 30]);
    await row.getByRole('button', { name: 'Apply anyway' }).click();
    await eventually(row).toContainText('-2 … 0.4');
    expect(await metricOf('flood', 'river_level_m')).toMatchObject({ range: [-2, 0.4], typical: [0.1, 0.3] });
  });

  it('retires a built-in metric and restores it', async () => {
    const row = page().locator('section[data-domain="water"] tr[data-metric="ph"]');
    await row.getByRole('button', { name: 'Retire' }).click();
    await eventually(row).toHaveClass(/row-disabled/);
    await eventually(row).toContainText('retired');
    expect((await metricOf('water', 'ph'))?.retiredAt).toEqual(expect.stringMatching(/^\d{4}-/));
    await row.getByRole('button', { name: 'Restore' }).click();
    await eventually(row).toContainText('ph built in');
    expect((await metricOf('water', 'ph'))?.retiredAt).toBeNull();
    await browser.screenshot('catalogue-admin');
  });
});
