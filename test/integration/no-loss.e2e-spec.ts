import { connectAsync } from 'mqtt';
import { DeviceSimulator, runSimulation } from '@hub/devices-sim';
import type { DeadLetter } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { deviceLogin, provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { expectEveryAcknowledgedReadingStored, settled, stats } from '../harness/no-loss-assertions';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * The no-loss guarantee under faults, with real processes: influxd, the service, and simulated devices over TCP at
 * QoS 1 with persistent sessions. After each fault, every reading a device got a PUBACK for must be in InfluxDB
 * exactly once per (device, event time), and the accounting must balance.
 */
const DATABASE = 'hub_no_loss';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('no acknowledged reading is lost (real influxd, real service, real MQTT)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      INFLUX_TIMEOUT: '2s',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_WRITE_RETRY_MAX: '1s',
      HUB_SPOOL_REPLAY_RATE: '50000',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const fleet = async (idPrefix: string, count: number, intervalMs: number) =>
    new DeviceSimulator(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water', 'power', 'gas'],
      devicesPerDomain: 4,
      idPrefix,
      count,
      intervalMs,
      qos: 1,
      clean: false,
      reconnectPeriodMs: 500,
      drainTimeoutMs: 30_000,
      seed: 5,
      recordReadings: true,
    }));

  it('survives influxd stopped for 30 s in the middle of a run', async () => {
    const simulator = await fleet('outage-', 400, 100);
    await simulator.start();
    await sleep(4000);
    await influxd.stop();
    const during = await waitFor(() => stats(hub), (snapshot) => snapshot.spooled > 0, 10_000, 'readings spooled during the outage');
    expect(during.written).toBeGreaterThan(0);
    const health = await hub.get<{ status: string; influx: { ok: boolean }; spool: { ok: boolean; pendingReadings: number } }>('/api/health');
    expect(health.status).toBe(503);
    expect(health.body.influx.ok).toBe(false);
    expect(health.body.spool.ok).toBe(true);
    await sleep(30_000 - 1000);
    // Acknowledgements kept coming while InfluxDB was down: the readings were durable in the spool.
    const ackedDuringOutage = simulator.report().acked;
    await influxd.restart();

    const report = await simulator.done;
    expect(report.sent.readings).toBe(12 * 400);
    expect(report.acked).toBe(12 * 400);
    expect(ackedDuringOutage).toBeGreaterThan(12 * 250);
    const after = await settled(hub);
    expect(after.balanced).toBe(true);
    expect(after.writeErrors).toBeGreaterThan(0);
    expect(after.replayedBatches).toBeGreaterThan(0);
    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'outage-', report.readings ?? []);
    expect(acknowledged).toBe(4800);
    expect(stored).toBe(4800);
  });

  it('survives kill -9 of the service in the middle of a run', async () => {
    const simulator = await fleet('crash-', 250, 40);
    await simulator.start();
    await sleep(4000);
    await hub.kill();
    await sleep(1000);
    await hub.launch();

    const report = await simulator.done;
    expect(report.sent.readings).toBe(12 * 250);
    expect(report.reconnects).toBeGreaterThanOrEqual(12);
    const after = await settled(hub);
    expect(after.balanced).toBe(true);
    const { acknowledged } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'crash-', report.readings ?? []);
    // Readings in flight at the kill were resent from the devices' persistent sessions and acknowledged then.
    expect(acknowledged).toBe(report.acked);
    expect(report.acked).toBe(12 * 250);
  });

  it('keeps spooled readings across kill -9 while InfluxDB is down, and replays them once it is back', async () => {
    const start = await settled(hub);
    await influxd.stop();
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['heat'],
      devicesPerDomain: 3,
      idPrefix: 'spooled-',
      count: 40,
      intervalMs: 25,
      clean: false,
      seed: 9,
      recordReadings: true,
    }));
    expect(report.acked).toBe(120);
    const before = await stats(hub);
    expect(before.spooled - start.spooled).toBe(120);
    expect(before.written - start.written).toBe(0);
    await hub.kill();
    await hub.launch();
    const recovered = await stats(hub);
    expect(recovered).toMatchObject({ recovered: 120, spooled: 120, written: 0, accepted: 0, balanced: true });

    await influxd.restart();
    const after = await settled(hub);
    expect(after).toMatchObject({ recovered: 120, written: 120, spooled: 0, balanced: true });
    const { stored } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'spooled-', report.readings ?? []);
    expect(stored).toBe(120);
  });

  it('dead-letters the points InfluxDB refuses in a batch, with its reason, and stores the rest', async () => {
    const ts = Date.now() - 60_000;
    // In this shard `occupancy_pct` becomes a string field (no other test in this file writes traffic): a float
    // occupancy_pct is then a field type conflict that InfluxDB refuses.
    const seed = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body: `traffic,device_id=seed occupancy_pct="busy" ${ts - 1}` });
    expect(seed.status).toBe(204);
    const client = await connectAsync(hub.mqttUrl, await deviceLogin(hub, 'conflict-1', 'traffic'));
    const batch = [
      { ts, metrics: { vehicle_count: 4 } },
      { ts: ts + 1, metrics: { vehicle_count: 5, occupancy_pct: 12.5 } },
      { ts: ts + 2, metrics: { vehicle_count: 6 } },
    ];
    await client.publishAsync('sensors/traffic/conflict-1/telemetry', JSON.stringify(batch), { qos: 1 });
    await client.endAsync();

    const after = await settled(hub);
    expect(after.balanced).toBe(true);
    const stored = await storedReadings(influxd, DATABASE, 'conflict-');
    expect([...stored.entries()].sort()).toEqual([
      [`conflict-1@${ts}`, { vehicle_count: 4 }],
      [`conflict-1@${ts + 2}`, { vehicle_count: 6 }],
    ]);
    const letters = await hub.get<{ items: DeadLetter[]; matching: number }>('/api/dead-letters?device=conflict-1');
    expect(letters.body.matching).toBe(1);
    expect(letters.body.items[0]).toMatchObject({
      reason: 'INFLUX_REFUSED',
      deviceId: 'conflict-1',
      domain: 'traffic',
      clientId: 'conflict-1',
      topic: 'sensors/traffic/conflict-1/telemetry',
      payload: `traffic,device_id=conflict-1 vehicle_count=5,occupancy_pct=12.5 ${ts + 1}`,
    });
    expect(letters.body.items[0].detail).toMatch(
      /^InfluxDB 400: .*field type conflict: input field "occupancy_pct" on measurement "traffic" is type float, already exists as type string/,
    );
  });
});
