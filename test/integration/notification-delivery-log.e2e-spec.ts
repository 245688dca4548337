import type { AlertDeliveryView } from '@hub/api-types';
import { call } from '../harness/alerts-api';
import { BUSY_ANSWER, FLAKY, flakyDelivery, STEADY } from '../harness/delivery-log-scenario';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { ScriptedWebhookReceiver } from '../harness/scripted-webhook-receiver';

/**
 * The delivery log per alert end to end: MQTT readings raise a gas critical in the real service (real influxd), the
 * notification policies route it to two webhook contact points on a local receiver, one of which answers 503 once;
 * GET /api/alerts/:id/notifications shows every step, /metrics counts them, and the alert's scope guards them.
 */
describe('delivery log per alert (real influxd, real service, MQTT readings, webhook contact points)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let receiver: ScriptedWebhookReceiver;
  let alertId: number;
  let log: AlertDeliveryView[];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'notification_delivery_log',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
      HUB_ALERT_NOTIFY_RETRY_MIN: '500ms',
    });
    receiver = await ScriptedWebhookReceiver.start();
    const delivered = await flakyDelivery(hub, receiver, 'dl-gas-1');
    alertId = delivered.alert.id;
    log = delivered.log;
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
    await receiver?.close();
  });

  const steps = (entries: AlertDeliveryView[], contactPoint: string) =>
    entries.filter((entry) => entry.contactPoint === contactPoint).map((entry) => [entry.outcome, entry.attempt, entry.providerAnswer]);

  it('shows queued → failed (attempt 1, the receiver’s answer) → sent (attempt 2) for the flaky contact point, and queued → sent for the other', async () => {
    expect(steps(log, FLAKY)).toEqual([
      ['queued', 0, ''],
      ['failed', 1, BUSY_ANSWER],
      ['sent', 2, '{"ok":true}'],
    ]);
    expect(steps(log, STEADY)).toEqual([
      ['queued', 0, ''],
      ['sent', 1, '{"ok":true}'],
    ]);
    expect([receiver.posts.get(FLAKY), receiver.posts.get(STEADY)]).toEqual([2, 1]);
    // Every row of one message names the same message, route, kind, level and reason, and carried this one alert.
    for (const name of [FLAKY, STEADY]) {
      const rows = log.filter((entry) => entry.contactPoint === name);
      expect(new Set(rows.map((entry) => JSON.stringify([entry.messageId, entry.route, entry.kind, entry.level, entry.reason, entry.alertCount]))).size).toBe(1);
      expect([rows[0].route, rows[0].kind, rows[0].level, rows[0].reason, rows[0].alertCount]).toEqual(['routes[0]', 'webhook', 0, 'new', 1]);
    }
    expect(log.filter((entry) => entry.contactPoint === FLAKY)[0].messageId).not.toBe(log.filter((entry) => entry.contactPoint === STEADY)[0].messageId);
    // A timeline: oldest first, both messages queued before any attempt; the retry came after the back-off.
    const times = log.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(log.slice(0, 2).map((entry) => entry.outcome)).toEqual(['queued', 'queued']);
    const [failed, sent] = log.filter((entry) => entry.contactPoint === FLAKY).slice(1).map((entry) => Date.parse(entry.at));
    expect(sent - failed).toBeGreaterThanOrEqual(500);
    // The same rows in the whole log.
    const whole = await call<Array<{ contactPoint: string; outcome: string; attempt: number }>>(hub, 'GET', '/api/notification-policies/deliveries?limit=100');
    expect(whole.body.map((entry) => `${entry.contactPoint} ${entry.outcome} #${entry.attempt}`).reverse()).toEqual(log.map((entry) => `${entry.contactPoint} ${entry.outcome} #${entry.attempt}`));
  });

  it('counts the rows in /metrics by outcome and contact point kind', async () => {
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const counted = metrics.split('\n').filter((line) => line.startsWith('hub_notification_deliveries_total{'));
    expect(counted.sort()).toEqual(
      [
        'hub_notification_deliveries_total{outcome="queued",kind="webhook"} 2',
        'hub_notification_deliveries_total{outcome="sent",kind="webhook"} 2',
        'hub_notification_deliveries_total{outcome="failed",kind="webhook"} 1',
        'hub_notification_deliveries_total{outcome="given-up",kind="webhook"} 0',
      ].sort(),
    );
    expect(metrics).not.toContain('hub_notification_policy_attempts_total');
  });

  it('answers another town’s operator exactly as GET /api/alerts/:id does, and the alert’s own town the same log', async () => {
    await createOperator(hub, { username: 'brookfield.ops', password: 'brookfield night desk', role: 'operator', towns: ['Brookfield'] });
    await createOperator(hub, { username: 'ashford.ops', password: 'ashford night desk', role: 'operator', towns: ['Ashford'] });
    const brookfield = await login(hub, 'brookfield.ops', 'brookfield night desk');
    const refused = await send<{ statusCode: number; error: string; message: string }>(hub, 'GET', `/api/alerts/${alertId}/notifications`, brookfield.headers);
    const alertRefused = await send(hub, 'GET', `/api/alerts/${alertId}`, brookfield.headers);
    expect([refused.status, refused.body]).toEqual([
      403,
      { statusCode: 403, error: 'FORBIDDEN', code: 'forbidden', message: `Alert ${alertId} (gas, Ashford) is outside the scope of brookfield.ops (towns Brookfield)` },
    ]);
    expect([refused.status, refused.body]).toEqual([alertRefused.status, alertRefused.body]);
    const ashford = await login(hub, 'ashford.ops', 'ashford night desk');
    const own = await send<AlertDeliveryView[]>(hub, 'GET', `/api/alerts/${alertId}/notifications`, ashford.headers);
    expect([own.status, own.body]).toEqual([200, log]);
  });

  it('says what was wrong with a bad or unknown alert id', async () => {
    const unknown = await call<{ message: string }>(hub, 'GET', '/api/alerts/999999/notifications');
    expect([unknown.status, unknown.body.message]).toEqual([404, (await call<{ message: string }>(hub, 'GET', '/api/alerts/999999')).body.message]);
    const bad = await call<{ message: string }>(hub, 'GET', '/api/alerts/abc/notifications');
    expect([bad.status, bad.body.message]).toEqual([400, 'Invalid path parameter id="abc": expected an alert id (a whole number from 1)']);
    const docs = await hub.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json');
    expect(Object.keys(docs.body.paths['/api/alerts/{id}/notifications'] ?? {})).toEqual(['get']);
  });
});
