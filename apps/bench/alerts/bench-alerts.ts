import { MetricCatalogue } from '@hub/contract';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SILENT_LOGGER } from '@hub/common';
import { parseDuration } from '@hub/common';
import { readAlertConfig, ConfigReader } from '@hub/config';
import { AlertEngine, type DeviceDirectory, type DirectoryDevice } from '@hub/alerts';
import type { Domain } from '@hub/contract';
import { createLineSink, InfluxQueryClient } from '@hub/influx';
import { Store } from '@hub/store';
import { InfluxdProcess, repoRoot } from '@hub/test-harness';
import { writeFleetHistory } from './fleet-history';

/**
 * `npm run bench:alerts`: how long one evaluation tick of the default rule pack takes for a fleet (10,000 devices:
 * 2,000 per domain) with an hour of history, against a real influxd started for the run on this machine. Prints a
 * table and writes artifacts/bench-alerts.json. Options: --devices-per-domain N, --interval 15s, --history 1h,
 * --passes N, --late-data 10m.
 */
const TARGET_SHARE = 0.1;
const DATABASE = 'bench_alerts';

interface RuleResult {
  readonly id: string;
  readonly intervalMs: number;
  readonly coldMs: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly shareOfInterval: number;
  readonly queries: number;
  readonly devicesInDetail: number;
  readonly openAlerts: number;
  /** Alerts raised over the whole run (resolved ones included: a burst 8 minutes ago is over by now). */
  readonly raisedAlerts: number;
}

function option(argv: readonly string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1] : fallback;
}

function durationOption(argv: readonly string[], name: string, fallback: string): number {
  const ms = parseDuration(option(argv, name, fallback));
  if (ms === undefined) throw new Error(`--${name} takes a duration like 15s, 10m or 1h`);
  return ms;
}

