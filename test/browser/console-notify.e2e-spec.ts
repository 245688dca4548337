import type { ContactPointView, NotificationPolicyTree } from '@hub/api-types';
import type { Locator, Request } from 'playwright-core';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { RobotReceiver, verifyHubWebhook } from '../harness/robot-receiver';
import { SmtpSinkProcess } from '../harness/smtp-sink-process';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const CREDENTIALS = {
  dingtalk: { accessToken: 'ding-token-unused', secret: 'SECding-unused' },
  feishu: { hookToken: 'feishu-hook-unused', secret: 'feishu-secret-unused' },
  wecom: { key: 'wecom-key-never-shown' },
  webhook: { secret: 'webhook-secret-never-shown' },
};
const WRONG_SECRET = 'a-secret-the-receiver-does-not-know';
const ADMIN = { username: 'notify.admin', password: 'routes and robots 42' };
const TOWN_ADMIN = { username: 'ashford.admin', password: 'one town only 42' };
const LEVEL_ORDER_PROBLEM = "must be later than level 1's (900000 ms): each level counts from when the alert fired";

/**
 * Admin → Contact points and Notification policy in Debian's Chromium against the real service, with a local
 * receiver that checks the hub's webhook signature as docs/alerts.md tells receivers to: a contact point made in the
 * form gets a test message through, a blank secret on edit keeps the stored one (the next message still verifies),
 * no secret ever reaches the page, the structured policy editor saves exactly the tree built, a bad tree shows the
 * hub's problem at its input, and a town's admin is not offered either page.
 */
