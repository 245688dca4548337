import type { NetworkServerView } from '@hub/api-types';
import { connectAsync } from 'mqtt';
import { chirpStackUpEvent, chirpStackUpTopic, testDevEui } from '../harness/chirpstack-events';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { MosquittoProcess } from '../harness/mosquitto-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import type { Locator } from 'playwright-core';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const PASSWORD = 'ns-console-password-never-shown';
const WRONG_PASSWORD = 'ns-console-wrong-password';
const APPLICATION = '17c82e96-be03-4f38-aef3-f83d48582d97';

/**
 * Admin → Network servers in Debian's Chromium against the real service and a real mosquitto (with users) as the
 * ChirpStack broker: a field error from the hub next to its field, a connection made through the form that connects,
 * a wrong password that shows as the broker's refusal, the password never shown back, and a delete that removes it.
 */
describe('operator console: network servers (real browser, service, mosquitto)', () => {
  let influxd: InfluxdProcess;
  let mosquitto: MosquittoProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    mosquitto = await MosquittoProcess.start({ users: { 'county-hub': PASSWORD, chirpstack: 'chirpstack-publishes' } });
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_network_servers', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createOperator(hub, { username: 'ns.admin', password: 'brokers and sessions 42', role: 'admin' });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/admin/network-servers');
    await browser.signIn('ns.admin', 'brokers and sessions 42');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await mosquitto?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const editor = () => page().locator('section.network-server-editor');
  const row = () => page().locator('tr[data-network-server="north"]');
  const cell = (name: string): Locator => row().locator(`[data-cell="${name}"]`);
  const stored = async () => hub.get<NetworkServerView>('/api/network-servers/north');
  /** Everything the page shows and holds, input values included: the password must be in none of it. */
  const pageHolds = async (text: string): Promise<boolean> => {
    const shown = await page().locator('body').innerText();
    const html = await page().content();
    const values = await page().locator('input, textarea').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
    return [shown, html, ...values].some((part) => part.includes(text));
  };

  it('shows the hub’s problem with a URL next to the URL field, and the TLS fields only for mqtts://', async () => {
    await page().getByRole('button', { name: 'New connection…' }).click();
    const form = editor().getByRole('form', { name: 'New network server' });
    await form.locator('input[name="name"]').fill('north');
    await form.locator('input[name="url"]').fill('mqtts://broker.example:8883');
    await eventually(form.locator('textarea[name="ca"]')).toHaveCount(1);
    await eventually(form.locator('input[name="rejectUnauthorized"]')).toHaveCount(1);
    await form.locator('input[name="url"]').fill('http://x');
    await eventually(form.locator('textarea[name="ca"]')).toHaveCount(0);
    await eventually(form.locator('input[name="rejectUnauthorized"]')).toHaveCount(0);
    await form.getByRole('button', { name: 'Create connection' }).click();

    // The same body sent to the API directly: the form shows exactly the hub's problem, under the URL field.
    const refused = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/network-servers', {
      name: 'north',
      kind: 'chirpstack-v4',
      url: 'http://x',
      username: null,
      applicationIds: [],
      enabled: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'url', problem: 'must start mqtt:// or mqtts://, not http://' }]);
    await eventually(form.locator('[data-field-error="url"]')).toHaveText('must start mqtt:// or mqtts://, not http://');
    await eventually(form.locator('input[name="url"]')).toHaveAttribute('aria-invalid', 'true');
    await eventually(form.locator('[data-field-error]')).toHaveCount(1);
    expect((await hub.get<NetworkServerView[]>('/api/network-servers')).body).toEqual([]);
  });

  it('creates a connection to the broker through the form and shows it connected, the password never shown back', async () => {
    const form = editor().getByRole('form', { name: 'New network server' });
    await form.locator('input[name="url"]').fill(mosquitto.url);
    await form.locator('input[name="username"]').fill('county-hub');
    await form.locator('input[name="password"]').fill(PASSWORD);
    await form.locator('textarea[name="applicationIds"]').fill(`${APPLICATION}\n`);
    await form.getByRole('button', { name: 'Create connection' }).click();

    await eventually(editor()).toHaveAttribute('data-editing', 'north');
    await eventually(cell('state').locator('.pill')).toHaveText('connected', { timeout: 15_000 });
    await eventually(cell('since')).toHaveText(/^since \d{1,2}:\d{2}/);
    await eventually(cell('last-error')).toHaveText('—');
    expect(await cell('subscriptions').innerText()).toBe(`application/${APPLICATION}/device/+/event/+`);

    const saved = await stored();
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      name: 'north',
      kind: 'chirpstack-v4',
      url: mosquitto.url,
      username: 'county-hub',
      passwordSet: true,
      tls: { ca: null, rejectUnauthorized: true },
      applicationIds: [APPLICATION],
      clientId: 'county-hub-north',
      enabled: true,
      createdBy: 'ns.admin',
      status: { state: 'connected', connected: true, lastError: null },
    });
    expect(JSON.stringify(saved.body)).not.toContain(PASSWORD);
    expect(JSON.stringify((await hub.get('/api/network-servers')).body)).not.toContain(PASSWORD);

    // The saved connection's form: the password field is empty, and says that one is set.
    const edit = editor().getByRole('form', { name: 'Network server north' });
    await eventually(edit.locator('input[name="password"]')).toHaveValue('');
    await eventually(edit.locator('[data-password-set]')).toHaveText('A password is set; it is never shown. Leave this empty to keep it.');
    expect(await pageHolds(PASSWORD)).toBe(false);
  });

  it('counts what the broker delivers: an unknown DevEUI’s event is received and acknowledged', async () => {
    const chirpstack = await connectAsync(mosquitto.url, { clientId: 'chirpstack-test', username: 'chirpstack', password: 'chirpstack-publishes', reconnectPeriod: 0 });
    try {
      const devEui = testDevEui(1);
      await chirpstack.publishAsync(chirpStackUpTopic(APPLICATION, devEui), chirpStackUpEvent({ applicationId: APPLICATION, devEui, fCnt: 1, bytes: new Uint8Array([1, 2, 3]) }), { qos: 1 });
    } finally {
      await chirpstack.endAsync();
    }
    await eventually(cell('received')).toHaveText('1');
    await eventually(cell('acknowledged')).toHaveText('1');
    await eventually(cell('refused')).toHaveText('0');
    await eventually(cell('in-flight')).toHaveText('0');
    expect((await stored()).body.status.counters).toEqual({ received: 1, acknowledged: 1, refusedUnacknowledged: 0 });
  });

  it('shows a wrong password as the broker’s refusal in the last error, and connects again with the right one', async () => {
    const edit = editor().getByRole('form', { name: 'Network server north' });
    await edit.locator('input[name="password"]').fill(WRONG_PASSWORD);
    await edit.getByRole('button', { name: 'Save changes' }).click();

    const failing = await waitFor(stored, (answer) => answer.body.status.lastError?.message.startsWith('connecting:') === true, 15_000, 'a refused login');
    expect(failing.body.status.lastError!.message).toBe('connecting: Connection refused: Not authorized');
    expect(failing.body.status.connected).toBe(false);
    await eventually(cell('error-message')).toHaveText('connecting: Connection refused: Not authorized', { timeout: 15_000 });
    await eventually(cell('state').locator('.pill')).toHaveText(/^(connecting|waiting to reconnect)$/);
    expect(JSON.stringify(failing.body)).not.toContain(WRONG_PASSWORD);
    expect(await pageHolds(WRONG_PASSWORD)).toBe(false);

    // A field left empty keeps the stored password; typing the right one back connects at once.
    const again = editor().getByRole('form', { name: 'Network server north' });
    await eventually(again.locator('input[name="password"]')).toHaveValue('');
    await again.locator('input[name="password"]').fill(PASSWORD);
    await again.getByRole('button', { name: 'Save changes' }).click();
    await eventually(cell('state').locator('.pill')).toHaveText('connected', { timeout: 15_000 });
    expect((await stored()).body.status).toMatchObject({ state: 'connected', connected: true });
    expect(await pageHolds(PASSWORD)).toBe(false);
    await browser.screenshot('network-servers-admin');
  });

  it('deletes the connection after asking, and the hub forgets it', async () => {
    await row().getByRole('button', { name: 'Delete north' }).click();
    await eventually(row().locator('.confirm')).toHaveText('Delete north? The hub unsubscribes, and the broker keeps nothing more for it. Delete Keep');
    await row().getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(row()).toHaveCount(0);
    await eventually(editor()).toHaveCount(0);
    await eventually(page().locator('.state-empty .state-title')).toHaveText('No network servers yet');
    expect((await stored()).status).toBe(404);
    expect((await hub.get<NetworkServerView[]>('/api/network-servers')).body).toEqual([]);
    // The refused requests (the 400) are logged by Chromium as console errors; nothing else went wrong.
    expect(browser.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });
});
