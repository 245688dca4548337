import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BrokerLimitResult } from './broker-limit';
import { type ClusterIngestResult, formatClusterIngest } from './cluster-ingest';
import { ConnectionScaleResult } from './connection-scale';
import { type DecoderCostResult, formatDecoderCost } from './decoder-cost';
import { EndToEndResult, GatewayComparison, SustainedResult } from './end-to-end';
import type { HeapSample } from './heap-recorder';
import { InfluxLimitResult } from './influx-limit';
import { LatencySummary } from './latency-histogram';
import { UsageReport } from './phase-support';

export interface PhaseRecord {
  readonly name: string;
  readonly attempt: number;
  readonly seconds: number;
  /** How long the bench waited for other processes to calm down first, and how busy they were when it began. */
  readonly waitedForQuietSeconds: number;
  readonly otherCpuPercentAtStart: number;
  /** What other processes used during the measured windows (the worst window), 100 = one core. */
  readonly otherCpuPercentDuring: number | null;
}

/** One run's figures, as written to bench-results/<timestamp>.json so that runs can be compared. */
export interface BenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly commit: string | null;
  readonly machine: { readonly cores: number; readonly cpu: string; readonly memoryGb: number; readonly node: string; readonly influxd: string | null };
  readonly phases: readonly PhaseRecord[];
  /** Service settings given with --service-env, on top of the bench's own (none: the service's defaults). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Node/V8 flags given with --service-node-flag, after the service's own (absent in older result files). */
  readonly serviceNodeFlags?: readonly string[];
  readonly influxLimit?: InfluxLimitResult;
  readonly brokerLimit?: BrokerLimitResult;
  readonly endToEnd?: EndToEndResult;
  readonly connectionScale?: ConnectionScaleResult;
  /** In-process cost of a message through the contract alone, a JSONata mapping and a QuickJS codec (absent in older files). */
  readonly decoderCost?: DecoderCostResult;
  /** --nodes N: ingest of one node and of N nodes of a cluster, side by side (absent in older files and runs without it). */
  readonly clusterIngest?: ClusterIngestResult;
  /** Measured in this run, side by side. */
  readonly ratios: {
    readonly endToEndToInfluxLimit: number | null;
    readonly endToEndToBrokerLimit: number | null;
    /** HTTP ingest readings/s over MQTT's with the same readings per message (the burst run), and over one per message. */
    readonly httpToMqttBurst?: number | null;
    readonly httpToMqttEndToEnd?: number | null;
  };
  /** CPU time per reading (per message, per point) of each process, measured in this run: where the target's budget goes. */
  readonly cpuBudget: CpuBudget | null;
  readonly targets: Readonly<Record<string, { readonly target: string; readonly measured: string; readonly met: boolean } | undefined>>;
}

/** Other processes above this share of one core during a phase make its figures suspect on a 2-core machine. */
export const DISTURBED_PERCENT = 20;

export const TARGETS = { readingsPerSecond: 90_000, p99QueryableMs: 1500, rssMbAt10k: 300 };

export function machineInfo(): BenchResult['machine'] {
  return { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, influxd: run('influxd', ['version']) };
}

/** HEAD, marked +dirty when the working tree (which is what got built and measured) differs from it. */
export function gitCommit(): string | null {
  const head = run('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']);
  return head === null ? null : `${head}${dirty ? '+dirty' : ''}`;
}

export function targetsOf(e2e: EndToEndResult | undefined, scale: ConnectionScaleResult | undefined): BenchResult['targets'] {
  const p99 = e2e?.latency.queryable.p99Ms;
  const rss = scale?.serviceRssMb.peak;
  const rate = (run: SustainedResult, what: string): { target: string; measured: string; met: boolean } => ({
    target: `≥ ${n(TARGETS.readingsPerSecond)} readings/s for 60 s, ${what}`,
    measured: `${n(run.readingsPerSecond)} readings/s for ${run.seconds} s${run.allLanded ? '' : ' (NOT every acknowledged reading landed)'}`,
    met: run.readingsPerSecond >= TARGETS.readingsPerSecond && run.seconds >= 60 && run.allLanded,
  });
  return {
    endToEnd: e2e && rate(e2e.sustained, 'one reading per message'),
    burst: e2e?.burst && rate(e2e.burst, `${e2e.burst.readingsPerMessage} readings per message (devices flushing after an outage)`),
    latency: e2e && { target: `p99 publish→queryable ≤ ${TARGETS.p99QueryableMs} ms at half rate`, measured: `${p99} ms`, met: p99 != null && p99 <= TARGETS.p99QueryableMs },
    memory: scale && {
      target: `service RSS ≤ ${TARGETS.rssMbAt10k} MB at 10,000 devices`,
      measured: `${rss} MB peak over ${scale.publishSeconds} s`,
      met: rss != null && rss <= TARGETS.rssMbAt10k && scale.connected >= 10_000,
    },
  };
}

