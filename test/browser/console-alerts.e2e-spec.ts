import { DeviceSimulator, runSimulation } from '@hub/devices-sim';
import type { AlertView } from '@hub/alerts';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually, eventuallyPage } from './web-assertions';

/**
 * The operator's alert workflow in Debian's Chromium against the real service and influxd: a gas sensor (the
 * simulator) spikes → the alert appears in the inbox without a reload, with a count in the tab title → the operator
 * acknowledges it with a note → it shows acknowledged, also after a reload → the readings return to normal → it
 * resolves, again without a reload. Then rules (a refused edit shown at its field) and silences.
 */
const RULE = {
  id: 'e2e-methane-alarm',
  name: 'Methane at or above 20 %LEL',
  description: 'Explosive atmosphere building up: isolate and ventilate.',
  severity: 'critical',
  selector: { domain: 'gas', metric: 'methane_pct_lel' },
  evaluateEvery: '1s',
  condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '0s' },
};
const NOTE = 'Crew dispatched to valve 7; area cordoned off.';
/** The gas desk's operator, and the county admin who edits rules: both sign in through the console. */
const OPERATOR = 'dana.ortiz';
const OPERATOR_PASSWORD = 'gas desk night shift';
const ADMIN = 'chief';
const ADMIN_PASSWORD = 'county command room';
const TITLE = 'Alerts · County Sensing Hub';

