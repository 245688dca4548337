import { InfluxdProcess } from '@hub/test-harness';
import { BenchOptions } from './bench-options';
import { Cleanup } from './cleanup';
import { countStoredReadings } from './influx-counts';
import { LineLoadResult } from './load-protocol';
import { BENCH_DATABASE, benchFleet, HOUR_MS, PerSecond, perSecond, ratePerSecond, runLoadJob, UsageReport, usageReport } from './phase-support';
import { ProcessSampler } from './process-stats';

export interface InfluxLimitResult {
  /** Points counted in InfluxDB afterwards, per second of the run: the figure. */
  readonly pointsPerSecond: number;
  readonly pointsCounted: number;
  /** Points in batches InfluxDB answered 204 to. */
  readonly pointsAcknowledged: number;
  readonly seconds: number;
  readonly perSecond: PerSecond | null;
  readonly failedRequests: number;
  readonly errors: readonly string[];
  readonly settings: { readonly devices: number; readonly batchLines: number; readonly concurrency: number; readonly metricsPerReading: string };
  readonly usage: UsageReport;
}

/**
 * The InfluxDB limit: the same lines the service would write for the same fleet, posted straight to a fresh influxd
 * in 5000-line batches by the load generator (a separate process), as fast as influxd takes them.
 */
export async function measureInfluxLimit(options: BenchOptions, cleanup: Cleanup): Promise<InfluxLimitResult> {
  return cleanup.around('influxd', await InfluxdProcess.start(), (influxd) => influxd.cleanup(), async (influxd) => {
    await influxd.createDatabase(BENCH_DATABASE);
    const sampler = new ProcessSampler();
    sampler.watch('influxd', influxd.pid);
    sampler.start();
    let from = 0;
    const job = {
      kind: 'line',
      influxUrl: influxd.url,
      database: BENCH_DATABASE,
      fleet: benchFleet(options.connections),
      batchLines: options.influxBatchLines,
      concurrency: options.influxConcurrency,
      durationMs: options.influxSeconds * 1000,
      tsBase: Date.now() - 2 * HOUR_MS,
    } as const;
    try {
      const result = await runLoadJob<LineLoadResult>(cleanup, job, {
        onReady: (pid) => sampler.watch('loadGenerator', pid),
        onGo: () => (from = sampler.mark()),
      });
      const to = sampler.mark();
      const counted = await countStoredReadings(influxd, BENCH_DATABASE);
      return {
        pointsPerSecond: ratePerSecond(counted, result.elapsedMs),
        pointsCounted: counted,
        pointsAcknowledged: result.points,
        seconds: Math.round(result.elapsedMs / 100) / 10,
        perSecond: perSecond(result.pointsPerSecond),
        failedRequests: result.failedRequests,
        errors: result.errors,
        settings: { devices: job.fleet.devices, batchLines: job.batchLines, concurrency: job.concurrency, metricsPerReading: '3–5' },
        usage: usageReport(sampler, ['influxd', 'loadGenerator'], from, to),
      };
    } finally {
      sampler.stop();
    }
  });
}
