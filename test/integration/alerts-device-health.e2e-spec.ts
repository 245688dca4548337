import { runSimulation } from '@hub/devices-sim';
import { alertsOf, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { waitFor } from '../harness/wait-for';

/**
 * Device-health alerts end to end against real influxd and the real service: a device that goes silent, one that
 * keeps sending the same value, and a restart of the hub that must not read as every device going silent.
 */
describe('no-data and stuck-sensor alerts (real influxd, real service, simulator)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'alerts_health',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_LATE_DATA: '1m',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const waterRule = (id: string, deviceIds: string[], condition: Record<string, unknown>) =>
    createRule(hub, {
      id,
      name: `Water ${id}`,
      severity: 'warning',
      selector: { domain: 'water', metric: 'pressure_kpa', deviceIds },
      evaluateEvery: '1s',
      condition,
    });

  it('raises a no-data alert for a silent device and clears it when the device speaks again; never-seen devices raise nothing', async () => {
    await waterRule('silent', ['nd-water-1', 'nd-water-2', 'nd-water-ghost'], { type: 'no-data', silentFor: '3s', baseline: '1m' });
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water'],
      devicesPerDomain: 2,
      idPrefix: 'nd-',
      count: 60,
      intervalMs: 250,
      recordReadings: true,
      faults: [{ mode: 'silent', devices: 1, fromReading: 13, toReading: 40 }],
    }));
    const sent = (report.readings ?? []).filter((reading) => reading.deviceId === 'nd-water-1');
    const lastBeforeSilence = sent.find((reading) => reading.reading === 12)?.ts ?? 0;
    const firstAfter = sent.find((reading) => reading.reading === 41)?.ts ?? 0;

    const [alert] = await waitFor(() => alertsOf(hub, 'rule=silent'), (alerts) => alerts.length === 1 && alerts[0].state === 'resolved', 10_000, 'the no-data alert resolved');
    expect(await alertsOf(hub, 'rule=silent')).toHaveLength(1);
    expect(alert).toMatchObject({ deviceId: 'nd-water-1', conditionType: 'no-data', resolution: 'cleared', summary: 'pressure_kpa silent for 3s' });
    // Silent since its last reading, to the millisecond (InfluxDB's last() and presence agree on it).
    expect(Date.parse(alert.startedAt)).toBe(lastBeforeSilence);
    expect(Date.parse(alert.firedAt)).toBeGreaterThanOrEqual(lastBeforeSilence + 3000);
    expect(Date.parse(alert.firedAt)).toBeLessThanOrEqual(lastBeforeSilence + 3000 + 2 * 1000);
    // Cleared by the reading that broke the silence (or one of the few that followed before the next evaluation).
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeGreaterThanOrEqual(firstAfter);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeLessThanOrEqual(firstAfter + 1250);
    // Seconds of silence: the reading gap is 29 intervals of 250 ms (7.25 s); evaluated once a second.
    expect(alert.peak).toBeGreaterThanOrEqual(6);
    expect(alert.peak).toBeLessThanOrEqual(8);
  });

  it('does not read a restart of the hub as silence, but still catches a device that really stopped', async () => {
    await waterRule('restart', ['rs-water-1', 'rs-water-2'], { type: 'no-data', silentFor: '3s', baseline: '1m' });
    const alive = await ScriptedDevice.connect(hub, 'water', 'rs-water-1');
    const dying = await ScriptedDevice.connect(hub, 'water', 'rs-water-2');
    let reporting = true;
    const keepReporting = (async () => {
      while (reporting) await alive.report({ pressure_kpa: 400 + Math.random() }, 1, 0).then(() => new Promise((resolve) => setTimeout(resolve, 250)));
    })();
    try {
      await dying.report({ pressure_kpa: 380 }, 8, 250);
      await dying.close();
      await hub.stop();
      await new Promise((resolve) => setTimeout(resolve, 5000)); // longer than silentFor
      await hub.launch();
      const launchedAt = Date.now();
      const alerts = await waitFor(() => alertsOf(hub, 'rule=restart'), (found) => found.length >= 1, 10_000, 'the dead device’s alert');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await alertsOf(hub, 'rule=restart')).map((alert) => [alert.deviceId, alert.state])).toEqual([['rs-water-2', 'firing']]);
      // Only once the hub itself had run for the silence threshold.
      expect(Date.parse(alerts[0].firedAt)).toBeGreaterThanOrEqual(launchedAt + 3000 - 500);
    } finally {
      reporting = false;
      await keepReporting;
      await alive.close();
    }
  });

  it('raises a stuck-sensor alert for a value that stops changing while the device keeps reporting, and clears it on change', async () => {
    await waterRule('stuck', ['stk-water-1', 'stk-water-2'], { type: 'stuck', window: '4s', minReadings: 5 });
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water'],
      devicesPerDomain: 2,
      idPrefix: 'stk-',
      count: 60,
      intervalMs: 200,
      recordReadings: true,
      faults: [{ mode: 'stuck', devices: 1, metric: 'pressure_kpa', fromReading: 6, toReading: 40, value: 412.5 }],
    }));
    const sent = (report.readings ?? []).filter((reading) => reading.deviceId === 'stk-water-1');
    const stuckFrom = sent[5].ts ?? 0;
    const changedAt = sent[40].ts ?? 0;
    const [alert] = await waitFor(() => alertsOf(hub, 'rule=stuck'), (alerts) => alerts.length === 1 && alerts[0].state === 'resolved', 10_000, 'the stuck alert resolved');
    expect(await alertsOf(hub, 'rule=stuck')).toHaveLength(1);
    // The peak of a stuck alert is the value it stuck at; its value, the last reading of the bucket it moved on in.
    expect(alert).toMatchObject({ deviceId: 'stk-water-1', conditionType: 'stuck', peak: 412.5, resolution: 'cleared' });
    expect(sent.slice(40, 44).map((reading) => reading.metrics.pressure_kpa)).toContain(alert.value);
    // Stuck once 4 s of identical readings are in: the bucket (800 ms) that completes the window ends 4 s after the
    // first stuck reading, to within one bucket. Cleared in the bucket of the first changed reading.
    const windowCompleteAt = Date.parse(alert.startedAt) + 800;
    expect(windowCompleteAt - stuckFrom).toBeGreaterThanOrEqual(4000 - 800);
    expect(windowCompleteAt - stuckFrom).toBeLessThanOrEqual(4000 + 800);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeGreaterThan(changedAt - 800);
    expect(Date.parse(alert.conditionEndedAt ?? '')).toBeLessThanOrEqual(changedAt);
  });
});
