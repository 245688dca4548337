/** Flags of `npm run bench`, with the durations of a full and a quick run. */
export const PHASES = ['influx', 'broker', 'e2e', 'scale', 'decoder', 'cluster'] as const;
export type PhaseName = (typeof PHASES)[number];
/** What a run without --only measures: the cluster phase starts N nodes, so it runs only when asked (--nodes, --only). */
const DEFAULT_PHASES: readonly PhaseName[] = ['influx', 'broker', 'e2e', 'scale', 'decoder'];

export interface BenchOptions {
  readonly quick: boolean;
  readonly phases: ReadonlySet<PhaseName>;
  /** CPU-profile the service during the sustained end-to-end phase. */
  readonly profile: boolean;
  readonly outDir: string;
  /** Simulated devices (= MQTT connections) of the broker-limit and end-to-end phases. */
  readonly connections: number;
  /** QoS 1 messages in flight per connection. */
  readonly window: number;
  readonly influxSeconds: number;
  readonly influxConcurrency: number;
  readonly influxBatchLines: number;
  readonly brokerSeconds: number;
  readonly e2eSeconds: number;
  readonly latencySeconds: number;
  /** Readings per message in the burst run of the end-to-end phase (devices flushing what they buffered in an outage). */
  readonly burstReadings: number;
  readonly burstSeconds: number;
  /** The end-to-end phase's gateway run: gateways (0: no gateway run), devices per gateway, seconds. */
  readonly gateways: number;
  readonly gatewayChildren: number;
  readonly gatewaySeconds: number;
  /** Own-connection and gateway runs taken in turn this many times. */
  readonly gatewayPairs: number;
  /** HTTP ingest run of the end-to-end phase: devices posting over keep-alive connections, readings per post, seconds. */
  readonly httpClients: number;
  readonly httpReadings: number;
  readonly httpSeconds: number;
  /** Runs of a disturbed limit or end-to-end phase, the least disturbed one kept. */
  readonly attempts: number;
  readonly scaleDevices: number;
  readonly scaleIntervalSeconds: number;
  /** How long the connected fleet publishes. */
  readonly scaleSeconds: number;
  /** Decoder-cost phase: seconds each way in runs per round, and rounds (the ways take turns; each one's best round is kept). */
  readonly decoderSeconds: number;
  readonly decoderRounds: number;
  /** Cluster phase: hub nodes, seconds of each closed-loop run, and one-node/all-node pairs of runs. */
  readonly nodes: number;
  readonly clusterSeconds: number;
  readonly clusterPairs: number;
  /** Service settings of the end-to-end and connection-scale phases on top of the bench's own (--service-env). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Node/V8 flags for the service in those phases, after its own (--service-node-flag): a later one wins. */
  readonly serviceNodeFlags: readonly string[];
}

export const USAGE = `npm run bench [-- flags]       (builds first; or: node dist/apps/bench/run-bench.js [flags])

  --quick              shorter phases (≈3½ min instead of ≈11)
  --only LIST          some of: ${PHASES.join(',')} (default: all but cluster; the ratios need influx, broker and e2e)
  --only decoder       just the in-process decoder cost: messages/s of the JSON contract, a JSONata mapping and a
                       QuickJS codec (≈6 s, quick ≈3 s; no InfluxDB, no service)
  --profile            CPU-profile the service during the sustained end-to-end phase (bench-results/*.cpuprofile)
  --scale-minutes N    how long the 10,000 devices publish (default 3; 10 for the memory-growth target)
  --connections N      devices of the broker and end-to-end phases (default 1000)
  --window N           QoS 1 messages in flight per connection (default 16)
  --burst-readings N   readings per message in the end-to-end phase's burst run (default 10)
  --gateways N         gateways of the end-to-end phase's gateway run (default 100; 0: no gateway run)
  --gateway-children N devices each gateway publishes for in that run (default 20); it alternates own-connection and
                       gateway runs (3 pairs of 30 s, quick 2 of 10 s) and compares the service's CPU per reading
  --nodes N            also run the cluster phase: N hub nodes on one PostgreSQL, Redis and influxd, the --connections
                       fleet on node-1 alone, then spread over the N nodes (no balancer), closed loop, in turn (quick: 1
                       pair of 15 s runs, full: 2 of 30 s); default 2 with --only cluster
  --http-clients N     devices posting over HTTP in the end-to-end phase's HTTP run, one keep-alive connection each (default 100)
  --http-readings N    readings per HTTP post in that run (default 10)
  --influx-batch N     lines per POST in the InfluxDB-limit phase (default 10000)
  --influx-writers N   POSTs in flight in the InfluxDB-limit phase (default 8)
  --attempts N         runs of a phase that other processes disturbed (default 3, quick 1); the least disturbed is kept
  --out DIR            where results go (default bench-results)
  --service-env K=V    a service setting (HUB_… or INFLUX_…, or glibc's MALLOC_…) for the end-to-end and scale
                       phases; repeatable, to compare settings side by side (recorded in the result file)
  --service-node-flag F  a Node/V8 flag for the service in those phases, after its own (e.g.
                       --max-semi-space-size=4 overrides the default 8); repeatable, recorded likewise
  --help`;

