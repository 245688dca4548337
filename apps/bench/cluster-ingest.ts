import { ClusterProcess, settled } from '@hub/test-harness';
import { fleetToProvision } from './bench-fleet';
import { BenchOptions } from './bench-options';
import { Cleanup } from './cleanup';
import { countStoredReadings } from './influx-counts';
import { LatencySummary } from './latency-histogram';
import { MqttLoadResult } from './load-protocol';
import { BENCH_DATABASE, BENCH_PERIMETER_ENV, benchFleet, HOUR_MS, PerSecond, perSecond, ratePerSecond, runLoadJob, UsageReport, usageReport } from './phase-support';
import { ProcessSampler } from './process-stats';
import { provisionFleet } from './provision-fleet';

/** One closed-loop run against the cluster: the fleet on the first node only, or spread over every node. */
export interface ClusterRun {
  /** Nodes the connections were spread over (1: all on node-1, the others idle beside it). */
  readonly nodesLoaded: number;
  /** Readings counted in InfluxDB afterwards, per second from 'go' until every node had written everything. */
  readonly readingsPerSecond: number;
  readonly readingsCounted: number;
  readonly acknowledged: number;
  /** Every acknowledged reading is in InfluxDB, and nothing else is. */
  readonly allLanded: boolean;
  readonly seconds: number;
  readonly ackedPerSecond: PerSecond | null;
  readonly ackLatency: LatencySummary;
  readonly usage: UsageReport;
  readonly errors: readonly string[];
}

export interface ClusterIngestResult {
  readonly nodes: number;
  readonly connections: number;
  readonly window: number;
  /** One-node and all-node runs taken in turn, so that a neighbour's CPU use falls on both alike. */
  readonly pairs: ReadonlyArray<{ readonly one: ClusterRun; readonly all: ClusterRun }>;
  /** Median over the pairs of all-node readings/s ÷ one-node readings/s. */
  readonly scaling: number | null;
}

/**
 * `--nodes N`: N hub nodes in cluster mode (one PostgreSQL, one Redis, one influxd, each node with the service's
 * defaults), the bench fleet's raw MQTT connections either all on node-1 or spread over the N nodes directly (no
 * balancer in the measured path), closed loop. Same processes, same database, same fleet for both: the difference
 * is how many nodes share the work.
 */
export async function measureClusterIngest(options: BenchOptions, cleanup: Cleanup): Promise<ClusterIngestResult> {
  const cluster = await ClusterProcess.start({
    nodes: options.nodes,
    serviceDefaults: true,
    influxDatabase: BENCH_DATABASE,
    env: { ...BENCH_PERIMETER_ENV, ...options.serviceEnv },
  });
  return cleanup.around('cluster', cluster, (started) => started.cleanup(), async () => {
    await cluster.influxd.createDatabase(BENCH_DATABASE);
    const sampler = new ProcessSampler();
    cluster.nodes.forEach((node, index) => sampler.watch(cluster.nodeId(index), node.pid));
    sampler.watch('influxd', cluster.influxd.pid);
    sampler.watch('redis', cluster.redis.pid);
    sampler.watch('orchestrator', process.pid);
    sampler.start();
    try {
      const credentials = await provisionFleet(cluster.nodes[0], fleetToProvision(benchFleet(options.connections)));
      const pairs: Array<{ one: ClusterRun; all: ClusterRun }> = [];
      for (let pair = 0; pair < options.clusterPairs; pair++) {
        // Each run two hours before the last: no (device, ts) is sent twice.
        const tsBase = (run: number) => Date.now() - (2 * (2 * pair + run) + 2) * HOUR_MS;
        const one = await clusterRun(options, cleanup, cluster, sampler, credentials, 1, tsBase(0));
        const all = await clusterRun(options, cleanup, cluster, sampler, credentials, options.nodes, tsBase(1));
        pairs.push({ one, all });
      }
      const ratios = pairs.map(({ one, all }) => (one.readingsPerSecond > 0 ? all.readingsPerSecond / one.readingsPerSecond : 0)).sort((a, b) => a - b);
      return {
        nodes: options.nodes,
        connections: options.connections,
        window: options.window,
        pairs,
        scaling: ratios.length === 0 ? null : Math.round(ratios[Math.floor(ratios.length / 2)] * 100) / 100,
      };
    } finally {
      sampler.stop();
    }
  });
}

