import { DeviceSimulator, runSimulation } from '@hub/devices-sim';
import type { DeviceView as DeviceState } from '@hub/devices';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * The operator console in Debian's Chromium against the real service process and a real influxd, devices driven by
 * the simulator over MQTT: fleet (a silent device shown offline, live), device page (a chart with exactly the stored
 * points, in the operator's time zone), refused messages per device and reason, system health and an InfluxDB outage.
 */
/** The browser's own zone, and the county's (HUB_TIME_ZONE), which the console shows times in. */
const ZONE = 'America/Chicago';
const COUNTY_ZONE = 'Asia/Shanghai';
const HOUR = 3_600_000;

describe('operator console: fleet, device, refused messages, system (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let live: DeviceSimulator | undefined;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_fleet', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_TIME_ZONE: COUNTY_ZONE });
    // A wall screen in the command room: a viewer, signed in through the console's own login page.
    await createOperator(hub, { username: 'wallboard', password: 'command room screen 3', role: 'viewer' });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { timezoneId: ZONE });
    await browser.open('/fleet');
    await browser.signIn('wallboard', 'command room screen 3');
  });

  afterAll(async () => {
    await live?.stop();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const device = async (id: string) => (await hub.get<DeviceState>(`/api/devices/${id}`)).body;

  it('says so when no device has reported yet', async () => {
    await browser.open('/fleet');
    await eventually(page().getByText('No device has reported yet')).toBeVisible();
    await eventuallyPage(page()).toHaveTitle('Fleet · County Sensing Hub');
    await browser.screenshot('fleet-empty');
  });

  it('shows a device that goes silent as offline, live, without a reload, and lists it first', async () => {
    await browser.open('/fleet');
    await browser.markDocument();
    // Two water meters; the first stops publishing at its 16th reading and drops its connection (last will: offline).
    live = new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water'],
      devicesPerDomain: 2,
      idPrefix: 'live-',
      intervalMs: 500,
      faults: [{ mode: 'silent', domain: 'water', devices: 1, fromReading: 16, disconnect: true }],
    }));
    await live.start();

    const rows = page().locator('table[data-domain="water"] tbody tr');
    await eventually(rows).toHaveCount(2, { timeout: 15_000 });
    await eventually(page().locator('tr[data-device="live-water-1"] [data-status]')).toHaveText('Online');
    await eventually(page().locator('tr[data-device="live-water-2"] [data-status]')).toHaveText('Online');

    await eventually(page().locator('tr[data-device="live-water-1"] [data-status]')).toHaveText('Offline', { timeout: 20_000 });
    expect((await device('live-water-1')).online).toBe(false);
    expect((await device('live-water-2')).online).toBe(true);
    expect(await browser.sameDocument()).toBe(true);
    await eventually(page().locator('tr[data-device="live-water-2"] [data-status]')).toHaveText('Online');
    // Problems first: the offline meter heads its table, and the counts say what is wrong.
    await eventually(rows.first()).toHaveAttribute('data-device', 'live-water-1');
    await eventually(rows.first()).toHaveClass(/row-offline/);
    await eventually(page().locator('.page-subtitle')).toContainText('2 devices · 1 offline · 0 quiet');
    await eventually(page().locator('.tile', { hasText: 'Water' })).toContainText('1/2');
    await eventually(page().locator('.tile', { hasText: 'Water' })).toContainText('1 offline or quiet');
    await browser.screenshot('fleet');

    // The status filter narrows to the problem.
    await page().getByLabel('Status').selectOption('offline');
    await eventuallyPage(page()).toHaveURL(/status=offline/);
    await eventually(page().locator('table.fleet-table tbody tr')).toHaveCount(1);
    await eventually(page().locator('table.fleet-table tbody tr').first()).toHaveAttribute('data-device', 'live-water-1');
  });

  it('draws a chart per metric with every stored point, in local time, and the device’s refused messages', async () => {
    // 30 gas readings 10 s apart over the last 5 minutes; every 10th has methane outside its range and is refused.
    const startTs = Date.now() - 300_000;
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'hist-',
      count: 30,
      intervalMs: 10_000,
      publishIntervalMs: 10,
      startTs,
      recordReadings: true,
      faults: [{ mode: 'out-of-range', metric: 'methane_pct_lel', everyNth: 10 }],
    }));
    expect(report.acked).toBe(30);
    const valid = (report.readings ?? []).filter((reading) => reading.valid);
    expect(valid).toHaveLength(27);
    // The hub answers from InfluxDB: one 10 s bucket per reading over the last hour.
    const api = await waitFor(
      () => hub.get<{ everyMs: number; metrics: Record<string, { points: [number, number][] }> }>('/api/devices/hist-gas-1/readings'),
      (response) => response.body.metrics.methane_pct_lel?.points.length === 27,
      10_000,
      '27 stored readings',
    );
    expect(api.body.everyMs).toBe(10_000);

    await browser.open('/devices/hist-gas-1');
    const figures = page().locator('figure.chart-figure');
    await eventually(figures).toHaveCount(4);
    for (const metric of ['pressure_kpa', 'flow_m3h', 'methane_pct_lel', 'temperature_c']) {
      const chart = page().locator(`figure[data-metric="${metric}"] .chart`);
      await eventually(chart).toHaveAttribute('data-points', '27');
      await eventually(chart.locator('canvas')).toHaveCount(1);
      const box = await chart.locator('canvas').boundingBox();
      expect(box?.width).toBeGreaterThan(200);
      expect(box?.height).toBeGreaterThan(100);
    }
    const lastMethane = valid[valid.length - 1].metrics.methane_pct_lel;
    await eventually(page().locator('figure[data-metric="methane_pct_lel"] .chart-latest')).toHaveText(
      `${lastMethane.toLocaleString('en-US', { maximumFractionDigits: lastMethane >= 10 ? 2 : 3 })} %LEL`,
    );
    await eventually(page().locator('.chart-caption')).toContainText('Averages per 10 s');

    // Times in the county's zone (HUB_TIME_ZONE), not UTC and not the browser's own (Chicago).
    const state = await device('hist-gas-1');
    const county = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: COUNTY_ZONE });
    await eventually(page().locator('.facts dd').first()).toHaveText(county.format(state.lastSeen ?? undefined));
    await eventually(page().locator('.topbar .timezone')).toContainText(`${COUNTY_ZONE} (GMT+8)`);

    // Its refused readings, with reason and the refused value.
    const refused = page().locator('.dead-letters .dead-letter');
    await eventually(refused).toHaveCount(3);
    await eventually(refused.first().locator('.reason')).toHaveText('VALUE_OUT_OF_RANGE');
    await eventually(refused.first().locator('.dead-letter-detail')).toContainText('methane_pct_lel');
    await browser.screenshot('device');

    // Last day: the hub picks 5-minute averages (≤ 720 points over 24 h).
    await page().getByRole('radio', { name: 'Last day' }).click();
    await eventuallyPage(page()).toHaveURL(/range=24h/);
    await eventually(page().locator('.chart-caption')).toContainText('Averages per 5 min');
    await eventually(page().getByRole('radio', { name: 'Last day' })).toHaveAttribute('aria-checked', 'true');
    const dayPoints = Number(await page().locator('figure[data-metric="pressure_kpa"] .chart').getAttribute('data-points'));
    const dayApi = await hub.get<{ resolution: string; metrics: Record<string, { points: unknown[] }> }>(`/api/devices/hist-gas-1/readings?from=${Date.now() - 24 * HOUR}`);
    expect(dayPoints).toBe(dayApi.body.metrics.pressure_kpa.points.length);
    // Whole 5-minute buckets: the hub reads its per-minute aggregates up to where they are made (a fresh hub counts
    // everything before its start as made), and the caption says so.
    expect(dayApi.body.resolution).toBe('1m');
    await eventually(page().locator('.chart-caption [data-resolution="1m"]')).toHaveText('Older data from the hub’s per-minute aggregates (exact means, lows and highs).');
  });

  it('groups refused messages per device and reason, filters by reason and shows the raw payload', async () => {
    await browser.open('/dead-letters');
    const group = page().locator('tr[data-device="hist-gas-1"][data-reason="VALUE_OUT_OF_RANGE"]');
    await eventually(group.locator('td.numeric')).toHaveText('3');
    await page().locator('.chip', { hasText: 'VALUE_OUT_OF_RANGE' }).click();
    await eventuallyPage(page()).toHaveURL(/reason=VALUE_OUT_OF_RANGE/);
    await eventually(page().locator('.hint')).toHaveText('A metric value is outside its plausible physical range');
    const first = page().locator('.dead-letter').first();
    await first.locator('summary').click();
    await eventually(first.locator('.payload')).toContainText('"methane_pct_lel"');
    await eventually(first.locator('.dead-letter-body')).toContainText('sensors/gas/hist-gas-1/telemetry');
    await browser.screenshot('dead-letters');
  });

  it('is usable by keyboard: go-to keys, the key list, and the search key', async () => {
    await browser.open('/system');
    await eventually(page().locator('.health-card')).toHaveCount(4);
    await eventually(page().locator('.health-card.health-ok')).toHaveCount(4);
    await browser.screenshot('system');

    await page().keyboard.press('g');
    await page().keyboard.press('f');
    await eventuallyPage(page()).toHaveURL(/\/fleet$/);
    await eventually(page().locator('#page-title')).toBeFocused();
    await page().keyboard.press('/');
    await eventually(page().locator('main [data-search]')).toBeFocused();
    await page().keyboard.type('hist');
    await eventually(page().locator('table.fleet-table tbody tr')).toHaveCount(1);
    await page().keyboard.press('Escape');
    await eventually(page().locator('main [data-search]')).toBeUnfocused();
    await page().keyboard.press('?');
    await eventually(page().getByRole('dialog', { name: 'Keyboard' })).toBeVisible();
    await page().keyboard.press('Escape');
    await eventually(page().getByRole('dialog', { name: 'Keyboard' })).toBeHidden();
  });

  it('fits a tablet screen without sideways scrolling', async () => {
    await page().setViewportSize({ width: 820, height: 1180 });
    try {
      for (const [path, content] of [
        ['/fleet', 'table.fleet-table'],
        ['/devices/hist-gas-1', 'figure.chart-figure canvas'],
        ['/dead-letters', '.dead-letter'],
      ]) {
        await browser.open(path);
        await eventually(page().locator(content).first()).toBeVisible();
        expect([path, await page().evaluate('document.documentElement.scrollWidth <= window.innerWidth')]).toEqual([path, true]);
      }
      await browser.screenshot('device-tablet');
    } finally {
      await page().setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('says what is wrong while InfluxDB is down, and recovers when it is back', async () => {
    expect(browser.errors).toEqual([]);
    await influxd.stop();
    try {
      await browser.open('/devices/hist-gas-1');
      await eventually(page().getByRole('alert').filter({ hasText: 'InfluxDB is not answering' }).first()).toBeVisible({ timeout: 15_000 });
      await eventually(page().locator('.banner-critical')).toContainText('InfluxDB is not answering or refusing writes');
      await eventually(page().locator('.health-pill')).toHaveText('Degraded');
      await browser.screenshot('influxdb-down');
    } finally {
      await influxd.restart();
    }
    // The operator retries; the page also recovers by itself at its next refresh (every 15 s), which may remove the
    // button first — then there is nothing to click, and the chart below shows the recovery all the same.
    const retry = page().getByRole('button', { name: 'Try again' });
    if (await retry.isVisible()) await retry.click({ timeout: 5_000 }).catch(() => retry.waitFor({ state: 'detached', timeout: 1_000 }));
    await eventually(page().locator('figure[data-metric="methane_pct_lel"] .chart')).toHaveAttribute('data-points', '27', { timeout: 30_000 });
    // The failed requests of the outage were logged by Chromium; nothing else may have been.
    expect(browser.errors.filter((error) => !/status of 503/.test(error))).toEqual([]);
    browser.errors.length = 0;
  });

  it('answers an unknown device and an unknown page plainly', async () => {
    await browser.open('/devices/no-such-meter');
    await eventually(page().getByRole('alert')).toContainText('Unknown device no-such-meter');
    await browser.open('/no/such/page');
    await eventually(page().locator('#page-title')).toHaveText('Page not found');
    browser.errors.length = 0; // the 404 of the unknown device is logged by Chromium
  });
});
