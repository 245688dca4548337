import { connectAsync, type MqttClient } from 'mqtt';
import type { Locator } from 'playwright-core';
import type { AlertView } from '@hub/api-types';
import type { Domain } from '@hub/contract';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { deviceLogin, provisionDevices } from '../harness/provision';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * Three towns. The connected devices report one normal reading each, except Brookfield's water meter, whose low
 * pressure raises a warning; the others are provisioned and never connect (offline).
 */
const FLEET = [
  { deviceId: 'ash-w-1', domain: 'water', town: 'Ashford', metrics: { pressure_kpa: 400 } },
  { deviceId: 'ash-w-2', domain: 'water', town: 'Ashford', metrics: { pressure_kpa: 410 } },
  { deviceId: 'ash-g-1', domain: 'gas', town: 'Ashford', metrics: { methane_pct_lel: 2 } },
  { deviceId: 'ash-p-1', domain: 'power', town: 'Ashford' },
  { deviceId: 'brk-w-1', domain: 'water', town: 'Brookfield', metrics: { pressure_kpa: 150 } },
  { deviceId: 'brk-h-1', domain: 'heat', town: 'Brookfield' },
  { deviceId: 'crs-t-1', domain: 'traffic', town: 'Cresswell', metrics: { vehicle_count: 12 } },
] as const satisfies ReadonlyArray<{ deviceId: string; domain: Domain; town: string; metrics?: Record<string, number> }>;

const COUNTY = { username: 'county.desk', password: 'county command room wall' };
const ASHFORD = { username: 'ashford.ops', password: 'ashford town duty desk' };
const CHINESE = { username: 'li.wei', password: 'county command room night' };

