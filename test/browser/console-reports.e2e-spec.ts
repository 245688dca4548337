import type { ReportRunPage } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const ADMIN = { username: 'reports.admin', password: 'county reports keeper', role: 'admin' } as const;
const VIEWER = { username: 'brookfield.viewer', password: 'county reports reader', role: 'viewer' as const, towns: ['Brookfield'] };

/** Last month's label in Asia/Shanghai (UTC+8 all year). */
function lastMonth(): string {
  const local = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/**
 * The Reports page as an admin uses it: a definition added through the form, the report the hub makes for it listed
 * with its page and CSV to download (fetched through the links, with the session cookie), "run now" replacing it;
 * a viewer of another town sees neither the report nor the definitions.
 */
describe('operator console: reports (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    // Last month's readings are written straight into influxd: keep raw readings longer than the default 35 days,
    // which on some dates of the month would make InfluxDB refuse the month's first days.
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_reports', HUB_ALERT_DEFAULT_RULES: 'off', HUB_RETENTION_RAW: '90d', HUB_TIME_ZONE: 'Asia/Shanghai', HUB_REPORTS_CHECK_INTERVAL: '1s' });
    expect((await hub.request('POST', '/api/devices', { deviceId: 'ash-1', domain: 'water', town: 'Ashford' })).status).toBe(201);
    expect((await hub.request('POST', '/api/devices', { deviceId: 'brk-1', domain: 'water', town: 'Brookfield' })).status).toBe(201);
    await createOperator(hub, ADMIN);
    await createOperator(hub, VIEWER);
    browser = await ConsoleBrowser.launch(hub.httpUrl, { timezoneId: 'Asia/Shanghai' });
    await browser.open('/reports');
    await browser.signIn(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;

  it('adds a definition; the report the hub makes is listed with its page and CSV to download', async () => {
    await eventually(page().locator('#page-title')).toHaveText('Reports');
    await eventually(page().locator('.card:has(#report-runs-title) .state-empty .state-title')).toHaveText('No report yet');
    const form = page().locator('form[data-report-form]');
    await form.getByLabel('Name').fill('Ashford water, monthly');
    await form.getByLabel('Area').selectOption('Ashford');
    await form.getByLabel('Domain').selectOption('water');
    await form.getByLabel('Period').selectOption('monthly');
    await form.getByLabel('Language').selectOption('en');
    await form.getByRole('button', { name: 'Add report' }).click();
    const definition = page().locator('[data-report-definitions] tbody tr');
    await eventually(definition.locator('th')).toHaveText('Ashford water, monthly');
    expect((await definition.locator('td').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(['Ashford', 'water', 'Monthly', 'English', '—', 'Run for the last period Pause Delete…']);

    await waitFor(() => hub.get<ReportRunPage>('/api/reports/runs'), (answer) => answer.body.items.length === 1, 10_000, 'the scheduled report');
    await page().reload();
    const run = page().locator('[data-report-runs] tbody tr');
    await eventually(run).toHaveCount(1);
    await eventually(run.locator('th')).toHaveText('Ashford water, monthly');
    await eventually(run.locator('td').nth(2)).toHaveText(`Monthly ${lastMonth()}`);
    await eventually(run.locator('td').nth(3)).toContainText('on schedule');

    const csvHref = await run.getByRole('link', { name: 'CSV' }).getAttribute('href');
    const htmlHref = await run.getByRole('link', { name: 'Page to print' }).getAttribute('href');
    // The links work with the console's session alone (its cookie), as a click would download them.
    const csv = await page().request.get(`${hub.httpUrl}${csvHref ?? ''}`);
    expect([csv.status(), csv.headers()['content-disposition']]).toEqual([200, `attachment; filename="report-1-${lastMonth()}.csv"`]);
    expect((await csv.body()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await csv.text()).split('\r\n')[0]).toBe('\uFEFFSection,Domain,Key,Figure,Value,Unit');
    const html = await page().request.get(`${hub.httpUrl}${htmlHref ?? ''}`);
    expect(await html.text()).toContain('<h1>Ashford water, monthly: Ashford, month');
  });

  it('runs it again now: the run replaces the scheduled one, made by the admin', async () => {
    await page().locator('[data-report-definitions] tbody tr').getByRole('button', { name: 'Run for the last period' }).click();
    const run = page().locator('[data-report-runs] tbody tr');
    await eventually(run.locator('td').nth(3)).toContainText(`by ${ADMIN.username}`);
    await eventually(run).toHaveCount(1);
    expect(browser.errors).toEqual([]);
  });

  it('shows a viewer of another town no report and no definitions', async () => {
    await page().context().clearCookies();
    await browser.open('/reports');
    await browser.signIn(VIEWER.username, VIEWER.password);
    await eventually(page().locator('.card:has(#report-runs-title) .state-empty .state-title')).toHaveText('No report yet');
    await eventually(page().locator('#report-definitions-title')).toHaveCount(0);
  });
});
