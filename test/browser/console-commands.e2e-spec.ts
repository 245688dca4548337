import { DeviceSimulator } from '@hub/devices-sim';
import type { CommandView, DeviceConfigView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

/**
 * The device page's command panel and desired vs reported configuration in Debian's Chromium, against the real
 * service and a simulated device that obeys set-interval and a desired intervalS over real MQTT.
 */
describe('operator console: device commands and configuration (real browser, service, simulator)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let simulator: DeviceSimulator | undefined;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_commands', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createOperator(hub, { username: 'field.op', password: 'pumps and valves 42', role: 'operator' });
    simulator = new DeviceSimulator(await provisioned(hub, { url: hub.mqttUrl, domains: ['water'], devicesPerDomain: 1, idPrefix: 'ui-', intervalMs: 1000, durationMs: 300_000, obeyCommands: true }));
    await simulator.start();
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/devices/ui-water-1');
    await browser.signIn('field.op', 'pumps and valves 42');
  });

  afterAll(async () => {
    await simulator?.stop();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('sends set-interval from the form and shows it succeeded with the device’s result', async () => {
    await eventually(page().getByRole('form', { name: 'Send a command' })).toBeVisible();
    await page().getByRole('button', { name: 'Send' }).click();
    const row = page().locator('.commands-table tbody tr').first();
    await eventually(row).toHaveAttribute('data-status', 'succeeded', { timeout: 15_000 });
    await eventually(row).toContainText('{"intervalS":10}');
    const [command] = (await hub.get<CommandView[]>('/api/devices/ui-water-1/commands')).body;
    expect(command).toMatchObject({ name: 'set-interval', args: { seconds: 10 }, status: 'succeeded', createdBy: 'field.op' });
  });

  it('shows the hub’s objection at the field', async () => {
    await page().locator('input[name="name"]').fill('Bad Name');
    await page().getByRole('button', { name: 'Send' }).click();
    await eventually(page().locator('[data-field-error="name"]')).toHaveText('must match lower-case letters, digits, ., _ and - (1–64, starting with a letter or digit)');
  });

  it('sets the desired configuration and shows it applied; differs while the device reports otherwise', async () => {
    await page().locator('input[name="desired"]').fill('{"intervalS": 3}');
    await page().getByRole('button', { name: 'Set' }).click();
    await eventually(page().locator('.config-columns')).toHaveAttribute('data-differs', 'false', { timeout: 20_000 });
    await eventually(page().locator('pre[data-config="reported"]')).toHaveText('{ "intervalS": 3 }'); // whitespace collapsed, as the text reads
    expect((await hub.get<DeviceConfigView>('/api/devices/ui-water-1/config')).body).toMatchObject({ desired: { intervalS: 3 }, reported: { intervalS: 3 }, differs: false });

    // A desired setting the simulator does not know: it keeps reporting its interval, so the two differ.
    await page().locator('input[name="desired"]').fill('{"intervalS": 3, "mode": "eco"}');
    await page().getByRole('button', { name: 'Set' }).click();
    await eventually(page().locator('.config-columns')).toHaveAttribute('data-differs', 'true', { timeout: 20_000 });
    await eventually(page().getByRole('heading', { name: /Configuration/ })).toContainText('differs');
    await browser.screenshot('device-commands');
  });
});