/** Microseconds of CPU (all threads) per unit of work, by process. */
export type CpuPerUnit = Readonly<Record<string, number | null>>;

export interface CpuBudget {
  /** All cores' CPU time per reading if the end-to-end target were met: what the whole machine can spend on one. */
  readonly targetMicrosPerReading: number;
  /** Sustained end-to-end phase, per reading counted in InfluxDB; total: service, influxd and load generator summed. */
  readonly endToEnd: (CpuPerUnit & { readonly total: number | null }) | null;
  /** The same for the burst run (several readings per message). */
  readonly burst: (CpuPerUnit & { readonly total: number | null }) | null;
  /** The same for the gateway run (one reading per message, many devices per connection). */
  readonly gateway?: (CpuPerUnit & { readonly total: number | null }) | null;
  /** The service's CPU per reading through gateways over its CPU per reading from devices on their own connections. */
  readonly gatewayToOwnConnectionService?: number | null;
  /** The same for the HTTP ingest run (absent in older result files). */
  readonly http?: (CpuPerUnit & { readonly total: number | null }) | null;
  /** Aedes alone, per QoS 1 message delivered and acknowledged. */
  readonly brokerLimit: CpuPerUnit | null;
  /** influxd at its limit, per point written. */
  readonly influxLimit: CpuPerUnit | null;
}

/** CPU microseconds per unit of a phase's throughput, per process (cpuPercent 100 = one core busy for the whole phase). */
export function cpuPerUnit(usage: UsageReport, unitsPerSecond: number): CpuPerUnit {
  const micros = (percent: number | undefined): number | null => (percent === undefined || unitsPerSecond <= 0 ? null : Math.round((percent / 100) * (1e7 / unitsPerSecond)) / 10);
  return Object.fromEntries(Object.entries(usage.processes).map(([name, value]) => [name, micros(value?.cpuPercent)]));
}

export function cpuBudgetOf(cores: number, influx: InfluxLimitResult | undefined, broker: BrokerLimitResult | undefined, e2e: EndToEndResult | undefined): CpuBudget | null {
  if (!influx && !broker && !e2e) return null;
  return {
    targetMicrosPerReading: Math.round((cores * 1e7) / TARGETS.readingsPerSecond) / 10,
    endToEnd: e2e ? perReading(e2e.sustained) : null,
    burst: e2e?.burst ? perReading(e2e.burst) : null,
    ...(e2e?.gateway ? gatewayBudget(e2e.gateway) : {}),
    http: e2e?.http ? perReading(e2e.http) : null,
    brokerLimit: broker ? cpuPerUnit(broker.usage, broker.messagesPerSecond) : null,
    influxLimit: influx ? cpuPerUnit(influx.usage, influx.pointsPerSecond) : null,
  };
}

function serviceCostRatio(gateway: CpuPerUnit, own: CpuPerUnit): number | null {
  const [a, b] = [gateway.service, own.service];
  return a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100;
}