export class BenchUsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  let quick = false;
  let profile = false;
  let phases: Set<PhaseName> = new Set(DEFAULT_PHASES);
  let nodes: number | undefined;
  let outDir = 'bench-results';
  let connections = 1000;
  let window = 16;
  let burstReadings = 10;
  let gateways = 100;
  let gatewayChildren = 20;
  let httpClients = 100;
  let httpReadings = 10;
  let scaleMinutes: number | undefined;
  let influxBatchLines = 10_000;
  let influxConcurrency = 8;
  let attempts: number | undefined;
  const serviceEnv: Record<string, string> = {};
  const serviceNodeFlags: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) throw new BenchUsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--quick') quick = true;
    else if (flag === '--profile') profile = true;
    else if (flag === '--out') outDir = value();
    else if (flag === '--only') phases = parsePhases(value());
    else if (flag === '--connections') connections = wholeNumber(flag, value(), 1, 20_000);
    else if (flag === '--window') window = wholeNumber(flag, value(), 1, 1000);
    else if (flag === '--burst-readings') burstReadings = wholeNumber(flag, value(), 2, 1000);
    else if (flag === '--gateways') gateways = wholeNumber(flag, value(), 0, 1000);
    else if (flag === '--gateway-children') gatewayChildren = wholeNumber(flag, value(), 1, 1000);
    else if (flag === '--http-clients') httpClients = wholeNumber(flag, value(), 1, 1000);
    else if (flag === '--http-readings') httpReadings = wholeNumber(flag, value(), 1, 1000);
    else if (flag === '--influx-batch') influxBatchLines = wholeNumber(flag, value(), 1, 100_000);
    else if (flag === '--influx-writers') influxConcurrency = wholeNumber(flag, value(), 1, 64);
    else if (flag === '--nodes') nodes = wholeNumber(flag, value(), 2, 8);
    else if (flag === '--attempts') attempts = wholeNumber(flag, value(), 1, 10);
    else if (flag === '--scale-minutes') scaleMinutes = wholeNumber(flag, value(), 1, 60);
    else if (flag === '--service-env') {
      const [key, setting] = serviceSetting(value());
      serviceEnv[key] = setting;
    } else if (flag === '--service-node-flag') serviceNodeFlags.push(nodeFlag(value()));
    else throw new BenchUsageError(`unknown flag ${flag}`);
  }
  if (nodes !== undefined) phases.add('cluster');
  return {
    quick,
    phases,
    profile,
    outDir,
    connections,
    window,
    influxSeconds: quick ? 10 : 30,
    influxConcurrency,
    influxBatchLines,
    brokerSeconds: quick ? 10 : 30,
    e2eSeconds: quick ? 15 : 60,
    latencySeconds: quick ? 10 : 30,
    burstReadings,
    burstSeconds: quick ? 15 : 60,
    gateways,
    gatewayChildren,
    gatewaySeconds: quick ? 10 : 30,
    gatewayPairs: quick ? 2 : 3,
    httpClients,
    httpReadings,
    httpSeconds: quick ? 15 : 60,
    attempts: attempts ?? (quick ? 1 : 3),
    scaleDevices: 10_000,
    scaleIntervalSeconds: 10,
    scaleSeconds: (scaleMinutes ?? (quick ? 0.5 : 3)) * 60,
    decoderSeconds: quick ? 0.5 : 1,
    decoderRounds: 2,
    nodes: nodes ?? 2,
    clusterSeconds: quick ? 15 : 30,
    clusterPairs: quick ? 1 : 2,
    serviceEnv,
    serviceNodeFlags,
  };
}

function parsePhases(list: string): Set<PhaseName> {
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(PHASES as readonly string[]).includes(name)) throw new BenchUsageError(`--only: unknown phase "${name}"; phases: ${PHASES.join(', ')}`);
  }
  return new Set(names as PhaseName[]);
}

function serviceSetting(text: string): [string, string] {
  const match = /^((?:HUB|INFLUX|MALLOC)_[A-Z0-9_]+)=(.*)$/s.exec(text);
  if (!match) throw new BenchUsageError(`--service-env must be KEY=VALUE with a HUB_…, INFLUX_… or MALLOC_… key, got "${text}"`);
  return [match[1], match[2]];
}

/** One flag, e.g. --max-semi-space-size=4: no spaces, so it cannot smuggle in a second argument or a script. */
function nodeFlag(text: string): string {
  if (!/^--[a-z0-9][a-z0-9_-]*(=[^\s]+)?$/.test(text)) throw new BenchUsageError(`--service-node-flag must be one --flag or --flag=value, got "${text}"`);
  return text;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new BenchUsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}
