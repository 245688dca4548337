import type { Locator } from 'playwright-core';
import { DeviceSimulator } from '@hub/devices-sim';
import type { DeviceView as DeviceState } from '@hub/devices';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * The fleet, a device's page, the refused messages and the system page in Simplified Chinese, for a browser in
 * Chinese whose clock is UTC in a county on Asia/Shanghai: a gas meter reporting live over MQTT, its third reading
 * refused for a methane value out of range. The words are the catalogue's; the dates the county's.
 */
const COUNTY_ZONE = 'Asia/Shanghai';

/** Each element's text, in order, once they are all on the page. */
async function expectTexts(locator: Locator, expected: readonly string[]): Promise<void> {
  await eventually(locator).toHaveCount(expected.length);
  expect((await locator.allTextContents()).map((text) => text.trim())).toEqual(expected);
}

describe('operator console in Chinese: fleet, device, refused messages, system (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let live: DeviceSimulator | undefined;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_zh_fleet', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off', HUB_TIME_ZONE: COUNTY_ZONE });
    await createOperator(hub, { username: 'zhao.lei', password: 'county gas network duty', role: 'viewer' });
    live = new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'zh-',
      intervalMs: 1000,
      faults: [{ mode: 'out-of-range', metric: 'methane_pct_lel', fromReading: 3, toReading: 3 }],
    }));
    await live.start();
    await waitFor(
      () => hub.get<{ items: unknown[] }>('/api/dead-letters?device=zh-gas-1'),
      (response) => response.body.items.length === 1,
      15_000,
      'the refused third reading',
    );
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    await browser.open('/fleet');
    await browser.signIn('zhao.lei', 'county gas network duty');
  });

  afterAll(async () => {
    await live?.stop();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('lists the reporting meter on the fleet page in Chinese', async () => {
    await browser.open('/fleet');
    await eventually(page().locator('#page-title')).toHaveText('设备');
    await eventuallyPage(page()).toHaveTitle('设备 · 县域感知中枢');
    await eventually(page().locator('.page-subtitle')).toHaveText('1 台设备 · 0 台离线 · 0 台迟报');
    const tile = page().locator('.tile', { hasText: '燃气' });
    await eventually(tile.locator('.tile-value')).toHaveText('1/1');
    await eventually(tile.locator('.tile-caption')).toHaveText('全部正常上报');
    await expectTexts(page().locator('table[data-domain="gas"] thead th'), ['设备', '状态', '网关', '最后上报', '未关闭告警', '最新读数']);
    const row = page().locator('tr[data-device="zh-gas-1"]');
    await eventually(row.locator('[data-status]')).toHaveText('在线');
    await eventually(row.locator('[data-status]')).toHaveAttribute('title', '已连接，正常上报');
    await eventually(row.locator('[data-open-alerts]')).toHaveText('无');
    await expectTexts(row.locator('.value-name'), ['压力', '流量', '甲烷', '温度']);
    await expectTexts(page().getByLabel('状态').locator('option'), ['全部设备', '离线或迟报', '离线', '有未关闭告警', '在线']);
    await browser.screenshot('zh-fleet');
  });

  it('shows the device page with its chart caption and the county’s dates in Chinese', async () => {
    await browser.open('/devices/zh-gas-1');
    await eventually(page().locator('#page-title')).toHaveText('zh-gas-1');
    await eventually(page().locator('.page-subtitle')).toContainText('燃气 · 在线 · 最后上报');
    await expectTexts(page().getByRole('radio'), ['最近 1 小时', '最近 1 天', '最近 1 周']);
    await eventually(page().locator('figure[data-metric="methane_pct_lel"] .chart')).toHaveAttribute('aria-label', /^甲烷：\d+ 个点，最低 .+，最高 .+，最新 .+$/);
    await eventually(page().locator('.chart-caption')).toHaveText(/^按事件时间每 10 秒取平均值， .+ – .+。 绿色带：常见范围；虚线：告警规则触发值；着色时段：告警。$/);

    // Dates in the county's zone and in Chinese, while the browser's own clock is UTC.
    const state = (await hub.get<DeviceState>('/api/devices/zh-gas-1')).body;
    const county = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: COUNTY_ZONE });
    const facts = page().locator('.device-facts dl.facts');
    await expectTexts(facts.locator('dt'), ['最后消息', '最新读数（事件时间）', '上线时间', '首次上报', '位置', 'MQTT 客户端']);
    await eventually(facts.locator('dd').nth(3)).toHaveText(county.format(state.firstSeen ?? undefined));
    await eventually(page().locator('.topbar .timezone')).toHaveText(`${COUNTY_ZONE} (GMT+8)`);

    // Its one refused reading: the code as sent, the reason explained in Chinese.
    await eventually(page().locator('#device-dead-letters')).toHaveText('拒收消息');
    const refused = page().locator('.dead-letters .dead-letter');
    await eventually(refused).toHaveCount(1);
    await eventually(refused.locator('.reason')).toHaveText('VALUE_OUT_OF_RANGE');
    await eventually(refused.locator('.reason')).toHaveAttribute('title', '某个指标值超出其物理上合理的范围');
    await browser.screenshot('zh-device');
  });

  it('explains the refused message on the Refused page in Chinese', async () => {
    await browser.open('/dead-letters');
    await eventually(page().locator('#page-title')).toHaveText('拒收消息');
    await eventually(page().locator('.page-subtitle')).toHaveText('自开始记录以来共拒收 1 条 · 保存 1 条');
    await eventually(page().locator('#groups-title')).toHaveText('按设备和原因 （最近 1 条）');
    const group = page().locator('tr[data-device="zh-gas-1"][data-reason="VALUE_OUT_OF_RANGE"]');
    await eventually(group.locator('td.numeric')).toHaveText('1');
    await expectTexts(page().locator('table.groups-table thead th'), ['设备', '原因', '次数', '最近一次', '示例']);

    await page().locator('.chip', { hasText: 'VALUE_OUT_OF_RANGE' }).click();
    await eventuallyPage(page()).toHaveURL(/reason=VALUE_OUT_OF_RANGE/);
    await eventually(page().locator('.hint')).toHaveText('某个指标值超出其物理上合理的范围');
    const letter = page().locator('.dead-letter').first();
    await letter.locator('summary').click();
    const body = letter.locator('.dead-letter-body');
    await expectTexts(body.locator('dt'), ['原因', '接收时间', '主题', 'MQTT 客户端', '设备']);
    await eventually(body.locator('dd').first()).toHaveText('某个指标值超出其物理上合理的范围');
    await eventually(body.locator('.payload-label')).toHaveText(/^载荷（\d+ 字节）$/);
    await eventually(body).toContainText('sensors/gas/zh-gas-1/telemetry');
    await browser.screenshot('zh-dead-letters');
  });

  it('shows the hub’s health in Chinese', async () => {
    await browser.open('/system');
    await eventually(page().locator('#page-title')).toHaveText('系统');
    await eventually(page().locator('.page-subtitle')).toHaveText('所有组件运行正常');
    await expectTexts(page().locator('.health-card .health-word'), ['正常', '正常', '正常', '正常']);
    await eventually(page().locator('.health-card[data-component="broker"] h2')).toContainText('MQTT 代理');
    await eventually(page().locator('#ingest-title')).toHaveText('中枢启动以来的接入统计');
    expect(browser.errors).toEqual([]);
  });
});