describe('operator console: alert inbox, rules and silences (real browser, service, influxd, simulator)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let spiking: DeviceSimulator | undefined;
  let alertId: number;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'console_alerts',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      // Only the rule under test: the default pack would raise its own alerts (silent detectors…) during the run.
      HUB_ALERT_DEFAULT_RULES: 'off',
    });
    const created = await send('POST', '/api/alert-rules', RULE);
    expect(created.status).toBe(201);
    // The sensor's last 50 minutes, normal, so the charts show what it looked like before the spike.
    const history = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'e2e-',
      count: 100,
      intervalMs: 30_000,
      publishIntervalMs: 5,
      startTs: Date.now() - 50 * 60_000,
      seed: 5,
    }));
    expect(history.acked).toBe(100);
    await createOperator(hub, { username: OPERATOR, password: OPERATOR_PASSWORD, role: 'operator', domains: ['gas'] });
    await createOperator(hub, { username: ADMIN, password: ADMIN_PASSWORD, role: 'admin' });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
  });

  afterAll(async () => {
    await spiking?.stop();
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const alertOf = async (id: number) => (await hub.get<AlertView>(`/api/alerts/${id}`)).body;
  async function send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${hub.httpUrl}${path}`, { method, headers: { 'Content-Type': 'application/json', ...hub.adminHeaders }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it('shows a gas spike’s alert without a reload, with the count in the tab title', async () => {
    await browser.open('/');
    await browser.signIn(OPERATOR, OPERATOR_PASSWORD);
    await eventually(page().getByText('No open alerts')).toBeVisible();
    await eventuallyPage(page()).toHaveTitle(TITLE);
    await eventually(page().locator('[data-live="live"]')).toBeVisible();
    await browser.markDocument();

    // One gas sensor, a reading every 500 ms; methane jumps to 35 %LEL from its 6th reading and stays there.
    spiking = new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'e2e-',
      intervalMs: 500,
      faults: [{ mode: 'spike', metric: 'methane_pct_lel', fromReading: 6, value: 35 }],
    }));
    await spiking.start();

    const items = page().locator('.alert-list .alert-item');
    await eventually(items).toHaveCount(1, { timeout: 20_000 });
    const item = items.first();
    await eventually(item).toHaveAttribute('data-state', 'firing');
    await eventually(item).toHaveAttribute('data-severity', 'critical');
    await eventually(item.locator('.alert-rule')).toHaveText('Methane at or above 20 %LEL');
    await eventually(item.locator('.alert-device')).toHaveText('e2e-gas-1');
    await eventually(item.locator('.alert-value')).toHaveText('Methane 35 %LEL');
    await eventuallyPage(page()).toHaveTitle(`(1) ${TITLE}`);
    await eventually(page().locator('[data-firing-count]')).toHaveText('1');
    expect(await browser.sameDocument()).toBe(true);
    alertId = Number(await item.getAttribute('data-alert-id'));
    const stored = await alertOf(alertId);
    expect([stored.state, stored.ruleId, stored.deviceId, stored.value, stored.peak]).toEqual(['firing', RULE.id, 'e2e-gas-1', 35, 35]);
    await browser.screenshot('inbox');
  });

  it('opens the alert from the keyboard with its value, peak, readings and history', async () => {
    await page().keyboard.press('j');
    await eventuallyPage(page()).toHaveURL(new RegExp(`/alerts/${alertId}$`));
    const detail = page().locator('.alert-detail');
    await eventually(detail.locator('#alert-title')).toHaveText('Methane at or above 20 %LEL — e2e-gas-1');
    await eventually(detail.locator('[data-field="value"]')).toContainText('35 %LEL');
    await eventually(detail.locator('[data-field="peak"]')).toHaveText('35 %LEL');
    await eventually(detail.locator('.history li')).toHaveCount(1);
    await eventually(detail.locator('.history li').first()).toContainText('Fired by the hub');
    // No notification policy routes it (the tree is the default, with no contact points): the section says so.
    await eventually(detail.locator('[data-empty="notifications"]')).toHaveText(
      'No notifications for this alert yet: no notification policy route matched it, it was silenced, or its group wait has not passed.',
    );
    // The readings behind it, with the rule's trigger drawn and the alert's period tinted.
    const chart = detail.locator('figure[data-metric="methane_pct_lel"] .chart');
    await eventually(chart).toHaveAttribute('data-thresholds', '20');
    await eventually(chart).toHaveAttribute('data-spans', '1');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await browser.sameDocument()).toBe(true);
    await browser.screenshot('alert-firing');
  });

  it('acknowledges with a note as the signed-in operator; it stays acknowledged after a reload', async () => {
    const detail = page().locator('.alert-detail');
    // Nobody types a name any more: the hub records who is signed in.
    await eventually(detail.getByLabel('Your name')).toHaveCount(0);
    await detail.getByLabel('Note').fill(NOTE);
    await detail.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually(detail.locator('.action-status')).toHaveText(`Acknowledged by ${OPERATOR}.`);
    await eventually(detail).toHaveAttribute('data-state', 'acknowledged');
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"]`)).toHaveAttribute('data-state', 'acknowledged');
    await eventually(detail.locator('[data-field="acknowledged"]')).toContainText(`by ${OPERATOR}`);
    await eventually(detail.locator('.history li[data-kind="acknowledged"]')).toContainText(`Acknowledged by ${OPERATOR}`);
    await eventually(detail.locator('.history li[data-kind="acknowledged"] .history-note')).toHaveText(NOTE);
    // Handled: nothing left firing, so the tab title and the nav count drop it.
    await eventuallyPage(page()).toHaveTitle(`Alerts · County Sensing Hub`);
    await eventually(page().locator('[data-firing-count]')).toHaveCount(0);
    const acknowledged = await alertOf(alertId);
    expect([acknowledged.state, acknowledged.acknowledgedBy, acknowledged.acknowledgeNote]).toEqual(['acknowledged', OPERATOR, NOTE]);
    await browser.screenshot('alert-acknowledged');

    await page().reload();
    await eventually(page().locator('.alert-detail')).toHaveAttribute('data-state', 'acknowledged');
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"] [data-alert-state]`)).toHaveText('Acknowledged');
    await eventually(page().locator('.alert-detail .history li[data-kind="acknowledged"] .history-note')).toHaveText(NOTE);
    // The session survives the reload (the cookie), so the operator is still signed in.
    await eventually(page().locator(`.signed-in[data-me="${OPERATOR}"]`)).toBeVisible();
    await browser.markDocument();
  });

  it('counts the open alert on the fleet and draws the rule’s trigger on the device chart', async () => {
    await page().getByRole('link', { name: 'Fleet', exact: true }).click();
    const row = page().locator('tr[data-device="e2e-gas-1"]');
    await eventually(row.locator('[data-open-alerts]')).toHaveAttribute('data-open-alerts', '1');
    await eventually(row.locator('.severity')).toHaveText('critical');
    await row.getByRole('link', { name: 'e2e-gas-1', exact: true }).click();
    await eventually(page().locator('figure[data-metric="methane_pct_lel"] .chart')).toHaveAttribute('data-thresholds', '20');
    await eventually(page().locator('.device-alerts li')).toHaveCount(1);
    await eventually(page().locator('.device-alerts li [data-alert-state]')).toHaveText('Acknowledged');
    await browser.screenshot('device-with-alert');
    await page().getByRole('link', { name: /^Alerts/ }).click();
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"]`)).toHaveAttribute('data-state', 'acknowledged');
    expect(await browser.sameDocument()).toBe(true);
  });

  it('resolves by itself once the readings are back to normal, without a reload', async () => {
    await page().locator(`.alert-item[data-alert-id="${alertId}"] a`).click();
    await eventually(page().locator('.alert-detail')).toHaveAttribute('data-state', 'acknowledged');
    await spiking?.stop();
    spiking = undefined;
    // The same sensor, reporting normal methane levels again (typical 0–2 %LEL, below the 10 %LEL clear level).
    const normal = await runSimulation(await provisioned(hub, { url: hub.mqttUrl, domains: ['gas'], devicesPerDomain: 1, idPrefix: 'e2e-', intervalMs: 500, count: 8, seed: 11 }));
    expect(normal.acked).toBe(8);

    await eventually(page().locator('.alert-detail')).toHaveAttribute('data-state', 'resolved', { timeout: 20_000 });
    await eventually(page().locator('.alert-detail [data-field="resolved"]')).toContainText('the condition cleared');
    await eventually(page().locator('.alert-detail .history li[data-kind="resolved"]')).toContainText('Resolved by the hub');
    // The open inbox is empty again.
    await eventually(page().locator('.alert-list .alert-item')).toHaveCount(0);
    await eventually(page().getByText('No open alerts')).toBeVisible();
    expect(await browser.sameDocument()).toBe(true);
    const resolved = await alertOf(alertId);
    expect([resolved.state, resolved.resolution, resolved.resolvedBy, resolved.acknowledgedBy]).toEqual(['resolved', 'cleared', 'system', OPERATOR]);

    await page().getByLabel('State').selectOption('resolved');
    await eventuallyPage(page()).toHaveURL(/state=resolved/);
    await eventually(page().locator(`.alert-item[data-alert-id="${alertId}"]`)).toHaveAttribute('data-state', 'resolved');
    await browser.screenshot('alert-resolved');
  });

  it('adds a comment to the history', async () => {
    const detail = page().locator('.alert-detail');
    await detail.getByLabel('Note').fill('Valve 7 gasket replaced; readings normal since.');
    await detail.getByRole('button', { name: 'Add comment' }).click();
    await eventually(detail.locator('.history li[data-kind="commented"]')).toContainText(`Comment by ${OPERATOR}`);
    await eventually(detail.locator('.history li[data-kind="commented"] .history-note')).toHaveText('Valve 7 gasket replaced; readings normal since.');
    const history = (await hub.get<{ kind: string; actor: string }[]>(`/api/alerts/${alertId}/history`)).body;
    expect(history.map((event) => `${event.kind}:${event.actor}`)).toEqual(['fired:system', `acknowledged:${OPERATOR}`, 'resolved:system', `commented:${OPERATOR}`]);
  });

  it('shows an operator the rule read-only; an admin gets the hub’s objection to an edit next to the field, and saves the corrected rule', async () => {
    await browser.open(`/rules/${RULE.id}`);
    const form = page().locator('form.rule-form');
    await eventually(form).toHaveAttribute('data-readonly', 'true');
    await eventually(form.locator('input[name="condition.clear"]')).toBeDisabled();
    await eventually(form.getByRole('button', { name: 'Save changes' })).toHaveCount(0);

    // Sign out; the county admin signs in at the same page and comes back to it.
    await page().getByRole('button', { name: 'Log out' }).click();
    await eventually(page().getByText('You have signed out.')).toBeVisible();
    await browser.signIn(ADMIN, ADMIN_PASSWORD);
    await eventuallyPage(page()).toHaveURL(new RegExp(`/rules/${RULE.id}$`));
    await eventually(form.locator('input[name="condition.value"]')).toHaveValue('20');
    await form.locator('input[name="condition.clear"]').fill('25');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const error = form.locator('[data-field-error="condition.clear"]');
    await eventually(error).toContainText('must be at or below condition.value (20) for operator "above"');
    await eventually(form.locator('input[name="condition.clear"]')).toHaveAttribute('aria-invalid', 'true');
    await browser.screenshot('rule-validation');
    expect(((await hub.get<{ condition: { clear: number } }>(`/api/alert-rules/${RULE.id}`)).body.condition.clear)).toBe(10);

    await form.locator('input[name="condition.clear"]').fill('12');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await eventuallyPage(page()).toHaveURL(/\/rules#e2e-methane-alarm$/);
    const row = page().locator(`tr[data-rule="${RULE.id}"]`);
    await eventually(row).toContainText('at or above 20 %LEL at once; clears below 12 %LEL');
    const saved = (await hub.get<{ revision: number; condition: { clear: number } }>(`/api/alert-rules/${RULE.id}`)).body;
    expect([saved.revision, saved.condition.clear]).toEqual([2, 12]);
    await browser.screenshot('rules');
  });

  it('creates a silence for a device as the signed-in admin (refusing one without a reason) and ends it', async () => {
    await browser.open(`/silences?deviceId=e2e-gas-1&ruleId=${RULE.id}`);
    const form = page().locator('form.silence-form');
    await eventually(form.locator('input[name="deviceId"]')).toHaveValue('e2e-gas-1');
    await form.getByRole('button', { name: 'Silence' }).click();
    await eventually(form.locator('[data-field-error="reason"]')).toHaveText('must be a non-empty string of at most 500 characters, got ""');
    await form.getByLabel('Reason').fill('Valve 7 maintenance, work order 4711');
    await form.getByRole('button', { name: 'Silence' }).click();
    await eventually(form.locator('.action-status')).toContainText('created');
    const row = page().locator('.silences-table tbody tr');
    await eventually(row).toHaveCount(1);
    await eventually(row.first()).toContainText('e2e-gas-1');
    await eventually(row.first()).toContainText('in force');
    await eventually(row.first()).toContainText(`by ${ADMIN}`);
    const silences = await waitFor(() => hub.get<{ deviceId: string; ruleId: string; active: boolean; reason: string }[]>('/api/alert-silences'), (r) => r.body.length === 1, 5000, 'one silence');
    expect(silences.body.map((silence) => [silence.deviceId, silence.ruleId, silence.active, silence.reason])).toEqual([['e2e-gas-1', RULE.id, true, 'Valve 7 maintenance, work order 4711']]);
    await browser.screenshot('silences');

    await row.first().getByRole('button', { name: 'End now' }).click();
    await eventually(page().getByText('No silences')).toBeVisible();
    expect((await hub.get<unknown[]>('/api/alert-silences')).body).toEqual([]);
    expect(browser.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });
});
