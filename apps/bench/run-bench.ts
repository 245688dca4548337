import { BenchOptions, BenchUsageError, parseBenchArgs, USAGE } from './bench-options';
import { BenchResult, cpuBudgetOf, formatSummary, gitCommit, machineInfo, targetsOf, writeResult } from './bench-report';
import { BrokerLimitResult, measureBrokerLimit } from './broker-limit';
import { Cleanup, cleanUpOnSignals } from './cleanup';
import { ClusterIngestResult, measureClusterIngest } from './cluster-ingest';
import { ConnectionScaleResult, measureConnectionScale } from './connection-scale';
import { DecoderCostResult, measureDecoderCost } from './decoder-cost';
import { EndToEndResult, measureEndToEnd } from './end-to-end';
import { InfluxLimitResult, measureInfluxLimit } from './influx-limit';
import { PhaseRunner } from './phase-runner';

/**
 * `npm run bench`: the InfluxDB limit, the broker limit, end-to-end ingest through the real service and the
 * connection-scale run, one after another on this machine, each with its own fresh processes; then the ratios, a
 * summary and bench-results/<timestamp>.json. Everything it starts is stopped and removed, also on Ctrl-C.
 */
async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts = options;
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const runner = new PhaseRunner(opts.attempts);
  const worst = (...values: Array<number | null>): number => Math.max(...values.map((value) => value ?? 0));

  let influx: InfluxLimitResult | undefined;
  let broker: BrokerLimitResult | undefined;
  let e2e: EndToEndResult | undefined;
  let scale: ConnectionScaleResult | undefined;
  let decoder: DecoderCostResult | undefined;
  let cluster: ClusterIngestResult | undefined;
  try {
    if (opts.phases.has('influx')) {
      influx = await runner.run(`InfluxDB limit (${opts.influxSeconds} s)`, () => measureInfluxLimit(opts, cleanup), (r) => r.usage.otherCpuPercent);
    }
    if (opts.phases.has('broker')) {
      broker = await runner.run(`broker limit (${opts.brokerSeconds} s)`, () => measureBrokerLimit(opts, cleanup), (r) => r.usage.otherCpuPercent);
    }
    if (opts.phases.has('e2e')) {
      e2e = await runner.run(
        `end-to-end (${opts.e2eSeconds} s sustained, ${opts.latencySeconds} s at half rate)`,
        (attempt) => measureEndToEnd(opts, cleanup, `${stamp}-${attempt}`),
        (r) => worst(r.sustained.usage.otherCpuPercent, r.latency.usage.otherCpuPercent),
      );
    }
    if (opts.phases.has('scale')) {
      // Memory and no loss hardly depend on a neighbour's CPU use: one attempt (its summary shows the disturbance).
      scale = await runner.run(`connection scale (${opts.scaleDevices} devices, ${opts.scaleSeconds} s)`, () => measureConnectionScale(opts, cleanup));
    }
    if (opts.phases.has('decoder')) {
      // In this process, no network: its figures are one core's, and the machine's other users show as noise.
      decoder = await runner.run(`decoder cost (${opts.decoderRounds} rounds × 3 ways × ${opts.decoderSeconds} s)`, () => measureDecoderCost(opts.decoderSeconds, opts.decoderRounds));
    }
    if (opts.phases.has('cluster')) {
      // Its runs alternate one node and N nodes, so a neighbour's CPU use falls on both: one attempt.
      cluster = await runner.run(`cluster ingest (${opts.nodes} nodes, ${opts.clusterPairs} × 2 runs of ${opts.clusterSeconds} s)`, () => measureClusterIngest(opts, cleanup));
    }
  } catch (error) {
    // Interrupted: the signal handler is cleaning up and exits when done; the phase's failure is only a symptom.
    if (cleanup.interrupted) await new Promise(() => undefined);
    throw error;
  } finally {
    await cleanup.runAll();
  }

  const rate = e2e?.sustained.readingsPerSecond;
  const machine = machineInfo();
  const result: BenchResult = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: opts.quick,
    commit: gitCommit(),
    machine,
    phases: runner.records,
    serviceEnv: opts.serviceEnv,
    serviceNodeFlags: opts.serviceNodeFlags,
    influxLimit: influx,
    brokerLimit: broker,
    endToEnd: e2e,
    connectionScale: scale,
    decoderCost: decoder,
    clusterIngest: cluster,
    ratios: {
      endToEndToInfluxLimit: rate !== undefined && influx ? round(rate / influx.pointsPerSecond) : null,
      endToEndToBrokerLimit: rate !== undefined && broker ? round(rate / broker.messagesPerSecond) : null,
      httpToMqttBurst: e2e?.http && e2e.burst.readingsPerSecond > 0 ? round(e2e.http.readingsPerSecond / e2e.burst.readingsPerSecond) : null,
      httpToMqttEndToEnd: e2e?.http && rate ? round(e2e.http.readingsPerSecond / rate) : null,
    },
    cpuBudget: cpuBudgetOf(machine.cores, influx, broker, e2e),
    targets: targetsOf(e2e, scale),
  };
  const file = writeResult(result, opts.outDir, stamp);
  process.stdout.write(`\n${formatSummary(result)}\n\nResults: ${file}\n`);
  return 0;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
