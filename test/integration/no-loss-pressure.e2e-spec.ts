import { DeviceSimulator } from '@hub/devices-sim';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { expectEveryAcknowledgedReadingStored, settled, stats } from '../harness/no-loss-assertions';
import { SlowProxy } from '../harness/slow-proxy';
import { waitFor } from '../harness/wait-for';

/** Back-pressure with real processes: a slow InfluxDB behind a delaying proxy, and a spool that fills up. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The service's memory must stay under this while InfluxDB is slow (it idles at ~110 MB). */
const RSS_BOUND_BYTES = 250 * 1024 * 1024;

describe('back-pressure without loss (real influxd, real service, real MQTT)', () => {
  let influxd: InfluxdProcess;
  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
  });
  afterAll(async () => {
    await influxd?.cleanup();
  });

  it('spools what a slow InfluxDB cannot take in time, keeps memory bounded, and stores every reading once', async () => {
    const proxy = await SlowProxy.start(influxd.port);
    const hub = await HubProcess.start({
      INFLUX_URL: proxy.url,
      INFLUX_DATABASE: 'hub_slow',
      INFLUX_TIMEOUT: '5s',
      HUB_SPOOL_AFTER: '300ms',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_WRITE_BATCH_SIZE: '500',
    });
    try {
      const simulator = new DeviceSimulator(await provisioned(hub, {
        url: hub.mqttUrl,
        devicesPerDomain: 20,
        idPrefix: 'slow-',
        count: 60,
        intervalMs: 100,
        clean: false,
        seed: 4,
        recordReadings: true,
        drainTimeoutMs: 30_000,
      }));
      proxy.delayMs = 1500;
      await simulator.start();
      let peakRss = 0;
      const sampler = setInterval(() => void hub.rssBytes().then((rss) => (peakRss = Math.max(peakRss, rss)), () => undefined), 100);
      const during = await waitFor(() => stats(hub), (snapshot) => snapshot.spooled > 500, 20_000, 'the spool taking the excess');
      expect(during.balanced).toBe(true);
      const report = await simulator.done;
      proxy.delayMs = 0;
      const after = await settled(hub);
      clearInterval(sampler);

      expect(report.acked).toBe(100 * 60);
      expect(after.balanced).toBe(true);
      expect(after.replayedBatches).toBeGreaterThan(0);
      expect(peakRss).toBeGreaterThan(0);
      expect(peakRss).toBeLessThan(RSS_BOUND_BYTES);
      const { stored } = await expectEveryAcknowledgedReadingStored(influxd, 'hub_slow', 'slow-', report.readings ?? []);
      expect(stored).toBe(6000);
    } finally {
      await hub.cleanup();
      await proxy.close();
    }
  });

  it('stops acknowledging when the spool is full, loses nothing, and resumes by itself when InfluxDB is back', async () => {
    const hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'hub_full',
      INFLUX_TIMEOUT: '2s',
      HUB_SPOOL_MAX_BYTES: '1MiB',
      HUB_WRITE_BUFFER_READINGS: '2000',
      HUB_WRITE_BATCH_SIZE: '500',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_WRITE_RETRY_MAX: '1s',
    });
    try {
      await influxd.stop();
      const simulator = new DeviceSimulator(await provisioned(hub, {
        url: hub.mqttUrl,
        domains: ['power'],
        devicesPerDomain: 10,
        idPrefix: 'full-',
        count: 1500,
        batchSize: 50,
        intervalMs: 10,
        publishIntervalMs: 20,
        clean: false,
        seed: 8,
        recordReadings: true,
        drainTimeoutMs: 60_000,
      }));
      await simulator.start();
      type Health = { status: string; spool: { ok: boolean; full: boolean; pendingReadings: number } };
      const full = await waitFor(
        async () => (await hub.get<Health>('/api/health')).body,
        (health) => health.spool.full,
        30_000,
        'the spool to fill up',
      );
      expect(full.status).toBe('degraded');
      const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/hub_spool_full 1/);
      // Acknowledgements stop: what the devices see does not move while the spool is full and InfluxDB is down.
      await sleep(1500);
      const stalledAt = simulator.report().acked;
      await sleep(2000);
      expect(simulator.report().acked).toBe(stalledAt);
      expect(stalledAt).toBeLessThan(15_000);
      const stalled = await stats(hub);
      expect(stalled.balanced).toBe(true);
      expect(stalled.waitingForRoom + stalled.buffered).toBeGreaterThan(0);

      await influxd.restart();
      const report = await simulator.done;
      const after = await settled(hub);
      expect(report.acked).toBe(15_000);
      expect(after.balanced).toBe(true);
      const { stored } = await expectEveryAcknowledgedReadingStored(influxd, 'hub_full', 'full-', report.readings ?? []);
      expect(stored).toBe(15_000);
      const recovered = await hub.get<Health>('/api/health');
      expect(recovered.body.spool).toMatchObject({ ok: true, full: false, pendingReadings: 0 });
    } finally {
      await hub.cleanup();
    }
  });
});
