import type { PersonalNotificationsView } from '@hub/api-types';
import { call } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

/**
 * Account → Your alert notifications in Debian's Chromium against the real service: an Ashford operator sets their
 * email, follows a named route by email, sees the hub's problem with a phone number at its field, and cannot tick a
 * route outside their scope or a channel the county does not offer.
 */
describe('operator console: an operator’s own alert notifications (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_personal_notifications', HUB_ALERT_DEFAULT_RULES: 'off' });
    const smtp = { host: '127.0.0.1', port: 2525, security: 'none', from: 'hub@county.example', to: ['postmaster@county.example'] };
    expect((await call(hub, 'POST', '/api/contact-points', { name: 'county-smtp', kind: 'email', settings: smtp })).status).toBe(201);
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      personalDelivery: { email: 'county-smtp' },
      routes: [
        { name: 'gas', matchers: { domains: ['gas'] } },
        { name: 'brookfield-water', matchers: { domains: ['water'], towns: ['Brookfield'] } },
      ],
    });
    expect(tree.status).toBe(200);
    await createOperator(hub, { username: 'li.wei', password: 'ashford gas shift operator', role: 'operator', towns: ['Ashford'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/account');
    await browser.signIn('li.wei', 'ashford gas shift operator');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const form = () => page().getByRole('form', { name: 'Your alert notifications' });

  it('follows a route by email, shows the hub’s problem at its field, and offers only what the operator can have', async () => {
    const gasEmail = form().getByRole('checkbox', { name: 'Email for gas' });
    await eventually(gasEmail).toHaveCount(1);
    // SMS is not offered by the county; Brookfield's water is outside an Ashford operator's scope.
    await eventually(form().getByRole('checkbox', { name: 'SMS for gas' })).toBeDisabled();
    await eventually(form().getByRole('checkbox', { name: 'Email for brookfield-water' })).toBeDisabled();
    await eventually(form().locator('tr[data-route="brookfield-water"]')).toContainText('water; Brookfield — outside what you see');

    await gasEmail.check();
    await form().locator('input[name="phone"]').fill('12');
    await form().getByRole('button', { name: 'Save notifications' }).click();
    await eventually(form().locator('[data-field-error="phone"]')).toHaveText('must match a phone number of 5–20 digits, optionally starting with +');
    await eventually(form().locator('tr[data-route="gas"] .field-error')).toHaveText('needs your email address (email is empty)');

    await form().locator('input[name="phone"]').fill('');
    await form().locator('input[name="email"]').fill('li.wei@county.example');
    await form().getByRole('button', { name: 'Save notifications' }).click();
    await eventually(form().getByRole('status')).toHaveText('Saved. You follow gas.');
    const session = await login(hub, 'li.wei', 'ashford gas shift operator');
    const saved = await send<PersonalNotificationsView>(hub, 'GET', '/api/me/notifications', session.headers);
    expect([saved.body.email, saved.body.phone, saved.body.subscriptions]).toEqual(['li.wei@county.example', null, [{ route: 'gas', channels: ['email'] }]]);

    // After a reload the page shows what is stored.
    await browser.open('/account');
    await eventually(form().locator('input[name="email"]')).toHaveValue('li.wei@county.example');
    expect(await form().getByRole('checkbox', { name: 'Email for gas' }).isChecked()).toBe(true);
  });
});