describe('operator console: contact points and notification policy (real browser, service, receiver)', () => {
  let influxd: InfluxdProcess;
  let robots: RobotReceiver;
  let smtp: SmtpSinkProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    [influxd, robots, smtp] = await Promise.all([InfluxdProcess.start(), RobotReceiver.start(CREDENTIALS), SmtpSinkProcess.start()]);
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_notify', HUB_ALERT_DEFAULT_RULES: 'off', HUB_CONTACT_POINT_TIMEOUT: '3s' });
    await createOperator(hub, { ...ADMIN, role: 'admin' });
    await createOperator(hub, { ...TOWN_ADMIN, role: 'admin', towns: ['Ashford'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/admin/contact-points');
    await browser.signIn(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await robots?.close();
    await smtp?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const webhookUrl = () => `${robots.url}/webhook`;
  const editor = () => page().locator('section.contact-point-editor');
  const row = (name: string): Locator => page().locator(`tr[data-contact-point="${name}"]`);
  /** Everything the page shows and holds, input values included. */
  const pageHolds = async (text: string): Promise<boolean> => {
    const shown = await page().locator('body').innerText();
    const html = await page().content();
    const values = await page().locator('input, textarea').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
    return [shown, html, ...values].some((part) => part.includes(text));
  };
  /** The body of the next request the console sends with this method to this path. */
  const nextRequestBody = (method: string, path: string): Promise<unknown> =>
    page()
      .waitForRequest((request: Request) => request.method() === method && new URL(request.url()).pathname === path, { timeout: 10_000 })
      .then((request) => request.postDataJSON() as unknown);

  it('shows the hub’s problem with a URL under the URL field, and creates nothing', async () => {
    await eventually(page().locator('.state-empty .state-title')).toHaveText('No contact points yet');
    await page().getByRole('button', { name: 'New contact point…' }).click();
    const form = editor().getByRole('form', { name: 'New contact point' });
    await form.locator('input[name="name"]').fill('duty-webhook');
    await form.locator('input[name="url"]').fill('ftp://files.county.example/drop');
    await form.getByRole('button', { name: 'Create contact point' }).click();

    const refused = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/contact-points', {
      name: 'duty-webhook',
      kind: 'webhook',
      settings: { url: 'ftp://files.county.example/drop' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'settings.url', problem: 'must start http:// or https://, not ftp://' }]);
    await eventually(form.locator('[data-field-error="url"]')).toHaveText('must start http:// or https://, not ftp://');
    await eventually(form.locator('input[name="url"]')).toHaveAttribute('aria-invalid', 'true');
    await eventually(form.locator('[data-field-error]')).toHaveCount(1);
    expect((await hub.get<ContactPointView[]>('/api/contact-points')).body).toEqual([]);
  });

  it('creates a signed webhook through the form; a test message reaches the receiver once, signed, and the page says it was sent', async () => {
    const form = editor().getByRole('form', { name: 'New contact point' });
    await form.locator('input[name="url"]').fill(webhookUrl());
    await form.locator('input[name="secret"]').fill(CREDENTIALS.webhook.secret);
    await form.locator('select[name="language"]').selectOption('zh');
    const posted = nextRequestBody('POST', '/api/contact-points');
    await form.getByRole('button', { name: 'Create contact point' }).click();
    expect(await posted).toEqual({ name: 'duty-webhook', kind: 'webhook', language: 'zh', settings: { url: webhookUrl(), secret: CREDENTIALS.webhook.secret } });

    await eventually(editor()).toHaveAttribute('data-editing', 'duty-webhook');
    await eventually(row('duty-webhook').locator('[data-cell="kind"]')).toHaveText('Webhook');
    await eventually(row('duty-webhook').locator('[data-cell="sends-to"]')).toHaveText(webhookUrl());
    expect(robots.received).toHaveLength(0);

    await row('duty-webhook').getByRole('button', { name: 'Send test message to duty-webhook' }).click();
    await eventually(row('duty-webhook').locator('[data-cell="test-result"]')).toHaveText('Test message sent (status 204)');
    expect(robots.received).toHaveLength(1);
    const [request] = robots.received;
    expect(request).toMatchObject({ platform: 'webhook', method: 'POST', path: '/webhook', signatureOk: true });
    expect(verifyHubWebhook(request.headers, request.rawBody, CREDENTIALS.webhook.secret)).toBe(true);
    // Written in the language chosen in the form.
    expect(JSON.parse(request.rawBody)).toMatchObject({ contactPoint: 'duty-webhook', test: true, subject: '【测试】【严重】测试消息告警触发：test-device（Ashford）' });

    const listed = await hub.get<ContactPointView[]>('/api/contact-points');
    expect(listed.body.map((point) => [point.name, point.secrets])).toEqual([['duty-webhook', { secret: true }]]);
    expect(JSON.stringify(listed.body)).not.toContain(CREDENTIALS.webhook.secret);
    expect(await pageHolds(CREDENTIALS.webhook.secret)).toBe(false);
  });

  it('edits the URL leaving the secret blank: the PATCH leaves the secret out, and the next test message is still signed with it', async () => {
    const form = editor().getByRole('form', { name: 'Contact point duty-webhook' });
    await eventually(form.locator('input[name="secret"]')).toHaveValue('');
    await eventually(form.locator('[data-secret-hint="secret"]')).toHaveText('Set; never shown. Leave blank to keep the current value.');
    await form.locator('input[name="url"]').fill(`${webhookUrl()}?edited=1`);
    const patched = nextRequestBody('PATCH', '/api/contact-points/duty-webhook');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await patched).toEqual({ settings: { url: `${webhookUrl()}?edited=1` } });
    await eventually(row('duty-webhook').locator('[data-cell="sends-to"]')).toHaveText(`${webhookUrl()}?edited=1`);

    await row('duty-webhook').getByRole('button', { name: 'Send test message to duty-webhook' }).click();
    await waitFor(async () => robots.received.length, (count) => count >= 2, 10_000, 'the second test message');
    expect(robots.received).toHaveLength(2);
    const second = robots.received[1];
    expect(second).toMatchObject({ platform: 'webhook', path: '/webhook', signatureOk: true });
    expect(second.query.get('edited')).toBe('1');
    expect(verifyHubWebhook(second.headers, second.rawBody, CREDENTIALS.webhook.secret)).toBe(true);
    await eventually(row('duty-webhook').locator('[data-cell="test-result"]')).toHaveText('Test message sent (status 204)');
    expect(await pageHolds(CREDENTIALS.webhook.secret)).toBe(false);
  });

  it('lists both test messages in the contact point’s deliveries, newest first', async () => {
    await row('duty-webhook').getByRole('button', { name: 'Deliveries of duty-webhook' }).click();
    const deliveries = page().locator('[data-deliveries="duty-webhook"] tbody tr');
    await eventually(deliveries).toHaveCount(2);
    for (const index of [0, 1]) {
      await eventually(deliveries.nth(index).locator('[data-cell="what"]')).toHaveText('test message');
      await eventually(deliveries.nth(index).locator('[data-cell="outcome"]')).toHaveText('sent (status 204)');
    }
    const logged = await hub.get<Array<{ ok: boolean; status: number; alertId: number | null }>>('/api/contact-points/duty-webhook/deliveries');
    expect(logged.body.map(({ ok, status, alertId }) => ({ ok, status, alertId }))).toEqual([
      { ok: true, status: 204, alertId: null },
      { ok: true, status: 204, alertId: null },
    ]);
    await browser.screenshot('contact-points-admin');
  });

  it('shows a refusal with the receiver’s own answer, not retryable', async () => {
    const created = await hub.request('POST', '/api/contact-points', { name: 'head-webhook', kind: 'webhook', settings: { url: webhookUrl(), secret: WRONG_SECRET } });
    expect(created.status).toBe(201);
    await page().reload();
    await row('head-webhook').getByRole('button', { name: 'Send test message to head-webhook' }).click();
    await eventually(row('head-webhook').locator('[data-cell="test-result"]')).toHaveText('Test message refused (status 401), not retryable: {"error":"bad signature"}');
    expect(robots.received).toHaveLength(3);
    expect(robots.received[2].signatureOk).toBe(false);
  });

  it('summarises a robot by its endpoint, never its key, and deletes it after naming what goes', async () => {
    const created = await hub.request('POST', '/api/contact-points', { name: 'old-robot', kind: 'wecom', settings: { url: `${robots.url}/wecom/cgi-bin/webhook/send?key=${CREDENTIALS.wecom.key}` } });
    expect(created.status).toBe(201);
    await page().reload();
    await eventually(row('old-robot').locator('[data-cell="sends-to"]')).toHaveText(`WeCom robot at ${robots.url}`);
    expect(await pageHolds(CREDENTIALS.wecom.key)).toBe(false);

    await row('old-robot').getByRole('button', { name: 'Delete old-robot' }).click();
    await eventually(row('old-robot').locator('.confirm')).toHaveText('Delete old-robot? Its delivery log goes with it. Delete Keep');
    await row('old-robot').getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(row('old-robot')).toHaveCount(0);
    expect((await hub.get('/api/contact-points/old-robot')).status).toBe(404);
    expect((await hub.get<ContactPointView[]>('/api/contact-points')).body.map((point) => point.name)).toEqual(['duty-webhook', 'head-webhook']);
  });

  it('creates an email contact point through its form, a bad recipient shown by its line, and a test message reaches the SMTP server', async () => {
    await page().getByRole('button', { name: 'New contact point…' }).click();
    const form = editor().getByRole('form', { name: 'New contact point' });
    await form.locator('input[name="name"]').fill('county-duty-mail');
    await form.locator('select[name="kind"]').selectOption('email');
    await form.locator('input[name="host"]').fill('127.0.0.1');
    await form.locator('input[name="port"]').fill(String(smtp.port));
    await form.locator('select[name="security"]').selectOption('none');
    await form.locator('input[name="from"]').fill('hub@county.example');
    await form.locator('textarea[name="to"]').fill('duty@county.example\nthe head of department');
    await form.getByRole('button', { name: 'Create contact point' }).click();

    const refused = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/contact-points', {
      name: 'county-duty-mail',
      kind: 'email',
      settings: { host: '127.0.0.1', port: smtp.port, security: 'none', username: null, ca: null, from: 'hub@county.example', to: ['duty@county.example', 'the head of department'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toHaveLength(1);
    expect(refused.body.issues[0].field).toBe('settings.to[1]');
    await eventually(form.locator('[data-field-error="to"]')).toHaveText(`line 2: ${refused.body.issues[0].problem}`);

    await form.locator('textarea[name="to"]').fill('duty@county.example\nhead@county.example');
    await form.getByRole('button', { name: 'Create contact point' }).click();
    await eventually(row('county-duty-mail').locator('[data-cell="sends-to"]')).toHaveText(`duty@county.example, head@county.example via 127.0.0.1:${smtp.port}`);
    await row('county-duty-mail').getByRole('button', { name: 'Send test message to county-duty-mail' }).click();
    await eventually(row('county-duty-mail').locator('[data-cell="test-result"]')).toHaveText(/^Test message sent \(status 250\)/);
    const mails = await waitFor(() => smtp.messages(), (messages) => messages.length >= 1, 10_000, 'the test email');
    expect(mails).toHaveLength(1);
    expect(mails[0].rcptTos).toEqual(['duty@county.example', 'head@county.example']);
    await page().getByRole('button', { name: 'Close' }).click();
  });

  it('builds a named route “gas critical → duty-webhook, after 15 min unacknowledged → head-webhook”, operators’ own email through the mail contact point, and the hub keeps exactly that tree', async () => {
    await page().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Notification policy' }).click();
    const tree = page().locator('[data-policy-tree]');
    await eventually(tree.locator('[data-route="default"] [data-cell="sends"]')).toHaveText('→ nobody');
    await eventually(tree).toContainText('No child routes');

    await page().getByRole('button', { name: 'Edit policy…' }).click();
    const form = page().getByRole('form', { name: 'Notification policy' });
    await form.getByRole('button', { name: 'Add route' }).click();
    await form.locator('select[name="personalDelivery-email"]').selectOption('county-duty-mail');
    const route = form.locator('[data-route-editor="1"]');
    await route.getByLabel('Name (optional: operators subscribe to it)').fill('gas-critical');
    await route.locator('[data-field="domains"]').getByRole('checkbox', { name: 'gas' }).check();
    await route.locator('[data-field="severities"]').getByRole('checkbox', { name: 'critical' }).check();
    await route.getByRole('checkbox', { name: 'Same contact points as the parent route' }).uncheck();
    await route.locator('[data-field="contactPoints"]').getByRole('checkbox', { name: 'duty-webhook' }).check();
    await route.getByRole('checkbox', { name: 'Same escalation as the parent route' }).uncheck();
    await route.getByRole('button', { name: 'Add escalation level' }).click();
    const level = route.locator('[data-level="1"]');
    await level.getByLabel('After (minutes unacknowledged)').fill('15');
    await level.getByRole('checkbox', { name: 'head-webhook' }).check();
    const put = nextRequestBody('PUT', '/api/notification-policies');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await put;

    await eventually(page().locator('.card [role="status"]').filter({ hasText: 'Saved' })).toHaveText('Saved: the policy below is in force.');
    const stored = await hub.get<NotificationPolicyTree>('/api/notification-policies');
    expect(stored.body).toEqual({
      contactPoints: [],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      quietHours: null,
      escalation: [],
      personalDelivery: { email: 'county-duty-mail', sms: null },
      routes: [
        {
          name: 'gas-critical',
          matchers: { domains: ['gas'], severities: ['critical'] },
          contactPoints: ['duty-webhook'],
          escalation: [{ afterMs: 900_000, contactPoints: ['head-webhook'] }],
          routes: [],
        },
      ],
    });
    await eventually(tree.locator('[data-route="1"] [data-cell="name"]')).toHaveText('gas-critical');
    await eventually(tree.locator('[data-route="1"] [data-cell="matches"]')).toHaveText('domain gas, severity critical');
    await eventually(tree.locator('[data-cell="personal-delivery"]')).toHaveText('Operators’ own email: through county-duty-mail; own SMS: not offered');
    await eventually(tree.locator('[data-route="1"] [data-cell="sends"]')).toHaveText('→ duty-webhook');
    await eventually(tree.locator('[data-route="1"] [data-cell="escalation"]')).toHaveText('after 15 min unacknowledged → head-webhook');
  });

  it('shows the hub’s problem with a bad tree at its input and names the route in words; the tree in force stays', async () => {
    const before = (await hub.get<NotificationPolicyTree>('/api/notification-policies')).body;
    await page().getByRole('button', { name: 'Edit policy…' }).click();
    const form = page().getByRole('form', { name: 'Notification policy' });
    const route = form.locator('[data-route-editor="1"]');
    await eventually(route.locator('[data-level="1"]').getByLabel('After (minutes unacknowledged)')).toHaveValue('15');
    await route.getByRole('button', { name: 'Add escalation level' }).click();
    const second = route.locator('[data-level="2"]');
    await second.getByLabel('After (minutes unacknowledged)').fill('10');
    await second.getByRole('checkbox', { name: 'duty-webhook' }).check();
    await form.getByRole('button', { name: 'Save policy' }).click();

    const refused = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('PUT', '/api/notification-policies', {
      ...before,
      routes: [{ ...before.routes[0], escalation: [...(before.routes[0].escalation ?? []), { afterMs: 600_000, contactPoints: ['duty-webhook'] }] }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'routes[0].escalation[1].afterMs', problem: LEVEL_ORDER_PROBLEM }]);
    await eventually(second.locator('[data-field-error="after"]')).toHaveText(LEVEL_ORDER_PROBLEM);
    await eventually(second.getByLabel('After (minutes unacknowledged)')).toHaveAttribute('aria-invalid', 'true');
    await eventually(form.locator('[data-problem-path]')).toHaveText(`Route 1 “gas-critical” (gas, critical) › escalation level 2 › after: ${LEVEL_ORDER_PROBLEM}`);
    await eventually(form.locator('.field-error')).toHaveCount(1);
    expect((await hub.get<NotificationPolicyTree>('/api/notification-policies')).body).toEqual(before);
    await browser.screenshot('notification-policy-editor');
    await page().getByRole('button', { name: 'Cancel' }).click();
    // The refused PUTs are logged by Chromium as console errors; nothing else went wrong.
    expect(browser.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });

  it('warns, before a contact point the policy names is deleted, where it is named; Keep deletes nothing', async () => {
    await page().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Contact points' }).click();
    await row('head-webhook').getByRole('button', { name: 'Delete head-webhook' }).click();
    await eventually(row('head-webhook').locator('.confirm')).toHaveText(
      'Delete head-webhook? Its delivery log goes with it. The notification policy still names it (Route 1 escalation level 1): the policy will not save again until that is changed. Delete Keep',
    );
    // From the keyboard: focus is on Keep, the safe answer, and Enter takes it.
    await eventually(row('head-webhook').getByRole('button', { name: 'Keep' })).toBeFocused();
    await page().keyboard.press('Enter');
    await eventually(row('head-webhook').getByRole('button', { name: 'Delete head-webhook' })).toHaveCount(1);
    expect((await hub.get('/api/contact-points/head-webhook')).status).toBe(200);
  });

  it('offers neither page to an admin of one town, and the hub refuses them', async () => {
    await page().getByRole('button', { name: 'Log out' }).click();
    await browser.signIn(TOWN_ADMIN.username, TOWN_ADMIN.password);
    await browser.open('/admin/contact-points');
    const tabs = page().getByRole('navigation', { name: 'Admin' });
    await eventually(tabs.getByRole('link', { name: 'Operators' })).toHaveCount(1);
    await eventually(tabs.getByRole('link', { name: 'Contact points' })).toHaveCount(0);
    await eventually(tabs.getByRole('link', { name: 'Notification policy' })).toHaveCount(0);
    await eventually(page().locator('.state-empty .state-title')).toHaveText('County-wide admins only');
    await browser.open('/admin/notification-policies');
    await eventually(page().locator('.state-empty .state-title')).toHaveText('County-wide admins only');
    expect(await pageHolds('duty-webhook')).toBe(false);

    const session = await login(hub, TOWN_ADMIN.username, TOWN_ADMIN.password);
    expect((await send(hub, 'GET', '/api/contact-points', session.headers)).status).toBe(403);
    expect((await send(hub, 'PUT', '/api/notification-policies', session.headers, { contactPoints: [] })).status).toBe(403);
  });
});