/** Share of all CPUs busy over one second, from /proc/stat (Linux). */
async function machineBusyShare(): Promise<number> {
  const sample = (): number[] => (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = sample();
  const delta = after.map((value, index) => value - (before[index] ?? 0));
  const total = delta.reduce((sum, value) => sum + value, 0);
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return total > 0 ? 1 - idle / total : 0;
}

/**
 * Other processes on a small machine (tests, browsers, other benchmarks) skew every figure: wait, up to a bound, for
 * three quiet seconds in a row, and report what the background load was.
 */
async function waitForQuietMachine(maxWaitMs: number): Promise<{ waitedMs: number; busyPercent: number }> {
  const started = Date.now();
  let quiet = 0;
  let busy = 1;
  while (quiet < 3 && Date.now() - started < maxWaitMs) {
    busy = await machineBusyShare();
    quiet = busy < 0.15 ? quiet + 1 : 0;
  }
  return { waitedMs: Date.now() - started, busyPercent: Math.round(busy * 100) };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(argv: readonly string[]): Promise<void> {
  const devicesPerDomain = Number(option(argv, 'devices-per-domain', '2000'));
  const intervalMs = durationOption(argv, 'interval', '15s');
  const historyMs = durationOption(argv, 'history', '1h');
  const passes = Number(option(argv, 'passes', '3'));
  const lateData = option(argv, 'late-data', '10m');
  const influxd = await InfluxdProcess.start();
  try {
    const sink = createLineSink({ api: 'v1', url: influxd.url, database: DATABASE, timeoutMs: 120_000 });
    await sink.prepare();
    const end = Date.now();
    process.stderr.write(`==> writing ${historyMs / 60_000} min of history for ${devicesPerDomain * 5} devices, one reading per ${intervalMs / 1000} s\n`);
    const history = await writeFleetHistory(sink, { devicesPerDomain, intervalMs, historyMs, end, linesPerWrite: 10_000, concurrentWrites: 2 });
    process.stderr.write(`    ${history.readings} readings (${history.fieldValues} values) in ${round(history.writeSeconds)} s\n`);

    const quiet = await waitForQuietMachine(180_000);
    process.stderr.write(`    background load before evaluating: ${quiet.busyPercent} % of the machine (waited ${Math.round(quiet.waitedMs / 1000)} s for quiet)\n`);
    // Evaluation runs on a clock that starts where the history ends, so the fleet looks as alive as it was written,
    // and the engine believes it has run for two hours (no start-up grace for no-data).
    const evaluationStart = performance.now();
    let clockOffset = -2 * 3_600_000;
    const clock = (): number => Math.round(end + (performance.now() - evaluationStart) + clockOffset);
    const directory = staticDirectory(history.devices);
    const config = readAlertConfig(new ConfigReader({ HUB_ALERT_LATE_DATA: lateData }));
    const engine = new AlertEngine(config, {
      store: Store.sqlite(':memory:'),
      influx: new InfluxQueryClient({ api: 'v1', url: influxd.url, database: DATABASE, timeoutMs: 120_000 }),
      directory,
      catalogue: MetricCatalogue.BUILT_IN,
      publish: async () => undefined,
      contactPoints: { kindOf: () => undefined, personalRecipients: () => [], send: async () => ({ ok: true, retryable: false, providerAnswer: '' }) },
      jobs: { add: () => undefined, remove: () => undefined },
      loggerFor: () => SILENT_LOGGER,
      maxFutureMs: 300_000,
      clock,
    });
    clockOffset = 0;
    await engine.rules.loadDefaultPack();
    const rules = await engine.ruleRepository.list();

    process.stderr.write(`==> evaluating ${rules.length} default rules: 1 cold pass (empty alert store), ${passes} steady passes, 1 concurrent pass\n`);
    const timings = new Map<string, number[]>(rules.map((rule) => [rule.id, []]));
    const reports = new Map<string, { queries: number; devicesEvaluated: number }>();
    const packMs: number[] = [];
    for (let pass = 0; pass <= passes; pass++) {
      let sum = 0;
      for (const rule of rules) {
        const started = performance.now();
        const report = await engine.evaluation.evaluate(rule);
        const ms = performance.now() - started;
        timings.get(rule.id)?.push(ms);
        reports.set(rule.id, report);
        sum += ms;
      }
      packMs.push(sum);
      process.stderr.write(`    pass ${pass}${pass === 0 ? ' (cold)' : ''}: ${Math.round(sum)} ms\n`);
    }
    const concurrentStarted = performance.now();
    await Promise.all(rules.map((rule) => engine.evaluation.evaluate(rule)));
    const concurrentMs = performance.now() - concurrentStarted;

    const openByRule = new Map<string, number>();
    const raisedByRule = new Map<string, number>();
    for (const alert of (await engine.alertRepository.list({ limit: 100_000 })).items) {
      raisedByRule.set(alert.ruleId, (raisedByRule.get(alert.ruleId) ?? 0) + 1);
      if (alert.state !== 'resolved') openByRule.set(alert.ruleId, (openByRule.get(alert.ruleId) ?? 0) + 1);
    }
    const results: RuleResult[] = rules.map((rule) => {
      const [cold, ...steady] = timings.get(rule.id) ?? [0];
      const medianMs = median(steady);
      return {
        id: rule.id,
        intervalMs: rule.evaluateEveryMs,
        coldMs: round(cold),
        medianMs: round(medianMs),
        maxMs: round(Math.max(...steady)),
        shareOfInterval: round(medianMs / rule.evaluateEveryMs, 4),
        queries: reports.get(rule.id)?.queries ?? 0,
        devicesInDetail: reports.get(rule.id)?.devicesEvaluated ?? 0,
        openAlerts: openByRule.get(rule.id) ?? 0,
        raisedAlerts: raisedByRule.get(rule.id) ?? 0,
      };
    });
    const steadyPackMs = median(packMs.slice(1));
    const utilisation = results.reduce((sum, result) => sum + result.medianMs / result.intervalMs, 0);
    const worst = results.reduce((a, b) => (b.shareOfInterval > a.shareOfInterval ? b : a));
    const shortestInterval = Math.min(...results.map((result) => result.intervalMs));
    const packShareOfShortestInterval = steadyPackMs / shortestInterval;
    const met = worst.shareOfInterval < TARGET_SHARE && utilisation < TARGET_SHARE;

    const output = {
      benchmark: 'alerts: one evaluation tick of the default rule pack',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30), node: process.version, influxd: influxdVersion(), influxdOnSameMachine: true },
      data: {
        devices: devicesPerDomain * 5,
        devicesPerDomain,
        historyMinutes: historyMs / 60_000,
        readingIntervalSeconds: intervalMs / 1000,
        readings: history.readings,
        values: history.fieldValues,
        writeSeconds: round(history.writeSeconds),
        troubledDevices: history.troubled,
      },
      settings: { lateData, passes },
      backgroundLoad: { busyPercentBeforeEvaluating: quiet.busyPercent, waitedSeconds: Math.round(quiet.waitedMs / 1000) },
      rules: results,
      pack: {
        rules: rules.length,
        coldPassMs: Math.round(packMs[0]),
        steadyPassMedianMs: Math.round(steadyPackMs),
        concurrentPassMs: Math.round(concurrentMs),
        shortestIntervalMs: shortestInterval,
        steadyPassShareOfShortestInterval: round(packShareOfShortestInterval, 4),
        utilisation: round(utilisation, 4),
        worstRule: { id: worst.id, shareOfInterval: worst.shareOfInterval },
      },
      target: { share: TARGET_SHARE, meaning: 'every rule’s tick, and the sum over rules of tick ÷ interval, under 10 % of the interval', met },
    };
    printTable(output.rules, output.pack, output.data, met);
    const file = join(repoRoot(), 'artifacts', 'bench-alerts.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(`\nwritten ${file}\n`);
  } finally {
    await influxd.cleanup();
  }
}

function staticDirectory(devices: readonly DirectoryDevice[]): DeviceDirectory {
  const byDomain = new Map<string, DirectoryDevice[]>();
  for (const device of devices) byDomain.set(device.domain, [...(byDomain.get(device.domain) ?? []), device]);
  return { devicesIn: (domain: Domain) => byDomain.get(domain) ?? [], townOf: () => null, villageOf: () => null };
}

function influxdVersion(): string {
  try {
    return execFileSync('/usr/bin/influxd', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function printTable(rules: readonly RuleResult[], pack: Record<string, unknown>, data: Record<string, unknown>, met: boolean): void {
  const pad = (text: string | number, width: number): string => String(text).padStart(width);
  const lines = [
    '',
    `${data.devices} devices, ${data.historyMinutes} min of history at one reading per ${data.readingIntervalSeconds} s (${data.readings} readings); ${cpus().length} CPUs, influxd on this machine`,
    '',
    `${'rule'.padEnd(32)}${pad('every', 7)}${pad('cold ms', 9)}${pad('median', 8)}${pad('max', 8)}${pad('% of int', 9)}${pad('queries', 8)}${pad('detail', 7)}${pad('open', 6)}${pad('raised', 7)}`,
    ...rules.map(
      (rule) =>
        `${rule.id.padEnd(32)}${pad(`${rule.intervalMs / 1000}s`, 7)}${pad(rule.coldMs, 9)}${pad(rule.medianMs, 8)}${pad(rule.maxMs, 8)}${pad((rule.shareOfInterval * 100).toFixed(2), 9)}${pad(rule.queries, 8)}${pad(rule.devicesInDetail, 7)}${pad(rule.openAlerts, 6)}${pad(rule.raisedAlerts, 7)}`,
    ),
    '',
    `pack, one tick of every rule: cold ${pack.coldPassMs} ms, steady ${pack.steadyPassMedianMs} ms (median), all at once ${pack.concurrentPassMs} ms`,
    `load (Σ tick ÷ interval): ${(Number(pack.utilisation) * 100).toFixed(2)} %; worst rule ${(pack.worstRule as { id: string }).id} at ${((pack.worstRule as { shareOfInterval: number }).shareOfInterval * 100).toFixed(2)} % of its interval`,
    `target (< ${TARGET_SHARE * 100} % of the interval): ${met ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench:alerts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
