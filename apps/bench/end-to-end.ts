import { join, resolve } from 'node:path';
import { HubProcess, settled, InfluxdProcess, repoRoot } from '@hub/test-harness';
import { loadHubConfig, WriterConfig } from '@hub/config';
import type { IngestStatsSnapshot } from '@hub/pipeline';
import { FleetOptions, fleetToProvision, payloadTemplate, planFleet } from './bench-fleet';
import { BenchOptions } from './bench-options';
import { Cleanup } from './cleanup';
import { ProfileSummary, summariseCpuProfile } from './cpu-profile-summary';
import { HubStatsRecorder } from './hub-stats-recorder';
import { HttpIngestResult, httpIngestPhase } from './http-ingest-run';
import { countStoredReadings } from './influx-counts';
import { LatencySummary } from './latency-histogram';
import { MqttLoadJob, MqttLoadResult } from './load-protocol';
import { BENCH_DATABASE, BENCH_PERIMETER_ENV, benchFleet, HOUR_MS, PerSecond, perSecond, ratePerSecond, runLoadJob, stopHub, UsageReport, usageReport } from './phase-support';
import { ProcessSampler } from './process-stats';
import { provisionFleet } from './provision-fleet';
import { QueryableLatency, QueryableProbe } from './queryable-probe';

const SAMPLES_PER_SECOND = 25;
const PROBE_POLL_MS = 20;

export interface SustainedResult {
  /** Readings in each message (1: single-reading messages). */
  readonly readingsPerMessage: number;
  /** Readings counted in InfluxDB afterwards, per second from 'go' until the service had written everything: the figure. */
  readonly readingsPerSecond: number;
  readonly readingsCounted: number;
  readonly acknowledged: number;
  readonly unacknowledged: number;
  /** Every acknowledged reading is in InfluxDB, and nothing else is. */
  readonly allLanded: boolean;
  readonly seconds: number;
  readonly connectMs: number;
  readonly ackedPerSecond: PerSecond | null;
  readonly writtenPerSecond: PerSecond | null;
  readonly spooledMax: number;
  readonly waitingForRoomMax: number;
  /** Publish → PUBACK of each message. */
  readonly ackLatency: LatencySummary;
  readonly usage: UsageReport;
  readonly errors: readonly string[];
}

export interface LatencyResult {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly seconds: number;
  /** Publish → queryable (sampled readings, polled in InfluxDB). */
  readonly queryable: QueryableLatency;
  /** Publish → PUBACK, every reading; a PUBACK means the reading was written (nothing went to the spool). */
  readonly ack: LatencySummary;
  readonly maxBacklog: number;
  readonly allLanded: boolean;
  readonly usage: UsageReport;
}

/**
 * The gateway run: own-connection and gateway runs of the same length taken in turn, `pairs` times, so that what
 * other processes do to the machine (it is shared) falls on both alike; the service's CPU per reading is compared
 * pair by pair.
 */
export interface GatewayComparison {
  readonly gateways: number;
  readonly childrenPerGateway: number;
  /** In flight per gateway connection: as many in total as the own connections have. */
  readonly window: number;
  readonly pairs: ReadonlyArray<{ readonly own: SustainedResult; readonly gateway: SustainedResult }>;
}

export interface EndToEndResult {
  readonly sustained: SustainedResult;
  readonly latency: LatencyResult;
  /** Closed loop again, each message a batch of readings: devices flushing what they buffered during an outage. */
  readonly burst: SustainedResult;
  /**
   * Closed loop again, one reading per message, through gateways: `gateways` connections each publishing for
   * `childrenPerGateway` devices on their own topics. Compared with `sustained` by the service's CPU per reading.
   */
  readonly gateway?: GatewayComparison;
  /** Devices posting batches over HTTP with a durable 200, beside the MQTT runs (absent in older result files). */
  readonly http?: HttpIngestResult;
  readonly service: { readonly rssMbHighWater: number | null; readonly finalStats: IngestStatsSnapshot };
  readonly settings: {
    readonly connections: number;
    readonly window: number;
    readonly qos: 1;
    readonly payloadExample: string;
    readonly serviceEnv: Readonly<Record<string, string>>;
    readonly writer: WriterConfig;
  };
  readonly profile?: ProfileSummary;
}

/**
 * Our end-to-end ingest: the real service process (built dist/, default settings) in front of a fresh influxd,
 * the bench fleet publishing QoS 1 JSON messages through raw MQTT connections.
 * 1. Sustained: single-reading messages, closed loop for e2eSeconds; every acknowledged reading must be counted in
 *    InfluxDB afterwards.
 * 2. Latency: open loop at half the sustained rate, publish → queryable measured on sampled readings.
 * 3. Burst: closed loop for burstSeconds with burstReadings readings per message (a JSON array), as devices send
 *    what they buffered through an outage; again every acknowledged reading must be counted.
 * 4. HTTP: httpClients devices post httpReadings readings per request over keep-alive connections (http-ingest-run.ts).
 */
