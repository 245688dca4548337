import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createApiKey, bearer, createOperator, login, send } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

/**
 * The console in Simplified Chinese for a browser that asks for it, in the county's time zone while the browser's
 * clock is UTC; the header's switch to English, kept across a reload; this computer's zone chosen on the Account page.
 */
describe('operator console: language and time zone (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_language', HUB_ALERT_DEFAULT_RULES: 'off', HUB_TIME_ZONE: 'Asia/Shanghai' });
    await createOperator(hub, { username: 'wang.fang', password: 'ashford town duty operator', role: 'operator', towns: ['Ashford'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    await browser.open('/account');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('signs in and shows the console in Chinese, times in the county’s zone, for a browser in Chinese on UTC', async () => {
    const form = page().locator('form.login-card');
    await eventually(form.locator('button[type="submit"]')).toHaveText('登录');
    await eventually(form.locator('.field-label').first()).toHaveText('用户名');
    expect(await page().evaluate('document.documentElement.lang')).toBe('zh-CN');
    await browser.signIn('wang.fang', 'ashford town duty operator');

    await eventually(page().locator('nav[aria-label="主导航"] a').first()).toContainText('总览');
    await eventually(page().locator('.topbar .timezone')).toHaveText('Asia/Shanghai (GMT+8)');
    await eventually(page().locator('#page-title')).toHaveText('我的账户');
    await eventually(page().locator('[data-field="role"]')).toHaveText('值班员');
    await eventually(page().getByRole('button', { name: '退出登录' })).toHaveCount(1);
    expect(await page().title()).toBe('我的账户 · 县域感知中枢');
  });

  it('switches to English from the header, and keeps it after a reload', async () => {
    await page().locator('.topbar select[name="language"]').selectOption('en');
    await eventually(page().locator('nav[aria-label="Main"] a').first()).toContainText('Overview');
    await eventually(page().locator('#page-title')).toHaveText('Your account');
    expect(await page().evaluate('document.documentElement.lang')).toBe('en');
    await page().reload();
    await eventually(page().locator('#page-title')).toHaveText('Your account');
    await eventually(page().locator('.topbar select[name="language"]')).toHaveValue('en');
  });

  it('shows times in this computer’s zone when the operator chooses it, and back in the county’s', async () => {
    const zone = page().locator('select[name="timeZone"]');
    await eventually(zone).toHaveValue('county');
    await zone.selectOption('browser');
    await eventually(page().locator('.topbar .timezone')).toHaveText('UTC (GMT+0)');
    await page().locator('select[name="timeZone"]').selectOption('county');
    await eventually(page().locator('.topbar .timezone')).toHaveText('Asia/Shanghai (GMT+8)');
    expect(browser.errors).toEqual([]);
  });

  it('keeps the operator’s choice on the hub: another computer in Chinese opens the console in English for them', async () => {
    const session = await login(hub, 'wang.fang', 'ashford town duty operator');
    expect((await send(hub, 'GET', '/api/me/preferences', session.headers)).body).toEqual({ language: 'en', timeZone: 'county' });
    const other = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    try {
      await other.open('/alerts');
      await eventually(other.page.locator('form.login-card button[type="submit"]')).toHaveText('登录');
      await other.signIn('wang.fang', 'ashford town duty operator');
      await eventually(other.page.locator('nav[aria-label="Main"] a').first()).toContainText('Overview');
    } finally {
      await other.close();
    }
    const refused = await send<{ issues: Array<{ field: string; problem: string }> }>(hub, 'PUT', '/api/me/preferences', session.headers, { language: 'fr', timeZone: 'mars' });
    expect([refused.status, refused.body.issues]).toEqual([
      400,
      [
        { field: 'language', problem: 'must be one of zh-CN, en, got "fr"', code: 'one-of', params: { allowed: 'zh-CN, en', got: '"fr"' } },
        { field: 'timeZone', problem: 'must be one of county, browser, got "mars"', code: 'one-of', params: { allowed: 'county, browser', got: '"mars"' } },
      ],
    ]);
    const key = await createApiKey(hub, { name: 'wall-screen', role: 'viewer' });
    expect((await send(hub, 'GET', '/api/me/preferences', bearer(key.key))).status).toBe(403);
  });
});