/** The gateway runs' CPU per reading (of the pair least disturbed by other processes) and the median ratio over the pairs. */
function gatewayBudget(comparison: GatewayComparison): Pick<CpuBudget, 'gateway' | 'gatewayToOwnConnectionService'> {
  const ratios = comparison.pairs.map(({ own, gateway }) => serviceCostRatio(perReading(gateway), perReading(own))).filter((ratio): ratio is number => ratio !== null);
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted.length === 0 ? null : sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : Math.round(((sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2) * 100) / 100;
  const quietest = [...comparison.pairs].sort((a, b) => disturbance(a) - disturbance(b))[0];
  return { gateway: quietest ? perReading(quietest.gateway) : null, gatewayToOwnConnectionService: median };
}

function disturbance(pair: GatewayComparison['pairs'][number]): number {
  return (pair.own.usage.otherCpuPercent ?? 0) + (pair.gateway.usage.otherCpuPercent ?? 0);
}

function perReading(run: Pick<SustainedResult, 'usage' | 'readingsPerSecond'>): CpuPerUnit & { readonly total: number | null } {
  const perProcess = cpuPerUnit(run.usage, run.readingsPerSecond);
  // The orchestrator only watches; it is not part of what a county would run.
  const values = Object.entries(perProcess)
    .filter(([name]) => name !== 'orchestrator')
    .map(([, value]) => value);
  const total = values.some((value) => value === null) ? null : Math.round(values.reduce<number>((sum, value) => sum + (value ?? 0), 0) * 10) / 10;
  return { ...perProcess, total };
}

export function writeResult(result: BenchResult, outDir: string, stamp: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** What the service ran with beyond its defaults (--service-env, --service-node-flag). */
export function serviceSettingsLine(env: Readonly<Record<string, string>>, nodeFlags: readonly string[]): string {
  const changes = [...Object.entries(env).map(([key, value]) => `${key}=${value}`), ...nodeFlags.map((flag) => `node ${flag}`)];
  return changes.length === 0 ? 'Service settings: defaults' : `Service settings: defaults but ${changes.join(', ')}`;
}

/** The readable summary printed at the end of a run. */
export function formatSummary(result: BenchResult): string {
  const { machine, influxLimit: influx, brokerLimit: broker, endToEnd: e2e, connectionScale: scale } = result;
  const lines = [
    `County Sensing Hub benchmark — ${result.startedAt}, ${result.quick ? 'quick' : 'full'} run, commit ${result.commit ?? '?'}`,
    `${machine.cores} cores (${machine.cpu}) shared by influxd, the service and the load generator; ${machine.memoryGb} GB; Node ${machine.node}; ${machine.influxd ?? 'influxd ?'}`,
  ];
  lines.push(serviceSettingsLine(result.serviceEnv ?? {}, result.serviceNodeFlags ?? []), '');
  if (influx) {
    lines.push(
      `InfluxDB limit   ${pad(n(influx.pointsPerSecond))} points/s    ${n(influx.pointsCounted)} points counted in ${influx.seconds} s; ${influx.settings.batchLines}-line batches, ${influx.settings.concurrency} in flight; per second ${spread(influx.perSecond)}`,
      `                 ${usage(influx.usage)}${influx.failedRequests ? `; ${influx.failedRequests} failed requests (retried)` : ''}`,
    );
  }
  if (broker) {
    lines.push(
      `Broker limit     ${pad(n(broker.messagesPerSecond))} msgs/s      Aedes alone, QoS 1 to an in-process subscriber; ${broker.settings.connections} connections × ${broker.settings.window} in flight; per second ${spread(broker.perSecond)}`,
      `                 ${usage(broker.usage)}; ${n(broker.deliveredToSubscriber)} delivered, ${n(broker.acknowledged)} acknowledged`,
    );
  }
  if (e2e) {
    const s = e2e.sustained;
    const l = e2e.latency;
    lines.push(
      `End-to-end       ${pad(n(s.readingsPerSecond))} readings/s  ${n(s.readingsCounted)} counted in InfluxDB in ${s.seconds} s (${s.allLanded ? 'every acknowledged reading, nothing else' : 'MISMATCH with the acknowledged count'}); ${e2e.settings.connections} connections × ${e2e.settings.window} in flight`,
      `                 per second: acknowledged ${spread(s.ackedPerSecond)}, written ${spread(s.writtenPerSecond)}; spooled ${s.spooledMax}; publish→PUBACK ${latency(s.ackLatency)}`,
      `                 ${usage(s.usage)}; service peak RSS ${e2e.service.rssMbHighWater} MB`,
      `Ratios           end-to-end / InfluxDB limit = ${ratio(result.ratios.endToEndToInfluxLimit)}   end-to-end / broker limit = ${ratio(result.ratios.endToEndToBrokerLimit)}`,
      `Latency          at ${n(l.targetRate)} readings/s (half; achieved ${n(l.achievedRate)}/s, ${l.seconds} s): publish→queryable ${latency(l.queryable)} (${l.queryable.count} samples polled every ${l.queryable.pollIntervalMs} ms${l.queryable.neverSeen ? `, ${l.queryable.neverSeen} never seen` : ''}); publish→PUBACK ${latency(l.ack)}`,
      `                 ${usage(l.usage)}; ${l.allLanded ? 'every acknowledged reading landed' : 'MISMATCH: not every acknowledged reading landed'}`,
    );
    const b = e2e.burst;
    if (b) {
      lines.push(
        `Burst            ${pad(n(b.readingsPerSecond))} readings/s  ${b.readingsPerMessage} readings per message (a device flushing its buffer); ${n(b.readingsCounted)} counted in InfluxDB in ${b.seconds} s (${b.allLanded ? 'every acknowledged reading, nothing else' : 'MISMATCH with the acknowledged count'})`,
        `                 per second: acknowledged ${spread(b.ackedPerSecond)}, written ${spread(b.writtenPerSecond)}; spooled ${b.spooledMax}; publish→PUBACK ${latency(b.ackLatency)}`,
        `                 ${usage(b.usage)}`,
      );
    }
    const g = e2e.gateway;
    if (g) {
      lines.push(`Gateways         ${g.gateways} gateways × ${g.childrenPerGateway} devices (one reading per message on each device's topic, ${g.window} in flight per gateway) against the 1 reading/message run, in turn:`);
      g.pairs.forEach(({ own, gateway }, index) => {
        const [a, b] = [perReading(own).service, perReading(gateway).service];
        lines.push(
          `                 pair ${index + 1}: own ${n(own.readingsPerSecond)}/s, service ${a ?? '?'} µs/reading (other processes ${own.usage.otherCpuPercent ?? '?'} %) | gateways ${n(gateway.readingsPerSecond)}/s, service ${b ?? '?'} µs/reading (other processes ${gateway.usage.otherCpuPercent ?? '?'} %)${own.allLanded && gateway.allLanded ? '' : ' MISMATCH: not every acknowledged reading landed'}`,
        );
      });
    }
    const h = e2e.http;
    if (h) {
      lines.push(
        `HTTP ingest      ${pad(n(h.readingsPerSecond))} readings/s  ${h.clients} keep-alive clients × ${h.readingsPerPost} readings per post, each answered once durable; ${n(h.readingsCounted)} counted in InfluxDB in ${h.seconds} s (${h.allLanded ? 'every accepted reading, nothing else' : 'MISMATCH with the accepted count'})`,
        `                 per second: accepted ${spread(h.acceptedPerSecond)}; spooled ${h.spooledMax}; post→200 ${latency(h.answerLatency)}${h.failedRequests ? `; ${h.failedRequests} failed requests (retried)` : ''}`,
        `                 ${usage(h.usage)}`,
        `                 HTTP / MQTT burst (${b?.readingsPerMessage ?? '?'} per message) = ${ratio(result.ratios.httpToMqttBurst ?? null)}   HTTP / MQTT end-to-end (1 per message) = ${ratio(result.ratios.httpToMqttEndToEnd ?? null)}`,
      );
    }
    if (e2e.profile) {
      lines.push(`Service profile  ${e2e.profile.file} (${n(e2e.profile.profiledMs)} ms, ${e2e.profile.idlePercent} % idle); top self time, % of busy:`);
      for (const entry of e2e.profile.top) lines.push(`                 ${String(entry.percentOfBusy).padStart(5)} %  ${entry.function}  ${entry.location}`);
      lines.push(`                 by area: ${e2e.profile.byArea.slice(0, 8).map((entry) => `${entry.area} ${entry.percentOfBusy} %`).join(', ')}`);
    }
  }
  if (scale) {
    const rss = scale.serviceRssMb;
    lines.push(
      `Connection scale ${n(scale.connected)} of ${n(scale.devices)} devices connected in ${scale.connectSeconds} s (service counted ${scale.serviceConnectedClients ?? '?'}); a reading each every ${scale.intervalSeconds} s for ${scale.publishSeconds} s`,
      `                 ${n(scale.readingsSent)} sent, ${n(scale.acknowledged)} acknowledged, ${n(scale.stored)} in InfluxDB: ${scale.allLanded ? 'every reading landed' : 'NOT every reading landed'}; reconnects ${scale.reconnects}, publish errors ${scale.publishErrors}`,
      `                 service RSS ${rss.beforeConnect} MB idle → ${rss.allConnected} MB connected, peak ${rss.peak} MB, end ${rss.end} MB, trend ${rss.growthMbPerMinute ?? '?'} MB/min`,
      `                 JavaScript heap used / reserved, external: ${heapLine(scale.serviceHeapMb.allConnected)} connected, ${heapLine(scale.serviceHeapMb.end)} at the end; reserved at most ${scale.serviceHeapMb.heapTotalPeak ?? '?'} MB`,
      `                 ${usage(scale.usage)}`,
    );
  }
  if (result.decoderCost) lines.push(...formatDecoderCost(result.decoderCost));
  if (result.clusterIngest) lines.push(...formatClusterIngest(result.clusterIngest));
  if (result.cpuBudget) lines.push(...formatCpuBudget(result.cpuBudget));
  const attempts = new Map<string, string[]>();
  for (const record of result.phases) {
    const key = record.name.replace(/ \(.*$/, '');
    attempts.set(key, [...(attempts.get(key) ?? []), record.otherCpuPercentDuring === null ? '?' : `${record.otherCpuPercentDuring} %`]);
  }
  lines.push(
    '',
    `Other processes during each attempt (% of a core; over ${DISTURBED_PERCENT} % = disturbed, retried, least disturbed kept): ` +
      [...attempts.entries()].map(([name, values]) => `${name} ${values.join(', ')}`).join('; '),
  );
  const targets = Object.values(result.targets).filter((entry) => entry !== undefined);
  if (targets.length > 0) {
    lines.push('', 'Targets (issue 7):');
    for (const entry of targets) lines.push(`  ${entry.met ? 'met   ' : 'MISSED'}  ${entry.target}: ${entry.measured}`);
  }
  return lines.join('\n');
}

function formatCpuBudget(budget: CpuBudget): string[] {
  const list = (perUnit: CpuPerUnit): string =>
    Object.entries(perUnit)
      .filter(([name]) => name !== 'total' && name !== 'orchestrator')
      .map(([name, value]) => `${name} ${value ?? '?'}`)
      .join(', ');
  const lines = [`CPU per reading  at ${n(TARGETS.readingsPerSecond)} readings/s the machine's cores allow ${budget.targetMicrosPerReading} µs of CPU per reading in all`];
  if (budget.endToEnd) lines.push(`                 end-to-end spent ${budget.endToEnd.total ?? '?'} µs: ${list(budget.endToEnd)} (µs per reading)`);
  if (budget.burst) lines.push(`                 burst spent ${budget.burst.total ?? '?'} µs: ${list(budget.burst)} (µs per reading)`);
  if (budget.gateway) {
    lines.push(`                 gateways spent ${budget.gateway.total ?? '?'} µs: ${list(budget.gateway)} (µs per reading, least disturbed pair); service per reading, gateway / own connection = ${budget.gatewayToOwnConnectionService ?? '?'} (median of the pairs)`);
  }
  if (budget.http) lines.push(`                 HTTP ingest spent ${budget.http.total ?? '?'} µs: ${list(budget.http)} (µs per reading)`);
  if (budget.brokerLimit) lines.push(`                 Aedes alone: ${list(budget.brokerLimit)} (µs per message)`);
  if (budget.influxLimit) lines.push(`                 InfluxDB at its limit: ${list(budget.influxLimit)} (µs per point)`);
  return lines;
}

function heapLine(sample: HeapSample | null): string {
  return sample === null ? '?' : `${sample.heapUsedMb} / ${sample.heapTotalMb} MB, ${sample.externalMb} MB`;
}

function usage(report: UsageReport): string {
  const parts = Object.entries(report.processes).map(([name, value]) => `${name} ${value ? `${value.cpuPercent} %` : '?'}`);
  const disturbed = (report.otherCpuPercent ?? 0) > DISTURBED_PERCENT ? ' (DISTURBED: compare with care)' : '';
  return `CPU (100 % = one core): ${parts.join(', ')}, other processes ${report.otherCpuPercent ?? '?'} %${disturbed}; machine ${report.machine ? `${report.machine.busyPercent} % busy` : '?'}`;
}

function latency(summary: LatencySummary): string {
  return summary.count === 0 ? 'n/a' : `p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms`;
}

function spread(values: { min: number; median: number; max: number } | null): string {
  return values === null ? 'n/a' : `min ${n(values.min)} / median ${n(values.median)} / max ${n(values.max)}`;
}

const n = (value: number): string => Math.round(value).toLocaleString('en-US');
const pad = (text: string): string => text.padStart(9);
const ratio = (value: number | null): string => (value === null ? 'n/a (phase not run)' : value.toFixed(2));

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