export async function measureEndToEnd(options: BenchOptions, cleanup: Cleanup, stamp: string): Promise<EndToEndResult> {
  return cleanup.around('influxd', await InfluxdProcess.start(), (influxd) => influxd.cleanup(), async (influxd) => {
    await influxd.createDatabase(BENCH_DATABASE);
    const serviceEnv = { INFLUX_URL: influxd.url, INFLUX_DATABASE: BENCH_DATABASE, ...BENCH_PERIMETER_ENV, ...options.serviceEnv };
    // node --cpu-prof writes the profile when the service exits (after its graceful stop below).
    const profileName = `${stamp}-hub.cpuprofile`;
    const profileArgs = ['--cpu-prof', `--cpu-prof-dir=${resolve(options.outDir)}`, `--cpu-prof-name=${profileName}`];
    const hub = await HubProcess.start(serviceEnv, { nodeArgs: [...options.serviceNodeFlags, ...(options.profile ? profileArgs : [])] });
    return cleanup.around('service', hub, stopHub, async () => {
      const sampler = new ProcessSampler();
      sampler.watch('service', hub.pid);
      sampler.watch('influxd', influxd.pid);
      sampler.watch('orchestrator', process.pid);
      sampler.start();
      try {
        const credentials = await provisionFleet(hub, fleetToProvision(benchFleet(options.connections)));
        // Event times of the three runs lie an hour apart, so no (device, ts) is sent twice.
        const sustained = await closedLoopPhase(options, cleanup, hub, influxd, sampler, credentials, {
          readingsPerMessage: 1,
          seconds: options.e2eSeconds,
          tsBase: Date.now() - 3 * HOUR_MS,
        });
        const latency = await latencyPhase(options, cleanup, hub, influxd, sampler, sustained, credentials);
        const burst = await closedLoopPhase(options, cleanup, hub, influxd, sampler, credentials, {
          readingsPerMessage: options.burstReadings,
          seconds: options.burstSeconds,
          tsBase: Date.now() - HOUR_MS,
        });
        const gateway = await gatewayComparison(options, cleanup, hub, influxd, sampler, credentials);
        const http = await httpIngestPhase(options, cleanup, hub, influxd, sampler, credentials, Date.now() - 4 * HOUR_MS);
        const finalStats = await settled(hub);
        const rssMbHighWater = sampler.usage('service', 0, Number.MAX_SAFE_INTEGER)?.rssMbHighWater ?? null;
        const fleet = planFleet(benchFleet(1));
        await stopHub(hub);
        return {
          sustained,
          latency,
          burst,
          gateway,
          http,
          service: { rssMbHighWater, finalStats },
          settings: {
            connections: options.connections,
            window: options.window,
            qos: 1,
            payloadExample: payloadTemplate(fleet[0].variants[0]).replace(/"ts":0+/, `"ts":${Date.now()}`).replace(/"seq":0+/, '"seq":1000000'),
            serviceEnv: { ...serviceEnv, HUB_LOG_LEVEL: 'warn' },
            writer: loadHubConfig(serviceEnv).writer,
          },
          profile: options.profile ? summariseCpuProfile(join(options.outDir, profileName), repoRoot()) : undefined,
        };
      } finally {
        sampler.stop();
      }
    });
  });
}

interface ClosedLoopRun {
  readonly readingsPerMessage: number;
  readonly seconds: number;
  readonly tsBase: number;
  /** Default: the bench fleet, one connection per device. */
  readonly fleet?: FleetOptions;
  /** Default: options.window. */
  readonly window?: number;
}

async function gatewayComparison(
  options: BenchOptions,
  cleanup: Cleanup,
  hub: HubProcess,
  influxd: InfluxdProcess,
  sampler: ProcessSampler,
  ownCredentials: Readonly<Record<string, string>>,
): Promise<GatewayComparison | undefined> {
  const fleet = benchGatewayFleet(options);
  if (fleet === null) return undefined;
  const credentials = await provisionFleet(hub, fleetToProvision(fleet));
  const window = Math.min(1000, Math.round((options.window * options.connections) / options.gateways));
  const pairs: Array<{ own: SustainedResult; gateway: SustainedResult }> = [];
  for (let pair = 0; pair < options.gatewayPairs; pair++) {
    // Each pair an hour earlier than the last (the runs above took the last three hours): no (device, ts) twice.
    const tsBase = Date.now() - (4 + pair) * HOUR_MS;
    const run = { readingsPerMessage: 1, seconds: options.gatewaySeconds, tsBase };
    const own = await closedLoopPhase(options, cleanup, hub, influxd, sampler, ownCredentials, run);
    const gateway = await closedLoopPhase(options, cleanup, hub, influxd, sampler, credentials, { ...run, fleet, window });
    pairs.push({ own, gateway });
  }
  return { gateways: options.gateways, childrenPerGateway: options.gatewayChildren, window, pairs };
}

