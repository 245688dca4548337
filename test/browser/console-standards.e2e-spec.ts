import { call } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

/**
 * Admin → Standards in Debian's Chromium against a hub that started with the GB pack (cn): the profile in force, a
 * preview of cn → eu listing what changes and the rule an admin edited as kept, then applying it — in Chinese.
 */
describe('operator console: the standards profile (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_standards', HUB_STANDARDS_PROFILE: 'cn', HUB_TIME_ZONE: 'Asia/Shanghai' });
    await createOperator(hub, { username: 'county.admin', password: 'county standards admin', role: 'admin' });
    // The county's water engineer has tuned one default rule: a profile change must keep it.
    expect((await call(hub, 'PATCH', '/api/alert-rules/water-chlorine-low', { condition: { value: 0.1, clear: 0.15 } })).status).toBe(200);
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    await browser.open('/admin/standards');
    await browser.signIn('county.admin', 'county standards admin');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('previews cn → eu with the edited rule kept, applies it, and the hub then runs the eu pack', async () => {
    await eventually(page().locator('#standards-title')).toHaveText('标准配置');
    await eventually(page().locator('[data-field="standards-current"]')).toContainText('当前生效：cn，由 system 选定于');
    await page().getByRole('button', { name: '预览变更' }).click();
    const diff = page().locator('[data-diff="preview"]');
    await eventually(diff.locator('tr[data-rule="water-chlorine-low"]')).toContainText('保留');
    await eventually(diff.locator('tr[data-rule="water-chlorine-low"]')).toContainText('kept, edited by');
    await eventually(diff.locator('tr[data-rule="power-voltage-out-of-band"]')).toContainText('新增');
    await eventually(diff.locator('tr[data-rule="power-voltage-low"]')).toContainText('删除');
    await eventually(diff.locator('tr[data-metric="power.voltage_v"]')).toContainText('[213,227] → [225,240]');
    // A preview changes nothing.
    expect((await hub.get<{ profile: string }>('/api/standards-profile')).body.profile).toBe('cn');

    page().once('dialog', (dialog) => void dialog.accept());
    await page().getByRole('button', { name: '应用 eu' }).click();
    await eventually(page().locator('[data-diff="applied"] [role="status"]')).toHaveText('已应用：cn → eu。');
    expect((await hub.get<{ profile: string }>('/api/standards-profile')).body.profile).toBe('eu');
    await eventually(page().locator('[data-field="standards-current"]')).toContainText('当前生效：eu，由 county.admin 选定于');
    const rules = (await hub.get<Array<{ id: string }>>('/api/alert-rules')).body.map((rule) => rule.id);
    expect([rules.includes('power-voltage-out-of-band'), rules.includes('power-voltage-low'), rules.includes('water-chlorine-low')]).toEqual([true, false, true]);
    expect(browser.errors).toEqual([]);
  });
});
