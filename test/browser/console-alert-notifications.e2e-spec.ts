import type { AlertDeliveryView } from '@hub/api-types';
import { BUSY_ANSWER, FLAKY, flakyDelivery, STEADY } from '../harness/delivery-log-scenario';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ScriptedWebhookReceiver } from '../harness/scripted-webhook-receiver';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsoleBrowser, SCREENSHOT_DIR } from './console-browser';
import { eventually } from './web-assertions';

/**
 * The alert detail's Notifications section in Debian's Chromium against the real service: a gas critical reached a
 * duty officer's webhook on the second attempt (the first answered 503) and the town office's at once; the Ashford
 * operator sees each step, the failure with the receiver's answer.
 */
describe('operator console: an alert’s notifications (real browser, service, influxd, webhook contact points)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let receiver: ScriptedWebhookReceiver;
  let browser: ConsoleBrowser;
  let alertId: number;
  let log: AlertDeliveryView[];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'console_alert_notifications',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
      HUB_ALERT_NOTIFY_RETRY_MIN: '500ms',
    });
    receiver = await ScriptedWebhookReceiver.start();
    ({
      alert: { id: alertId },
      log,
    } = await flakyDelivery(hub, receiver, 'ui-gas-1'));
    await createOperator(hub, { username: 'ashford.ops', password: 'ashford night desk', role: 'operator', towns: ['Ashford'] });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
    await receiver?.close();
  });

  it('lists each message queued and each attempt, oldest first, with the receiver’s answer on the failure', async () => {
    await browser.open(`/alerts/${alertId}`);
    await browser.signIn('ashford.ops', 'ashford night desk');
    const section = browser.page.locator('.alert-detail .alert-notifications');
    await eventually(section.getByRole('heading', { name: 'Notifications' })).toBeVisible();
    const rows = section.locator('.notifications-table tbody tr');
    await eventually(rows).toHaveCount(5);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-contact-point'), ...[...tr.querySelectorAll('td')].slice(1).map((cell) => (cell.textContent ?? '').trim())]),
    );
    const expected = (entry: AlertDeliveryView) => {
      const outcome = { queued: 'Queued', sent: 'Sent', failed: 'Failed', 'given-up': 'Given up' }[entry.outcome];
      return [entry.contactPoint, `${entry.contactPoint} (webhook)`, 'New', entry.attempt > 0 ? `${outcome} attempt ${entry.attempt}` : outcome, entry.outcome === 'failed' ? BUSY_ANSWER : ''];
    };
    // In the API's order (the two contact points' attempts may interleave), and for the duty officer exactly these three.
    expect(shown).toEqual(log.map(expected));
    expect(shown.filter((row) => row[0] === FLAKY)).toEqual([
      [FLAKY, `${FLAKY} (webhook)`, 'New', 'Queued', ''],
      [FLAKY, `${FLAKY} (webhook)`, 'New', 'Failed attempt 1', BUSY_ANSWER],
      [FLAKY, `${FLAKY} (webhook)`, 'New', 'Sent attempt 2', ''],
    ]);
    expect(shown.filter((row) => row[0] === STEADY).map((row) => row[3])).toEqual(['Queued', 'Sent attempt 1']);
    await eventually(section.locator('tr[data-outcome="failed"] .pill')).toHaveText('Failed');
    expect(browser.errors).toEqual([]);
    // The section itself: the detail panel scrolls inside the inbox, so a page capture would cut it off.
    await section.scrollIntoViewIfNeeded();
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'alert-notifications.png'), animations: 'disabled' });
  });
});
