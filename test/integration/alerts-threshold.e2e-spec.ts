import { DeviceSimulator, runSimulation } from '@hub/devices-sim';
import type { AlertView } from '@hub/alerts';
import { AlertSubscriber, alertsOf, call, createRule, historyOf, ScriptedDevice, WebhookReceiver } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

/**
 * Threshold alerts end to end, nothing mocked: the simulator (or a scripted device) publishes over MQTT to the real
 * service, which stores in a real influxd and evaluates rules against it every second; a real MQTT subscriber and a
 * small HTTP server receive the notifications. Each test has its own rule, scoped to its own devices.
 */
const EVERY_MS = 1000;

describe('threshold alerts (real influxd, real service, real MQTT and webhook)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let subscriber: AlertSubscriber;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    webhook = await WebhookReceiver.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'alerts_threshold',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_LATE_DATA: '15m',
      HUB_ALERT_WEBHOOKS: webhook.url,
      HUB_ALERT_NOTIFY_RETRY_MIN: '200ms',
      HUB_ALERT_NOTIFY_RETRY_MAX: '1s',
    });
    subscriber = await AlertSubscriber.connect(hub);
  });

  afterAll(async () => {
    await subscriber?.close();
    await hub?.cleanup();
    await webhook?.close();
    await influxd?.cleanup();
  });

  const methaneRule = (id: string, deviceIds: string[], condition: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createRule(hub, {
      id,
      name: `Methane ${id}`,
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, ...condition },
      ...extra,
    });

  it('raises exactly one alert for a spike longer than the for-duration, within two intervals, and resolves it below the clear level', async () => {
    await methaneRule('spike', ['spike-gas-1', 'spike-gas-2'], { for: '2s', clearFor: '1s' });
    webhook.script.push(500); // the first POST fails: it must be retried
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 2,
      idPrefix: 'spike-',
      count: 60,
      intervalMs: 200,
      recordReadings: true,
      faults: [{ mode: 'spike', domain: 'gas', devices: 1, metric: 'methane_pct_lel', fromReading: 11, toReading: 40, value: 35 }],
    }));
    const sent = (report.readings ?? []).filter((reading) => reading.deviceId === 'spike-gas-1');
    const spikeStart = sent[10].ts ?? 0;
    const spikeEnd = sent[39].ts ?? 0;

    const [alert] = await waitFor(() => alertsOf(hub, 'rule=spike'), (alerts) => alerts.length === 1 && alerts[0].state === 'resolved', 10_000, 'the spike alert resolved');
    expect(await alertsOf(hub, 'rule=spike')).toHaveLength(1);
    expect(alert).toMatchObject({ deviceId: 'spike-gas-1', severity: 'critical', peak: 35, resolution: 'cleared', resolvedBy: 'system', flapping: false });
    // Event times, to within one 500 ms bucket (a quarter of the for-duration).
    expect(Date.parse(alert.startedAt)).toBeGreaterThanOrEqual(spikeStart - 500);
    expect(Date.parse(alert.startedAt)).toBeLessThanOrEqual(spikeStart + 500);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeGreaterThan(spikeEnd);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeLessThanOrEqual(spikeEnd + 200 + 500);
    // Fired no later than two evaluation intervals (plus the bucket) after the for-duration was met.
    expect(Date.parse(alert.firedAt) - (spikeStart + 2000)).toBeLessThanOrEqual(2 * EVERY_MS + 500);
    expect(alert.count).toBeGreaterThanOrEqual(2);
    expect((await historyOf(hub, alert.id)).map((event) => `${event.kind}:${event.toState}:${event.notified}`)).toEqual([
      'fired:firing:true',
      'resolved:resolved:true',
    ]);

    // A real subscriber got both changes on alerts/{domain}/{severity}/{deviceId}.
    const messages = await waitFor(async () => subscriber.of('spike-gas-1'), (found) => found.length === 2, 5000, 'two MQTT alert messages');
    expect(messages.map((message) => [message.topic, message.notification.event, message.notification.alert.state, message.notification.alert.id])).toEqual([
      ['alerts/gas/critical/spike-gas-1', 'fired', 'firing', alert.id],
      ['alerts/gas/critical/spike-gas-1', 'resolved', 'resolved', alert.id],
    ]);
    expect(subscriber.of('spike-gas-2')).toEqual([]);

    // The webhook answered 500 to the first POST; the same event came again, then the next one, in order.
    const posts = await waitFor(async () => webhook.of('spike-gas-1'), (found) => found.length === 3, 10_000, 'three webhook POSTs');
    expect(posts.map((post) => [post.status, post.notification.event, post.eventId])).toEqual([
      [500, 'fired', String(messages[0].notification.eventId)],
      [204, 'fired', String(messages[0].notification.eventId)],
      [204, 'resolved', String(messages[1].notification.eventId)],
    ]);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toContain('hub_alert_notifications_total{channel="webhook-1",result="failed"} 1');
    expect(metrics).toMatch(/hub_alert_evaluations_total\{rule="spike",outcome="ok"\} [1-9]\d*/);
  });

  it('keeps a value crossing back and forth to one alert, marked flapping and quiet, until it settles', async () => {
    await methaneRule('flap', ['flap-gas-1'], { for: '0s', clearFor: '0s' }, { flapWindow: '10s' });
    // 2 s above, 2 s below, four times; then 14 s of normal readings, so the alert can be seen to settle.
    const simulator = new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'flap-',
      count: 150,
      intervalMs: 200,
      faults: [1, 2, 3, 4].map((cycle) => ({ mode: 'spike' as const, metric: 'methane_pct_lel', fromReading: cycle * 20 - 9, toReading: cycle * 20, value: 30 })),
    }));
    await simulator.start();
    const flapping = await waitFor(() => alertsOf(hub, 'rule=flap'), (alerts) => alerts.length === 1 && alerts[0].flapping, 20_000, 'a flapping alert');
    expect(flapping[0]).toMatchObject({ state: 'firing', flapping: true });
    await simulator.done;
    const [settled] = await waitFor(() => alertsOf(hub, 'rule=flap'), (alerts) => alerts[0]?.state === 'resolved', 20_000, 'the flapping alert settled');
    expect(await alertsOf(hub, 'rule=flap')).toHaveLength(1);
    expect(settled).toMatchObject({ flapping: false, resolution: 'cleared' });
    const history = (await historyOf(hub, settled.id)).map((event) => `${event.kind}${event.notified ? '' : ' (quiet)'}`);
    expect(history).toEqual([
      'fired',
      'resolved',
      'reopened',
      'resolved',
      'flapping',
      'condition-cleared (quiet)',
      'condition-returned (quiet)',
      'condition-cleared (quiet)',
      'resolved',
    ]);
    const notified = await waitFor(async () => subscriber.of('flap-gas-1'), (found) => found.length === 6, 5000, 'six MQTT messages');
    expect(notified.map((message) => message.notification.event)).toEqual(['fired', 'resolved', 'reopened', 'resolved', 'flapping', 'resolved']);
  });

  it('evaluates a late, buffered batch by its own event time', async () => {
    // One reading every 10 s of event time, 8 minutes ago, all delivered at once. Device 1 was above 20 %LEL for
    // 150 s of event time, device 2 for 30 s: only the first meets the 1-minute for-duration.
    await methaneRule('late', ['late-gas-1', 'late-gas-2'], { for: '1m' });
    const startTs = Math.floor((Date.now() - 8 * 60_000) / 1000) * 1000;
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 2,
      idPrefix: 'late-',
      count: 30,
      batchSize: 30,
      intervalMs: 10_000,
      publishIntervalMs: 10,
      startTs,
      recordReadings: true,
      faults: [
        { mode: 'spike', deviceIds: ['late-gas-1'], metric: 'methane_pct_lel', fromReading: 6, toReading: 20, value: 40 },
        { mode: 'spike', deviceIds: ['late-gas-2'], metric: 'methane_pct_lel', fromReading: 6, toReading: 8, value: 40 },
      ],
    }));
    expect(report.acked).toBe(60);
    const [alert] = await waitFor(() => alertsOf(hub, 'rule=late'), (alerts) => alerts.length === 1 && alerts[0].state === 'resolved', 10_000, 'the late alert');
    expect(alert).toMatchObject({ deviceId: 'late-gas-1', peak: 40, resolution: 'cleared' });
    expect(Date.parse(alert.startedAt)).toBe(startTs + 5 * 10_000);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBe(startTs + 20 * 10_000);
    expect((await historyOf(hub, alert.id)).map((event) => event.kind)).toEqual(['fired', 'resolved']);
    // Another few evaluations re-read the same batch: still the one alert.
    await new Promise((resolve) => setTimeout(resolve, 3 * EVERY_MS));
    expect(await alertsOf(hub, 'rule=late')).toHaveLength(1);
  });

  it('keeps an acknowledged alert acknowledged across a restart, without raising it again', async () => {
    await methaneRule('ack', ['ack-gas-1'], { for: '0s', clearFor: '1s' });
    const device = await ScriptedDevice.connect(hub, 'gas', 'ack-gas-1');
    try {
      await device.report({ methane_pct_lel: 42 }, 10, 100);
      const [firing] = await waitFor(() => alertsOf(hub, 'rule=ack'), (alerts) => alerts.length === 1, 5000, 'the ack alert');
      // The operator logged in: the history names them from their session.
      await createOperator(hub, { username: 'j.smith', password: 'gas crew shift lead', role: 'operator' });
      const smith = await login(hub, 'j.smith', 'gas crew shift lead');
      const acknowledged = await send<AlertView>(hub, 'POST', `/api/alerts/${firing.id}/acknowledge`, smith.headers, { note: 'crew on the way' });
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'j.smith', acknowledgeNote: 'crew on the way' });
      expect((await send(hub, 'POST', `/api/alerts/${firing.id}/acknowledge`, smith.headers, {})).status).toBe(409);

      await hub.stop();
      await hub.launch();
      await device.report({ methane_pct_lel: 45 }, 20, 100); // the device reconnected; the condition still holds
      const [afterRestart] = await waitFor(() => alertsOf(hub, 'rule=ack'), (alerts) => alerts[0]?.peak === 45, 5000, 'the alert updated after the restart');
      expect(await alertsOf(hub, 'rule=ack')).toHaveLength(1);
      expect(afterRestart).toMatchObject({ id: firing.id, state: 'acknowledged', acknowledgedBy: 'j.smith', acknowledgedAt: acknowledged.body.acknowledgedAt });

      await device.report({ methane_pct_lel: 0.5 }, 25, 100);
      const [resolved] = await waitFor(() => alertsOf(hub, 'rule=ack'), (alerts) => alerts[0]?.state === 'resolved', 5000, 'resolved after clearing');
      expect(resolved).toMatchObject({ id: firing.id, acknowledgedBy: 'j.smith', resolution: 'cleared' });
      expect((await historyOf(hub, firing.id)).map((event) => `${event.kind}:${event.actor}`)).toEqual(['fired:system', 'acknowledged:j.smith', 'resolved:system']);
      // The subscriber reconnected by itself after the restart and got the resolution too.
      const events = await waitFor(async () => subscriber.of('ack-gas-1').map((message) => message.notification.event), (found) => found.length === 3, 5000, 'three messages');
      expect(events).toEqual(['fired', 'acknowledged', 'resolved']);
    } finally {
      await device.close();
    }
  });

  it('raises nothing for a silenced device while an unsilenced one alerts', async () => {
    await methaneRule('quiet', ['quiet-gas-1', 'quiet-gas-2'], { for: '0s' });
    const silence = await call<{ id: number; active: boolean }>(hub, 'POST', '/api/alert-silences', {
      deviceId: 'quiet-gas-1',
      duration: '1h',
      reason: 'detector calibration with test gas',
    });
    expect(silence.status).toBe(201);
    expect(silence.body.active).toBe(true);
    await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 2,
      idPrefix: 'quiet-',
      count: 20,
      intervalMs: 200,
      faults: [{ mode: 'spike', metric: 'methane_pct_lel', fromReading: 5, toReading: 15, value: 60 }],
    }));
    await waitFor(() => alertsOf(hub, 'rule=quiet'), (alerts) => alerts.length === 1 && alerts[0].state === 'resolved', 10_000, 'the unsilenced alert');
    await new Promise((resolve) => setTimeout(resolve, 3 * EVERY_MS));
    expect((await alertsOf(hub, 'rule=quiet')).map((alert) => alert.deviceId)).toEqual(['quiet-gas-2']);
    expect(await alertsOf(hub, 'device=quiet-gas-1')).toEqual([]);
    expect(subscriber.of('quiet-gas-1')).toEqual([]);
  });
});
