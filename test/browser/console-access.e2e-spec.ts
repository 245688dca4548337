import type { AlertView } from '@hub/alerts';
import { createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * Signing in and out of the console in Debian's Chromium against the real service: the login page in place of the
 * page asked for (and back to it after), a wrong password's message, a viewer without action buttons, the header's
 * name and role, log out, a session ended by an admin sending the console back to its login, and the admin pages
 * (a new operator, an API key shown once, the audit log with who did what).
 */
const VIEWER = { username: 'vic.viewer', password: 'wall screen in the hall', role: 'viewer' } as const;
const ADMIN_PASSWORD = 'county admin first login';

describe('operator console: sign-in, roles and admin pages (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let alert: AlertView;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    // The first admin's password from the environment, as docker compose sets it.
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_access', HUB_ALERT_DEFAULT_RULES: 'off', HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    await createRule(hub, { id: 'access-methane', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20 } });
    const device = await ScriptedDevice.connect(hub, 'gas', 'access-gas-1');
    await device.report({ methane_pct_lel: 31 }, 3, 100);
    await device.close();
    [alert] = await waitFor(async () => (await hub.get<{ items: AlertView[] }>('/api/alerts')).body.items, (items) => items.length === 1, 15_000, 'the methane alert');
    await createOperator(hub, VIEWER);
    browser = await ConsoleBrowser.launch(hub.httpUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const form = () => page().locator('form.login-card');

  it('shows the login instead of the page asked for, and says plainly when the password is wrong', async () => {
    await browser.open(`/alerts/${alert.id}`);
    await eventually(form()).toBeVisible();
    await eventuallyPage(page()).toHaveTitle('Sign in · County Sensing Hub');
    await eventually(page().locator('.topbar')).toHaveCount(0);
    await form().locator('input[name="username"]').fill(VIEWER.username);
    await form().locator('input[name="password"]').fill('not my password at all');
    await form().getByRole('button', { name: 'Sign in' }).click();
    await eventually(form().getByRole('alert')).toHaveText('Wrong username or password.');
    await eventually(form().locator('input[name="password"]')).toHaveValue('');
    await eventuallyPage(page()).toHaveURL(new RegExp(`/alerts/${alert.id}$`));
    await browser.screenshot('login-wrong-password');
    // The same words for a user that does not exist.
    await form().locator('input[name="username"]').fill('no.such.person');
    await form().locator('input[name="password"]').fill('not my password at all');
    await form().getByRole('button', { name: 'Sign in' }).click();
    await eventually(form().getByRole('alert')).toHaveText('Wrong username or password.');
  });

  it('signs a viewer in, back to the alert asked for, without acknowledge, resolve or admin', async () => {
    await browser.signIn(VIEWER.username, VIEWER.password);
    await eventuallyPage(page()).toHaveURL(new RegExp(`/alerts/${alert.id}$`));
    const detail = page().locator('.alert-detail');
    await eventually(detail).toHaveAttribute('data-alert-id', String(alert.id));
    await eventually(page().locator('.signed-in')).toHaveText(`${VIEWER.username} viewer`);
    await eventually(detail.locator('[data-readonly-reason="viewer"]')).toBeVisible();
    await eventually(detail.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
    await eventually(detail.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
    await eventually(detail.getByRole('button', { name: 'Add comment' })).toHaveCount(0);
    await eventually(page().getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
    await browser.screenshot('viewer-alert');

    await page().getByRole('link', { name: 'Rules', exact: true }).click();
    await eventually(page().locator(`tr[data-rule="access-methane"] input[type="checkbox"]`)).toBeDisabled();
    await eventually(page().getByRole('link', { name: 'New rule' })).toHaveCount(0);
    await page().getByRole('link', { name: 'Silences', exact: true }).click();
    await eventually(page().getByText('You can view silences; making and ending them takes the operator role.')).toBeVisible();
    await eventually(page().locator('form.silence-form')).toHaveCount(0);
    expect((await hub.get<AlertView>(`/api/alerts/${alert.id}`)).body.state).toBe('firing');
  });

  it('logs out: the login comes back, and a reload does not sign anyone in again', async () => {
    await page().getByRole('button', { name: 'Log out' }).click();
    await eventually(page().getByText('You have signed out.')).toBeVisible();
    await page().reload();
    await eventually(form()).toBeVisible();
    const status = await page().evaluate("fetch('/api/auth/me').then((response) => response.status)");
    expect(status).toBe(401);
  });

  it('lets the first admin add an operator, issue an API key shown once, and read the audit log', async () => {
    await browser.open('/admin');
    await browser.signIn('admin', ADMIN_PASSWORD);
    await eventually(page().locator('#page-title')).toHaveText('Operators');
    const create = page().locator('form.operator-form');
    await create.locator('input[name="username"]').fill('ash.ops');
    await create.locator('input[name="password"]').fill('short');
    await create.getByLabel('Role').selectOption('operator');
    await create.locator('input[name="towns"]').fill('Ashford');
    await create.getByRole('button', { name: 'Create operator' }).click();
    await eventually(create.locator('[data-field-error="password"]')).toHaveText('must be at least 12 characters long (a passphrase of a few words is easiest), got 5');
    await create.locator('input[name="password"]').fill('ashford town office');
    await create.getByRole('button', { name: 'Create operator' }).click();
    await eventually(create.locator('.action-status')).toContainText('ash.ops can now sign in (operator, sees Ashford)');
    await eventually(page().locator('tr[data-operator="ash.ops"]')).toContainText('Ashford');
    await browser.screenshot('admin-operators');

    await page().getByRole('link', { name: 'API keys', exact: true }).click();
    const keyForm = page().locator('form.api-key-form');
    await keyForm.locator('input[name="name"]').fill('water-scada');
    await keyForm.locator('input[name="domain-water"]').check();
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const shown = keyForm.locator('.new-key-value');
    await eventually(shown).toHaveValue(/^cshub_[A-Za-z0-9_-]{43}$/);
    const key = await shown.inputValue();
    const row = page().locator('tr[data-api-key="water-scada"]');
    await eventually(row).toContainText(`${key.slice(0, 12)}…`);
    const viaKey = await fetch(`${hub.httpUrl}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await viaKey.json()).toMatchObject({ kind: 'api-key', name: 'key:water-scada', role: 'viewer', domains: ['water'] });
    await browser.screenshot('admin-api-keys');
    // Shown once: after a reload only its prefix is left.
    await page().reload();
    await eventually(row).toContainText(`${key.slice(0, 12)}…`);
    await eventually(page().locator('.new-key-value')).toHaveCount(0);
    expect(await page().locator('main').innerText()).not.toContain(key.slice(12));

    await page().getByRole('link', { name: 'Audit log', exact: true }).click();
    const entries = page().locator('.audit-table tbody tr');
    await eventually(entries.first()).toHaveAttribute('data-audit-action', 'api-key.create');
    await eventually(entries.first().locator('[data-field="actor"]')).toHaveText('admin');
    await page().locator('.audit-filters input[name="action"]').fill('operator.create');
    await page().locator('.audit-filters input[name="action"]').press('Enter');
    await eventually(entries).toHaveCount(3);
    await eventually(page().locator('.audit-table')).toContainText('operator ash.ops');
    await browser.screenshot('admin-audit');
  });

  it('sends a console whose operator is disabled back to the login, saying the session ended', async () => {
    await page().getByRole('link', { name: 'Operators', exact: true }).click();
    await page().locator('tr[data-operator="vic.viewer"]').getByRole('button', { name: 'Disable' }).click();
    await eventually(page().locator('tr[data-operator="vic.viewer"]')).toContainText('disabled');
    // The admin disables themselves nowhere: their own row has no Disable button.
    await eventually(page().locator('tr[data-operator="admin"]').getByRole('button', { name: 'Disable' })).toHaveCount(0);
    // Another admin signs the admin's console out from elsewhere (a password reset ends their sessions).
    expect((await hub.request('POST', '/api/operators', { username: 'deputy', password: 'second county admin', role: 'admin' })).status).toBe(201);
    expect((await hub.request('PATCH', '/api/operators/admin', { password: 'reset by the deputy now' })).status).toBe(200);
    await eventually(page().getByText('Your session has ended. Sign in again to carry on where you were.')).toBeVisible({ timeout: 15_000 });
    await eventuallyPage(page()).toHaveURL(/\/admin\/operators$/);
    expect(browser.errors.filter((message) => !/status of (400|401)/.test(message))).toEqual([]);
  });
});
