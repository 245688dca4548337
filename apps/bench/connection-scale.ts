import { HubProcess, settled, InfluxdProcess } from '@hub/test-harness';
import { planDevices, resolveSimulationOptions, type SimulatorReport } from '@hub/devices-sim';
import { BUILT_IN_DOMAINS } from '@hub/contract';
import { BenchOptions } from './bench-options';
import { ChildLink } from './child-link';
import { Cleanup } from './cleanup';
import { HeapRecorder, HeapSample } from './heap-recorder';
import { countStoredReadings } from './influx-counts';
import { BENCH_DATABASE, BENCH_PERIMETER_ENV, stopHub, UsageReport, usageReport } from './phase-support';
import { ProcessSampler, readProcess } from './process-stats';
import type { ScaleFleetJob } from './scale-devices';
import { provisionFleet, writeCredentialsFile } from './provision-fleet';

export interface ConnectionScaleResult {
  readonly devices: number;
  readonly connected: number;
  /** Until every device had its CONNACK, opening 100 connections at a time (the simulator's default). */
  readonly connectSeconds: number;
  /** MQTT clients the service counted once all had connected. */
  readonly serviceConnectedClients: number | null;
  readonly intervalSeconds: number;
  readonly publishSeconds: number;
  readonly readingsSent: number;
  readonly acknowledged: number;
  readonly unacknowledged: number;
  readonly stored: number;
  readonly allLanded: boolean;
  readonly serviceRssMb: {
    readonly beforeConnect: number | null;
    readonly allConnected: number | null;
    readonly peak: number | null;
    readonly end: number | null;
    /** Least-squares slope of RSS over the publishing period, after the first interval. */
    readonly growthMbPerMinute: number | null;
    /** [seconds since all connected, MB], every 10 s. */
    readonly series: ReadonlyArray<readonly [number, number]>;
  };
  /** The service's JavaScript heap and external memory (its /metrics) every 10 s once all had connected. */
  readonly serviceHeapMb: {
    readonly allConnected: HeapSample | null;
    readonly end: HeapSample | null;
    readonly heapTotalPeak: number | null;
    readonly series: readonly HeapSample[];
  };
  /** CPU over the whole phase: connecting and publishing. */
  readonly usage: UsageReport;
  readonly reconnects: number;
  readonly dropped: number;
  readonly publishErrors: number;
  readonly errors: readonly string[];
}

/** 10,000 simulated devices on their own connections, each publishing every 10 s: connect time, memory, no loss. */
export async function measureConnectionScale(options: BenchOptions, cleanup: Cleanup): Promise<ConnectionScaleResult> {
  return cleanup.around('influxd', await InfluxdProcess.start(), (influxd) => influxd.cleanup(), async (influxd) => {
    await influxd.createDatabase(BENCH_DATABASE);
    const hub = await HubProcess.start(
      { INFLUX_URL: influxd.url, INFLUX_DATABASE: BENCH_DATABASE, ...BENCH_PERIMETER_ENV, ...options.serviceEnv },
      { nodeArgs: options.serviceNodeFlags },
    );
    return cleanup.around('service', hub, stopHub, async () => {
      const sampler = new ProcessSampler();
      sampler.watch('service', hub.pid);
      sampler.watch('influxd', influxd.pid);
      sampler.start();
      const beforeConnect = mb(readProcess(hub.pid as number)?.rssBytes);
      const devicesPerDomain = Math.ceil(options.scaleDevices / BUILT_IN_DOMAINS.length);
      // The same ids the fleet's simulator will use (scale-{domain}-{n}).
      const planned = planDevices(resolveSimulationOptions({ url: hub.mqttUrl, devicesPerDomain, idPrefix: 'scale-' }));
      const credentials = await writeCredentialsFile(await provisionFleet(hub, planned));
      const job: ScaleFleetJob = {
        url: hub.mqttUrl,
        devicesPerDomain,
        intervalMs: options.scaleIntervalSeconds * 1000,
        publishMs: options.scaleSeconds * 1000,
        credentialsFile: credentials.path,
      };
      try {
        return await cleanup.around('device fleet', new ChildLink('scale-devices.js', [JSON.stringify(job)]), (fleet) => fleet.kill(), async (fleet) => {
          sampler.watch('fleet', fleet.pid);
          const from = sampler.mark();
          const { connectMs, connections } = await fleet.next('connected', 600_000);
          const connectedAt = sampler.mark();
          const allConnected = mb(readProcess(hub.pid as number)?.rssBytes);
          const heap = new HeapRecorder(hub);
          heap.start(10_000);
          const health = await hub.get<{ broker?: { connectedClients?: number } }>('/api/health');
          const { result } = await fleet.next('result', job.publishMs + 180_000).finally(() => heap.stop());
          const report = result as SimulatorReport;
          const to = sampler.mark();
          await settled(hub, 120_000);
          const stored = await countStoredReadings(influxd, BENCH_DATABASE, 'scale-');
          const service = sampler.usage('service', from, to);
          const growthFrom = connectedAt + job.intervalMs;
          return {
            devices: job.devicesPerDomain * BUILT_IN_DOMAINS.length,
            connected: connections,
            connectSeconds: Math.round(connectMs / 100) / 10,
            serviceConnectedClients: health.body.broker?.connectedClients ?? null,
            intervalSeconds: options.scaleIntervalSeconds,
            publishSeconds: options.scaleSeconds,
            readingsSent: report.sent.readings,
            acknowledged: report.acked,
            unacknowledged: report.unacked,
            stored,
            allLanded: stored === report.acked && report.acked === report.valid && report.unacked === 0,
            serviceRssMb: {
              beforeConnect,
              allConnected,
              peak: service?.rssMbPeak ?? null,
              end: service?.rssMbEnd ?? null,
              growthMbPerMinute: slopePerMinute(sampler.rssSeries('service', growthFrom, to)),
              series: sampler.rssSeries('service', connectedAt, to).filter((_, index) => index % 10 === 0),
            },
            serviceHeapMb: {
              allConnected: heap.samples[0] ?? null,
              end: heap.samples[heap.samples.length - 1] ?? null,
              heapTotalPeak: heap.samples.length === 0 ? null : Math.max(...heap.samples.map((sample) => sample.heapTotalMb)),
              series: heap.samples,
            },
            usage: usageReport(sampler, ['service', 'influxd', 'fleet'], from, to),
            reconnects: report.reconnects,
            dropped: report.devices.dropped,
            publishErrors: report.publishErrors,
            errors: report.errors,
          };
        });
      } finally {
        sampler.stop();
        await credentials.remove();
      }
    });
  });
}

function slopePerMinute(points: ReadonlyArray<readonly [number, number]>): number | null {
  if (points.length < 10) return null;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? null : Math.round((numerator / denominator) * 60 * 10) / 10;
}

const mb = (bytes: number | undefined): number | null => (bytes === undefined ? null : Math.round(bytes / 1024 / 1024));
