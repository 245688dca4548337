import { runSimulation } from '@hub/devices-sim';
import type { IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { provisioned } from '../harness/provision';
import { VictoriaMetricsProcess } from '../harness/victoria-metrics-process';
import { waitFor } from '../harness/wait-for';

/**
 * The v2 write configuration (InfluxDB 1.8+, 2.x, 3.x: /api/v2/write with token, org, bucket) exercised for real:
 * the service writes to VictoriaMetrics, which serves the same write API, and the test reads the points back
 * through VictoriaMetrics' export API.
 */
describe('ingestion with INFLUX_API=v2 (real VictoriaMetrics)', () => {
  let victoria: VictoriaMetricsProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    victoria = await VictoriaMetricsProcess.start();
    hub = await HubProcess.start({
      INFLUX_API: 'v2',
      INFLUX_URL: victoria.url,
      INFLUX_TOKEN: 'test-token',
      INFLUX_ORG: 'county',
      INFLUX_BUCKET: 'sensors',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await victoria?.cleanup();
  });

  it('writes every valid reading with its values and event time', async () => {
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water', 'heat'],
      devicesPerDomain: 2,
      idPrefix: 'v2-',
      count: 8,
      intervalMs: 25,
      seed: 11,
      recordReadings: true,
      faults: [{ mode: 'out-of-range', domain: 'water', devices: 1, everyNth: 4 }],
    }));
    const valid = (report.readings ?? []).filter((reading) => reading.valid);
    expect(report.acked).toBe(32);
    expect(valid).toHaveLength(30);
    await waitFor(async () => (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body, (stats) => stats.written === 30, 10_000, '30 written');

    const samplesSent = valid.reduce((sum, reading) => sum + Object.keys(reading.metrics).length, 0);
    const series = await victoria.waitForSamples('{device_id=~"v2-.*"}', samplesSent, 10_000);
    const stored = new Map<string, number>();
    for (const entry of series) {
      entry.timestamps.forEach((ts, index) => stored.set(`${entry.metric.device_id}@${ts}@${entry.metric.__name__}`, entry.values[index]));
    }
    expect(stored.size).toBe(samplesSent);
    for (const reading of valid) {
      for (const [metric, value] of Object.entries(reading.metrics)) {
        // VictoriaMetrics keeps about 12 significant digits; the simulator's values carry fewer.
        expect(stored.get(`${reading.deviceId}@${reading.ts}@${reading.domain}_${metric}`)).toBeCloseTo(value, 9);
      }
    }

    const health = await hub.get<{ influx: { ok: boolean; kind: string } }>('/api/health');
    expect(health.body.influx).toMatchObject({ ok: true, kind: 'influxdb-v2' });
  });
});