/** Each element's text, in order, once they are all on the page. */
async function expectTexts(locator: Locator, expected: readonly string[]): Promise<void> {
  await eventually(locator).toHaveCount(expected.length);
  expect((await locator.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(expected);
}

/**
 * The command room's overview in Debian's Chromium against the real service, MQTT and influxd: a tile per town with
 * exact counts, on a 1920×1080 wall display and a laptop; an alert raised by a real reading turns its town's gas light
 * red without a reload; a click opens the town's page (its domains, open alerts and devices, each a link); a
 * town-scoped operator sees only their tile; the same screens in Chinese.
 */
describe('operator console: overview and town pages (real browser, service, MQTT, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  const clients = new Map<string, MqttClient>();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_overview', HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createRule(hub, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });
    await createRule(hub, { id: 'gas-high', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20, for: '0s' } });
    await provisionDevices(hub, FLEET.map(({ deviceId, domain, town }) => ({ deviceId, domain, town })));
    for (const device of FLEET) {
      if (!('metrics' in device)) continue;
      const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, device.deviceId, device.domain)), reconnectPeriod: 0 });
      clients.set(device.deviceId, client);
      await client.publishAsync(`sensors/${device.domain}/${device.deviceId}/telemetry`, JSON.stringify({ metrics: device.metrics }), { qos: 1 });
    }
    await waitFor(() => hub.get<{ items: AlertView[] }>('/api/alerts?state=open'), (answer) => answer.body.items.length === 1, 20_000, 'Brookfield’s low-pressure warning');
    await createOperator(hub, { ...COUNTY, role: 'viewer' });
    await createOperator(hub, { ...ASHFORD, role: 'operator', towns: ['Ashford'] });
    await createOperator(hub, { ...CHINESE, role: 'viewer' });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { viewport: { width: 1920, height: 1080 } });
    await browser.open('/overview');
    await browser.signIn(COUNTY.username, COUNTY.password);
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((client) => client.endAsync(true)));
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const tile = (town: string) => page().locator(`.area-tiles > li[data-area="${town}"]`);
  const figure = (town: Locator, kind: 'reporting' | 'offline' | 'quiet') => town.locator(`[data-presence="${kind}"] dd`);
  const lights = async (scope: Locator): Promise<string[]> =>
    (await scope.locator('.domain-light').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-domain')}:${item.getAttribute('data-light')}`))).sort();

  it('shows a tile per town with its devices, open alerts and domain lights, filling a 1920×1080 wall display', async () => {
    await eventually(page().locator('#page-title')).toHaveText('Overview');
    await eventuallyPage(page()).toHaveTitle('(1) Overview · County Sensing Hub');
    await eventually(page().locator('nav[aria-label="Main"] a[aria-current="page"]')).toHaveText('Overview');
    await eventually(page().locator('[data-overview-totals]')).toHaveText('3 towns · 7 devices · 2 offline · 1 open alert');
    await expectTexts(page().locator('.area-tiles .area-tile-name'), ['Ashford', 'Brookfield', 'Cresswell']);

    const ashford = tile('Ashford');
    await eventually(ashford.locator('.area-tile-total')).toHaveText('4 devices');
    await eventually(figure(ashford, 'reporting')).toHaveText('3');
    await eventually(figure(ashford, 'offline')).toHaveText('1');
    await eventually(figure(ashford, 'quiet')).toHaveText('0');
    await eventually(ashford.locator('[data-open-alerts="0"]')).toHaveText('No open alerts');
    expect(await lights(ashford)).toEqual(['gas:ok', 'heat:none', 'power:ok', 'traffic:none', 'water:ok']);
    await eventually(ashford).toHaveAttribute('data-light', 'ok');

    const brookfield = tile('Brookfield');
    await eventually(figure(brookfield, 'reporting')).toHaveText('1');
    await eventually(figure(brookfield, 'offline')).toHaveText('1');
    await eventually(brookfield.locator('.pill[data-severity]')).toHaveText('1 warning');
    expect(await lights(brookfield)).toEqual(['gas:none', 'heat:ok', 'power:none', 'traffic:none', 'water:warning']);
    await eventually(brookfield).toHaveAttribute('data-light', 'warning');
    await eventually(brookfield.locator('[data-domain="water"]')).toHaveAttribute('title', 'Water: warning open');

    await eventually(figure(tile('Cresswell'), 'reporting')).toHaveText('1');
    expect(await lights(tile('Cresswell'))).toEqual(['gas:none', 'heat:none', 'power:none', 'traffic:ok', 'water:none']);

    // The wall: the grid takes the screen's width (no desk-width column), the three tiles side by side filling it.
    const grid = (await page().locator('.area-tiles').boundingBox())!;
    expect(grid.width).toBeGreaterThan(1800);
    const boxes = await Promise.all(['Ashford', 'Brookfield', 'Cresswell'].map(async (town) => (await tile(town).boundingBox())!));
    expect(new Set(boxes.map((box) => Math.round(box.y))).size).toBe(1);
    expect(Math.round(boxes[0].x)).toBe(Math.round(grid.x));
    expect(Math.round(boxes[2].x + boxes[2].width)).toBe(Math.round(grid.x + grid.width));
    await browser.screenshot('overview-wall');
  });

  it('turns Ashford’s gas light red when a methane reading raises a critical alert, without a reload', async () => {
    await browser.markDocument();
    await clients.get('ash-g-1')!.publishAsync('sensors/gas/ash-g-1/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 35 } }), { qos: 1 });
    const ashford = tile('Ashford');
    await eventually(ashford.locator('[data-domain="gas"]')).toHaveAttribute('data-light', 'critical', { timeout: 20_000 });
    await eventually(ashford).toHaveAttribute('data-light', 'critical');
    await eventually(ashford.locator('.pill[data-severity="critical"]')).toHaveText('1 critical');
    expect(await lights(ashford)).toEqual(['gas:critical', 'heat:none', 'power:ok', 'traffic:none', 'water:ok']);
    await eventually(page().locator('[data-overview-totals]')).toHaveText('3 towns · 7 devices · 2 offline · 2 open alerts');
    expect(await browser.sameDocument()).toBe(true);
    await browser.screenshot('overview-alert');
  });

  it('opens the town’s page from its tile: domains, open alerts and devices, each device a link to its page', async () => {
    await tile('Ashford').locator('a.area-tile').click();
    await eventuallyPage(page()).toHaveURL(/\/areas\/Ashford$/);
    await eventually(page().locator('#page-title')).toHaveText('Ashford');
    expect(await browser.sameDocument()).toBe(true);
    await eventually(page().locator('.page-subtitle')).toHaveText('4 devices · 1 offline · 0 quiet');
    await eventually(page().locator('nav[aria-label="Main"] a[aria-current="page"]')).toHaveText('Overview');
    await expectTexts(page().locator('.area-domain .area-domain-caption'), ['2 devices · 0 open alerts', '1 device · 0 open alerts', '1 device · 1 open alert', '0 devices · 0 open alerts', '0 devices · 0 open alerts']);
    expect(await lights(page().locator('.area-domains'))).toEqual(['gas:critical', 'heat:none', 'power:ok', 'traffic:none', 'water:ok']);

    const alerts = page().locator('.alert-list > li');
    await eventually(alerts).toHaveCount(1);
    await eventually(alerts.first()).toHaveAttribute('data-severity', 'critical');
    await eventually(alerts.first().locator('.alert-device')).toHaveText('ash-g-1');
    await eventually(page().locator('#town-alerts')).toHaveText('Open alerts (1)');

    await expectTexts(page().locator('table.town-devices tbody tr th'), ['ash-p-1', 'ash-g-1', 'ash-w-1', 'ash-w-2']);
    await eventually(page().locator('tr[data-device="ash-p-1"] [data-status]')).toHaveText('Offline');
    await eventually(page().locator('tr[data-device="ash-g-1"] [data-status]')).toHaveText('Online');
    await browser.screenshot('overview-town');

    // Third click: the device.
    await page().locator('tr[data-device="ash-g-1"] a').click();
    await eventuallyPage(page()).toHaveURL(/\/devices\/ash-g-1$/);
    await eventually(page().locator('#page-title')).toHaveText('ash-g-1');
    await page().goBack();
    await eventually(page().locator('#page-title')).toHaveText('Ashford');
  });

  it('fits a laptop screen, and wraps the tiles on a narrower one, with nothing scrolling sideways', async () => {
    const layout = async (width: number): Promise<number> => {
      await page().setViewportSize({ width, height: 768 });
      await eventually(page().locator('.area-tiles > li')).toHaveCount(3);
      const widths = (await page().evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
      expect(widths[0]).toBeLessThanOrEqual(widths[1]);
      const boxes = await Promise.all(['Ashford', 'Brookfield', 'Cresswell'].map(async (town) => (await tile(town).boundingBox())!));
      expect(boxes.every((box) => box.x >= 0 && box.x + box.width <= width)).toBe(true);
      return new Set(boxes.map((box) => Math.round(box.y))).size;
    };
    await browser.open('/overview');
    expect(await layout(1366)).toBe(1);
    await browser.screenshot('overview-laptop');
    expect(await layout(800)).toBe(2);
    await page().setViewportSize({ width: 1920, height: 1080 });
    expect(browser.errors).toEqual([]);
  });

  it('shows a town-scoped operator their own town’s tile only', async () => {
    const scoped = await ConsoleBrowser.launch(hub.httpUrl);
    try {
      await scoped.open('/overview');
      await scoped.signIn(ASHFORD.username, ASHFORD.password);
      await eventually(scoped.page.locator('[data-overview-totals]')).toHaveText('1 town · 4 devices · 1 offline · 1 open alert');
      await expectTexts(scoped.page.locator('.area-tiles .area-tile-name'), ['Ashford']);
      await eventually(scoped.page.locator('.area-tiles > li[data-area="Ashford"]')).toHaveAttribute('data-light', 'critical');
      // Another town's page by its address: not among theirs.
      await scoped.open('/areas/Brookfield');
      await eventually(scoped.page.locator('.state-empty .state-title')).toHaveText('Brookfield is not among your towns');
      expect(scoped.errors).toEqual([]);
    } finally {
      await scoped.close();
    }
  });

  it('speaks Chinese on the overview and the town page for a browser in Chinese', async () => {
    const chinese = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC', viewport: { width: 1920, height: 1080 } });
    try {
      const zh = chinese.page;
      await chinese.open('/overview');
      await chinese.signIn(CHINESE.username, CHINESE.password);
      await eventually(zh.locator('#page-title')).toHaveText('总览');
      await eventuallyPage(zh).toHaveTitle('(2) 总览 · 县域感知中枢');
      await eventually(zh.locator('nav[aria-label="主导航"] a[aria-current="page"]')).toHaveText('总览');
      await eventually(zh.locator('[data-overview-totals]')).toHaveText('3 个乡镇 · 7 台设备 · 2 台离线 · 2 条未关闭告警');
      const ashford = zh.locator('.area-tiles > li[data-area="Ashford"]');
      await eventually(ashford.locator('.area-tile-total')).toHaveText('共 4 台设备');
      await expectTexts(ashford.locator('.device-count dt'), ['正常上报', '离线', '迟报']);
      await eventually(ashford.locator('.pill[data-severity="critical"]')).toHaveText('严重 1');
      await expectTexts(ashford.locator('.light-name'), ['供水', '电力', '燃气', '供热', '交通']);
      await eventually(ashford.locator('[data-domain="gas"]')).toHaveAttribute('title', '燃气：有严重告警');
      await eventually(ashford.locator('[data-domain="heat"]')).toHaveAttribute('title', '供热：无设备');
      await eventually(zh.locator('.area-tiles > li[data-area="Cresswell"] [data-open-alerts="0"]')).toHaveText('无未关闭告警');
      await chinese.screenshot('zh-overview');

      await ashford.locator('a.area-tile').click();
      await eventually(zh.locator('#page-title')).toHaveText('Ashford');
      await eventually(zh.locator('.page-subtitle')).toHaveText('4 台设备 · 1 台离线 · 0 台迟报');
      await eventually(zh.locator('.page-actions a')).toHaveText('全部乡镇');
      await eventually(zh.locator('#town-domains')).toHaveText('按领域');
      await eventually(zh.locator('.area-domain[data-domain="gas"] .area-domain-caption')).toHaveText('1 台设备 · 1 条未关闭告警');
      await eventually(zh.locator('#town-alerts')).toHaveText('未关闭告警 (1)');
      await eventually(zh.locator('#town-devices')).toHaveText('设备 (4)');
      await expectTexts(zh.locator('table.town-devices thead th'), ['设备', '领域', '村/社区', '状态', '最后上报']);
      await eventually(zh.locator('tr[data-device="ash-w-1"] td').nth(1)).toHaveText('未划入村/社区');
      await eventually(zh.locator('#town-alerts ~ a')).toHaveText('在告警收件箱中查看Ashford的全部告警');
      await eventually(zh.locator('#town-rollup')).toHaveText('全镇汇总');
      // Pressure is not a rate: the page starts with its mean.
      await eventually(zh.locator('.town-rollup select[name="agg"] option:checked')).toHaveText('平均');
      await eventually(zh.locator('.town-rollup select[name="metric"] option:checked')).toHaveText('供水 · 压力（kPa）');
      await chinese.screenshot('zh-overview-town');
      expect(chinese.errors).toEqual([]);
    } finally {
      await chinese.close();
    }
  });
});
