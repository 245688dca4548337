import { HubProcess, InfluxdProcess, settled } from '@hub/test-harness';
import { BenchOptions } from './bench-options';
import { Cleanup } from './cleanup';
import { HubStatsRecorder } from './hub-stats-recorder';
import { countStoredReadings } from './influx-counts';
import { LatencySummary } from './latency-histogram';
import { HttpLoadResult } from './load-protocol';
import { BENCH_DATABASE, benchFleet, PerSecond, perSecond, ratePerSecond, runLoadJob, UsageReport, usageReport } from './phase-support';
import { ProcessSampler } from './process-stats';

export interface HttpIngestResult {
  readonly clients: number;
  readonly readingsPerPost: number;
  /** Readings counted in InfluxDB afterwards, per second from 'go' until the service had written everything. */
  readonly readingsPerSecond: number;
  readonly readingsCounted: number;
  /** Readings 200 answers said were accepted (durable when answered). */
  readonly accepted: number;
  readonly failedRequests: number;
  /** Every reading answered as accepted is in InfluxDB, and nothing else is. */
  readonly allLanded: boolean;
  readonly seconds: number;
  readonly acceptedPerSecond: PerSecond | null;
  readonly spooledMax: number;
  /** Post → 200 (every reading of the post durable). */
  readonly answerLatency: LatencySummary;
  readonly usage: UsageReport;
  readonly errors: readonly string[];
}

/**
 * HTTP ingest through the same service and influxd as the MQTT runs: `httpClients` devices of the bench fleet, one
 * keep-alive connection each, posting `httpReadings` readings per request in a closed loop (each waits for its
 * durable 200). Counted in InfluxDB afterwards like the MQTT runs, so the figures stand side by side.
 */
export async function httpIngestPhase(
  options: BenchOptions,
  cleanup: Cleanup,
  hub: HubProcess,
  influxd: InfluxdProcess,
  sampler: ProcessSampler,
  credentials: Readonly<Record<string, string>>,
  tsBase: number,
): Promise<HttpIngestResult> {
  let from = 0;
  const before = await settled(hub);
  const countedBefore = await countStoredReadings(influxd, BENCH_DATABASE);
  const recorder = new HubStatsRecorder(hub);
  let result: HttpLoadResult;
  try {
    result = await runLoadJob<HttpLoadResult>(
      cleanup,
      {
        kind: 'http',
        port: hub.ports.httpPort,
        fleet: benchFleet(options.httpClients),
        readingsPerPost: options.httpReadings,
        durationMs: options.httpSeconds * 1000,
        tsBase,
        credentials,
      },
      {
        onReady: (pid) => sampler.watch('loadGenerator', pid),
        onGo: () => {
          from = sampler.mark();
          recorder.start();
        },
      },
    );
  } finally {
    recorder.stop();
  }
  const after = await settled(hub);
  const to = sampler.mark();
  const counted = (await countStoredReadings(influxd, BENCH_DATABASE)) - countedBefore;
  return {
    clients: result.clients,
    readingsPerPost: options.httpReadings,
    readingsPerSecond: ratePerSecond(counted, to - from),
    readingsCounted: counted,
    accepted: result.accepted,
    failedRequests: result.failedRequests,
    allLanded: counted === result.accepted && after.written - before.written === result.accepted && after.spooled === before.spooled,
    seconds: Math.round((to - from) / 100) / 10,
    acceptedPerSecond: perSecond(result.acceptedPerSecond),
    spooledMax: recorder.maxSpooled,
    answerLatency: result.answerLatency,
    usage: usageReport(sampler, ['service', 'influxd', 'loadGenerator', 'orchestrator'], from, to),
    errors: result.errors,
  };
}
