import { DeviceSimulator } from '@hub/devices-sim';
import type { AlertEventView, AlertView, SilenceView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * The alert workflow in Simplified Chinese: a browser asking for zh-CN, its clock on UTC, a county on Asia/Shanghai.
 * A gas sensor spikes → one critical alert in the inbox (严重, 告警中) → the operator opens it, acknowledges it (已确认)
 * and resolves it (已解决) → silences the sensor from the alert; then the rules page says what the rule watches for in
 * Chinese. Every date is checked against the county's clock in Chinese, which differs from the browser's UTC by 8 h.
 */
const RULE = {
  id: 'zh-methane-alarm',
  name: '甲烷浓度超限',
  description: '可燃气体积聚：立即隔离并通风。',
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel' },
  evaluateEvery: '1s',
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '0s' },
};
const OPERATOR = 'wang.fang';
const OPERATOR_PASSWORD = 'gas desk night shift';
const COUNTY_ZONE = 'Asia/Shanghai';

const FULL: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' };
/** The console's full date and time (format/time.ts), in Chinese on the county's clock; and on the browser's (UTC). */
const countyDateTime = (at: string): string => new Intl.DateTimeFormat('zh-CN', { ...FULL, timeZone: COUNTY_ZONE }).format(Date.parse(at));
const utcDateTime = (at: string): string => new Intl.DateTimeFormat('zh-CN', { ...FULL, timeZone: 'UTC' }).format(Date.parse(at));
/** The time of day alone, as the console shows a moment of today. */
const countyClock = (at: string): string => new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: COUNTY_ZONE }).format(Date.parse(at));

