import { devicesToProvision, planDevices, planGateways, provisionThroughApi, resolveSimulationOptions, runSimulation, SimulationOptions } from '@hub/devices-sim';
import type { DeviceView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { storedReadings } from '../harness/stored-readings';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * Gateways end to end: the simulator plays two DTUs of three meters each (provisioned through the API, as its CLI
 * does with --gateways 2 --children 3 --api), the real service stores every meter's readings under the meter's id,
 * the meters go offline with their gateways, and the console's fleet and device pages link gateways and meters.
 */
const DATABASE = 'console_gateways';

describe('gateways in the console (simulator, real service, real influxd, real browser)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '50ms' });
    await createOperator(hub, { username: 'fieldlead', password: 'meters behind a dtu', role: 'viewer' });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('stores what simulated gateways send for their meters under each meter’s id, and takes the meters offline with them', async () => {
    const options: SimulationOptions = { url: hub.mqttUrl, domains: ['water', 'power'], gateways: 2, childrenPerGateway: 3, idPrefix: 'gw-', count: 3, intervalMs: 1000, publishIntervalMs: 10, recordReadings: true };
    const resolved = resolveSimulationOptions(options);
    const credentials = await provisionThroughApi(devicesToProvision(planGateways(resolved), planDevices(resolved), ['Ashford']), { apiUrl: hub.httpUrl, apiKey: hub.adminKey, existing: 'fail' });
    const report = await runSimulation({ ...options, credentials });

    expect(report.devices).toEqual({ planned: 6, connected: 6, connectFailures: 0, dropped: 0 });
    expect(report).toMatchObject({ acked: 18, unacked: 0, publishErrors: 0 });
    const sent = new Map((report.readings ?? []).map((reading) => [`${reading.deviceId}@${reading.ts}`, reading.metrics]));
    expect(await storedReadings(influxd, DATABASE, 'gw-gw')).toEqual(sent);
    // The run ended: each gateway closed its connection, and its meters are offline with it.
    const devices = (await hub.get<DeviceView[]>('/api/devices')).body;
    expect(devices.filter((device) => device.gatewayId !== null).map((device) => [device.deviceId, device.gatewayId, device.online, device.clientId])).toEqual([
      ['gw-gw1-power-2', 'gw-gw1', false, 'gw-gw1'],
      ['gw-gw2-power-2', 'gw-gw2', false, 'gw-gw2'],
      ['gw-gw1-water-1', 'gw-gw1', false, 'gw-gw1'],
      ['gw-gw1-water-3', 'gw-gw1', false, 'gw-gw1'],
      ['gw-gw2-water-1', 'gw-gw2', false, 'gw-gw2'],
      ['gw-gw2-water-3', 'gw-gw2', false, 'gw-gw2'],
    ]);
  });

  it('shows gateways and their meters in the fleet, filters by gateway, and links a meter and its gateway both ways', async () => {
    await browser.open('/fleet');
    await browser.signIn('fieldlead', 'meters behind a dtu');
    await eventually(page().locator('tr[data-device="gw-gw1"] td[data-gateway]')).toHaveText('Gateway · 3 devices');
    await eventually(page().locator('tr[data-device="gw-gw1-water-3"] td[data-gateway]')).toHaveText('via gw-gw1');

    await page().getByLabel('Gateway').selectOption('gw-gw2');
    await eventuallyPage(page()).toHaveURL(/gateway=gw-gw2/);
    const rows = page().locator('table.fleet-table tbody tr');
    await eventually(rows).toHaveCount(4);
    expect((await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-device')))).sort()).toEqual(['gw-gw2', 'gw-gw2-power-2', 'gw-gw2-water-1', 'gw-gw2-water-3']);
    await browser.screenshot('fleet-gateway');

    await page().locator('tr[data-device="gw-gw2-power-2"] th a').click();
    await eventuallyPage(page()).toHaveURL(/\/devices\/gw-gw2-power-2$/);
    await eventually(page().locator('[data-gateway-link]')).toHaveText('gw-gw2 publishes for it');
    await page().locator('[data-gateway-link] a').click();
    await eventuallyPage(page()).toHaveURL(/\/devices\/gw-gw2$/);
    await eventually(page().locator('[data-children-link]')).toHaveText('3 devices in Water, Power');
    await page().locator('[data-children-link] a').click();
    await eventuallyPage(page()).toHaveURL(/\/fleet\?gateway=gw-gw2$/);
    await eventually(rows).toHaveCount(4);
    expect(browser.errors).toEqual([]);
  });
});