async function clusterRun(
  options: BenchOptions,
  cleanup: Cleanup,
  cluster: ClusterProcess,
  sampler: ProcessSampler,
  credentials: Readonly<Record<string, string>>,
  nodesLoaded: number,
  tsBase: number,
): Promise<ClusterRun> {
  await Promise.all(cluster.nodes.map((node) => settled(node)));
  const countedBefore = await countStoredReadings(cluster.influxd, BENCH_DATABASE);
  const ports = cluster.nodes.slice(0, nodesLoaded).map((node) => node.ports.mqttPort);
  let from = 0;
  const result = await runLoadJob<MqttLoadResult>(
    cleanup,
    {
      kind: 'mqtt',
      port: ports[0],
      ports,
      fleet: benchFleet(options.connections),
      window: options.window,
      readingsPerMessage: 1,
      rate: null,
      durationMs: options.clusterSeconds * 1000,
      tsBase,
      samplesPerSecond: 0,
      connectConcurrency: 100,
      credentials,
    },
    {
      onReady: (pid) => sampler.watch('loadGenerator', pid),
      onGo: () => (from = sampler.mark()),
    },
  );
  await Promise.all(cluster.nodes.map((node) => settled(node)));
  const to = sampler.mark();
  const counted = (await countStoredReadings(cluster.influxd, BENCH_DATABASE)) - countedBefore;
  const names = [...cluster.nodes.map((_, index) => cluster.nodeId(index)), 'influxd', 'redis', 'loadGenerator', 'orchestrator'];
  return {
    nodesLoaded,
    readingsPerSecond: ratePerSecond(counted, to - from),
    readingsCounted: counted,
    acknowledged: result.acked,
    allLanded: counted === result.acked,
    seconds: Math.round((to - from) / 100) / 10,
    ackedPerSecond: perSecond(result.ackedPerSecond),
    ackLatency: result.ackLatency,
    usage: usageReport(sampler, names, from, to),
    errors: result.errors,
  };
}

/** The summary's lines for the cluster phase. */
export function formatClusterIngest(result: ClusterIngestResult): string[] {
  const line = (run: ClusterRun): string => {
    const cpu = Object.entries(run.usage.processes)
      .filter(([name]) => name !== 'orchestrator')
      .map(([name, usage]) => `${name} ${usage ? `${usage.cpuPercent} %` : '?'}`)
      .join(', ');
    return (
      `${run.nodesLoaded === 1 ? '1 node ' : `${run.nodesLoaded} nodes`} ${Math.round(run.readingsPerSecond).toLocaleString('en-US').padStart(9)} readings/s  ` +
      `${run.readingsCounted.toLocaleString('en-US')} counted in ${run.seconds} s (${run.allLanded ? 'every acknowledged reading' : 'MISMATCH with the acknowledged count'}); ` +
      `publish→PUBACK p50 ${run.ackLatency.p50Ms} ms, p99 ${run.ackLatency.p99Ms} ms; CPU (100 % = one core): ${cpu}, other ${run.usage.otherCpuPercent ?? '?'} %` +
      (run.errors.length > 0 ? `; ${run.errors.length} errors, e.g. ${run.errors[0]}` : '')
    );
  };
  const lines = [`Cluster ingest   ${result.nodes} nodes on one PostgreSQL, Redis and influxd; ${result.connections} connections × ${result.window} in flight, on node-1 alone, then spread over all:`];
  result.pairs.forEach(({ one, all }) => lines.push(`                 ${line(one)}`, `                 ${line(all)}`));
  lines.push(`                 ${result.nodes} nodes / 1 node = ${result.scaling === null ? 'n/a' : result.scaling.toFixed(2)} (median of ${result.pairs.length} pair${result.pairs.length === 1 ? '' : 's'})`);
  return lines;
}