describe('operator console in Chinese: gas spike → critical alert → acknowledge → resolve (real browser, service, influxd, simulator)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let spiking: DeviceSimulator | undefined;
  let alertId: number;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'console_zh_alerts',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_TIME_ZONE: COUNTY_ZONE,
    });
    const created = await fetch(`${hub.httpUrl}/api/alert-rules`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...hub.adminHeaders }, body: JSON.stringify(RULE) });
    expect(created.status).toBe(201);
    await createOperator(hub, { username: OPERATOR, password: OPERATOR_PASSWORD, role: 'operator', domains: ['gas'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
  });

  afterAll(async () => {
    await spiking?.stop();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const alertOf = async (id: number) => (await hub.get<AlertView>(`/api/alerts/${id}`)).body;
  const historyOf = async (id: number) => (await hub.get<AlertEventView[]>(`/api/alerts/${id}/history`)).body;

  it('shows the gas spike’s alert in Chinese in the inbox, without a reload', async () => {
    await browser.open('/');
    await browser.signIn(OPERATOR, OPERATOR_PASSWORD);
    await eventually(page().locator('#page-title')).toHaveText('告警');
    await eventually(page().getByText('没有未关闭的告警')).toBeVisible();
    await eventually(page().getByText('所有规则均无告警。新告警触发后会自动显示在这里，无需刷新。')).toBeVisible();
    await eventuallyPage(page()).toHaveTitle('告警 · 县域感知中枢');
    await eventually(page().locator('.topbar .timezone')).toHaveText('Asia/Shanghai (GMT+8)');

    // One gas sensor, a reading every 500 ms; methane jumps to 35 %LEL from its 6th reading and stays there.
    spiking = new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'zh-',
      intervalMs: 500,
      faults: [{ mode: 'spike', metric: 'methane_pct_lel', fromReading: 6, value: 35 }],
    }));
    await spiking.start();

    const items = page().locator('.alert-list .alert-item');
    await eventually(items).toHaveCount(1, { timeout: 20_000 });
    const item = items.first();
    await eventually(item).toHaveAttribute('data-state', 'firing');
    await eventually(item.locator('.severity')).toHaveText('严重');
    await eventually(item.locator('[data-alert-state]')).toHaveText('告警中');
    await eventually(item.locator('.alert-rule')).toHaveText(RULE.name);
    await eventually(item.locator('.alert-meta')).toContainText('燃气');
    await eventually(item.locator('.alert-since')).toContainText('开始于');
    await eventually(page().locator('.page-subtitle')).toHaveText('1 条未关闭 · 1 条告警中，尚未确认');
    await eventuallyPage(page()).toHaveTitle('(1) 告警 · 县域感知中枢');
    await eventually(page().getByLabel('状态').locator('option').first()).toHaveText('未关闭（告警中或已确认）');
    alertId = Number(await item.getAttribute('data-alert-id'));
    expect((await alertOf(alertId)).severity).toBe('critical');
    await browser.screenshot('zh-inbox');
  });

  it('opens the alert: labels, the rule’s condition and the history in Chinese, times on the county’s clock', async () => {
    await page().locator(`.alert-item[data-alert-id="${alertId}"] a`).click();
    const detail = page().locator('.alert-detail');
    await eventually(detail.locator('#alert-title')).toHaveText(`${RULE.name} — zh-gas-1`);
    await eventually(detail.locator('dt')).toHaveCount(6);
    expect(await detail.locator('dt').allTextContents()).toEqual(['设备', '当前值', '峰值', '开始时间', '指标', '条件']);
    await eventually(detail.locator('[data-field="peak"]')).toHaveText('35 %LEL');
    await eventually(detail.locator('p.muted', { hasText: '规则' })).toHaveText(`规则 ${RULE.name}：达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除，每 1 秒检查一次。`);
    await eventually(detail.locator('.history li[data-kind="fired"]')).toContainText('触发 操作人：系统');
    await eventually(detail.locator('[data-empty="notifications"]')).toHaveText('此告警尚无通知：没有匹配的通知策略路由、告警已被静默，或分组等待时间未到。');
    await eventually(detail.getByRole('button', { name: '确认' })).toHaveCount(1);

    const alert = await alertOf(alertId);
    const fired = (await historyOf(alertId))[0];
    expect(countyDateTime(fired.at)).not.toBe(utcDateTime(fired.at));
    await eventually(detail.locator('[data-field="since"] time')).toHaveText(countyDateTime(alert.startedAt));
    await eventually(detail.locator('.history li[data-kind="fired"] time')).toHaveText(countyDateTime(fired.at));
    await browser.screenshot('zh-alert-firing');
  });

  it('acknowledges with a note (已确认), then resolves (已解决) as the signed-in operator', async () => {
    const detail = page().locator('.alert-detail');
    await detail.getByLabel('说明').fill('已派抢修队前往七号阀门，现场已警戒。');
    await detail.getByRole('button', { name: '确认', exact: true }).click();
    await eventually(detail.locator('.action-status')).toHaveText(`已由 ${OPERATOR} 确认。`);
    await eventually(detail).toHaveAttribute('data-state', 'acknowledged');
    await eventually(detail.locator('.detail-header [data-alert-state]')).toHaveText('已确认');
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"] [data-alert-state]`)).toHaveText('已确认');
    await eventually(page().locator('.page-subtitle')).toHaveText('1 条未关闭 · 0 条告警中，尚未确认');
    const acknowledged = await alertOf(alertId);
    await eventually(detail.locator('[data-field="acknowledged"]')).toHaveText(`${OPERATOR} 确认于 ${countyClock(acknowledged.acknowledgedAt ?? '')}`);
    await eventually(detail.locator('.history li[data-kind="acknowledged"]')).toContainText(`已确认 操作人：${OPERATOR}`);

    // The sensor goes quiet; the operator closes the alert by hand while the last reading is still high.
    await spiking?.stop();
    spiking = undefined;
    await detail.getByRole('button', { name: '解决', exact: true }).click();
    await eventually(detail.locator('.action-status')).toHaveText(`已由 ${OPERATOR} 解决。`);
    await eventually(detail).toHaveAttribute('data-state', 'resolved');
    await eventually(detail.locator('[data-field="resolved"]')).toContainText(`，由值班员解决 (${OPERATOR})`);
    await eventually(detail.locator('.history li[data-kind="resolved"]')).toContainText(`已解决 操作人：${OPERATOR}`);
    await eventually(page().locator('.alert-list .alert-item')).toHaveCount(0);
    await eventually(page().getByText('没有未关闭的告警')).toBeVisible();
    const resolved = await alertOf(alertId);
    expect([resolved.state, resolved.resolution, resolved.resolvedBy, resolved.acknowledgedBy]).toEqual(['resolved', 'operator', OPERATOR, OPERATOR]);

    await page().getByLabel('状态').selectOption('resolved');
    await eventually(page().locator('.page-subtitle')).toHaveText('1 条已解决');
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"] [data-alert-state]`)).toHaveText('已解决');
    await browser.screenshot('zh-alert-resolved');
  });

  it('silences the sensor from the alert, with its end on the county’s clock, and ends the silence', async () => {
    await page().locator('.alert-detail').getByRole('link', { name: '静默…' }).click();
    await eventually(page().locator('#page-title')).toHaveText('静默');
    const form = page().locator('form.silence-form');
    await eventually(form.locator('input[name="deviceId"]')).toHaveValue('zh-gas-1');
    await form.getByLabel('原因').fill('七号阀门检修，工单 4711');
    await form.getByRole('button', { name: '静默', exact: true }).click();
    const silence = (await waitFor(() => hub.get<SilenceView[]>('/api/alert-silences'), (response) => response.body.length === 1, 5000, 'one silence')).body[0];
    await eventually(form.locator('.action-status')).toHaveText(`已创建静默 ${silence.id}，持续至 ${countyDateTime(silence.endsAt)}。`);
    const row = page().locator('.silences-table tbody tr');
    await eventually(row).toHaveCount(1);
    await eventually(row.first()).toContainText('生效中，剩余');
    await eventually(row.first()).toContainText(`创建人：${OPERATOR}`);
    await eventually(row.first()).toContainText('全部燃气');
    await row.first().getByRole('button', { name: '立即结束' }).click();
    await eventually(page().getByText('没有静默')).toBeVisible();
  });

  it('says what the rule watches for in Chinese on the rules page', async () => {
    await page().getByRole('link', { name: '规则', exact: true }).click();
    await eventually(page().locator('#page-title')).toHaveText('规则');
    await eventually(page().locator('.page-subtitle')).toHaveText('1 条规则 · 0 条已停用');
    await eventually(page().locator('#rules-gas')).toHaveText('燃气');
    const row = page().locator(`tr[data-rule="${RULE.id}"]`);
    await eventually(row).toContainText('甲烷 达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除');
    await eventually(row).toContainText('每 1 秒检查一次');
    await eventually(row.locator('.severity')).toHaveText('严重');
    await eventually(row.locator('td').nth(2)).toHaveText('无');
    await browser.screenshot('zh-rules');
    expect(browser.errors).toEqual([]);
  });
});