/** The gateway run's fleet (`benchgw-gw…` gateways over `benchgw-…` devices), or null when it is switched off. */
function benchGatewayFleet(options: BenchOptions): FleetOptions | null {
  if (options.gateways === 0) return null;
  return { devices: options.gateways * options.gatewayChildren, idPrefix: 'benchgw-', seed: 7, childrenPerGateway: options.gatewayChildren };
}

async function closedLoopPhase(
  options: BenchOptions,
  cleanup: Cleanup,
  hub: HubProcess,
  influxd: InfluxdProcess,
  sampler: ProcessSampler,
  credentials: Readonly<Record<string, string>>,
  run: ClosedLoopRun,
): Promise<SustainedResult> {
  let from = 0;
  const before = await settled(hub);
  // Readings of earlier runs in the same database: this run's figure counts only what it added.
  const countedBefore = await countStoredReadings(influxd, BENCH_DATABASE);
  const recorder = new HubStatsRecorder(hub);
  const job: MqttLoadJob = {
    kind: 'mqtt',
    port: hub.ports.mqttPort,
    fleet: run.fleet ?? benchFleet(options.connections),
    window: run.window ?? options.window,
    readingsPerMessage: run.readingsPerMessage,
    rate: null,
    durationMs: run.seconds * 1000,
    tsBase: run.tsBase,
    samplesPerSecond: 0,
    connectConcurrency: 100,
    credentials,
  };
  let result: MqttLoadResult;
  try {
    result = await runLoadJob<MqttLoadResult>(cleanup, job, {
      onReady: (pid) => sampler.watch('loadGenerator', pid),
      onGo: () => {
        from = sampler.mark();
        recorder.start();
      },
    });
  } finally {
    recorder.stop();
  }
  const after = await settled(hub);
  const to = sampler.mark();
  const counted = (await countStoredReadings(influxd, BENCH_DATABASE)) - countedBefore;
  const written = after.written - before.written;
  return {
    readingsPerMessage: run.readingsPerMessage,
    readingsPerSecond: ratePerSecond(counted, to - from),
    readingsCounted: counted,
    acknowledged: result.acked,
    unacknowledged: result.unacked,
    allLanded: counted === result.acked && written === result.acked && after.spooled === before.spooled,
    seconds: Math.round((to - from) / 100) / 10,
    connectMs: Math.round(result.connectMs),
    ackedPerSecond: perSecond(result.ackedPerSecond),
    writtenPerSecond: perSecond(recorder.writtenPerSecond()),
    spooledMax: recorder.maxSpooled,
    waitingForRoomMax: recorder.maxWaitingForRoom,
    ackLatency: result.ackLatency,
    usage: usageReport(sampler, ['service', 'influxd', 'loadGenerator', 'orchestrator'], from, to),
    errors: result.errors,
  };
}

async function latencyPhase(
  options: BenchOptions,
  cleanup: Cleanup,
  hub: HubProcess,
  influxd: InfluxdProcess,
  sampler: ProcessSampler,
  sustained: SustainedResult,
  credentials: Readonly<Record<string, string>>,
): Promise<LatencyResult> {
  const targetRate = Math.max(1, Math.round(sustained.readingsPerSecond / 2));
  const probe = new QueryableProbe(influxd.url, BENCH_DATABASE, PROBE_POLL_MS);
  let from = 0;
  const result = await runLoadJob<MqttLoadResult>(
    cleanup,
    {
      kind: 'mqtt',
      port: hub.ports.mqttPort,
      fleet: benchFleet(options.connections),
      window: options.window,
      readingsPerMessage: 1,
      rate: targetRate,
      durationMs: options.latencySeconds * 1000,
      tsBase: Date.now() - 2 * HOUR_MS,
      samplesPerSecond: SAMPLES_PER_SECOND,
      connectConcurrency: 100,
      credentials,
    },
    {
      link: (child) => (child.onSample = (sample) => probe.add(sample)),
      onReady: (pid) => sampler.watch('loadGenerator', pid),
      onGo: () => {
        from = sampler.mark();
        probe.start();
      },
    },
  );
  const to = sampler.mark();
  const queryable = await probe.finish();
  const after = await settled(hub);
  const counted = await countStoredReadings(influxd, BENCH_DATABASE);
  return {
    targetRate,
    achievedRate: ratePerSecond(result.acked, result.sendMs + result.drainMs),
    seconds: Math.round((to - from) / 100) / 10,
    queryable,
    ack: result.ackLatency,
    maxBacklog: result.maxBacklog,
    allLanded: counted === sustained.readingsCounted + result.acked && after.written === counted,
    usage: usageReport(sampler, ['service', 'influxd', 'loadGenerator', 'orchestrator'], from, to),
  };
}
