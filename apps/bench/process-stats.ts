import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU and memory of processes from /proc (Linux), sampled once a second, summarised over a window. */

const CLOCK_TICKS = clockTicks();

interface Sample {
  readonly at: number;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
  readonly rssBytes: number;
  /** VmHWM: the peak resident set size since the process started. */
  readonly peakRssBytes: number;
}

export interface ProcessUsage {
  /** Average over the window; 100 = one core busy. */
  readonly cpuPercent: number;
  /** Highest one-second average in the window. */
  readonly cpuPercentPeak: number;
  readonly rssMbPeak: number;
  readonly rssMbEnd: number;
  /** VmHWM at the end of the window: the process's peak RSS over its whole life so far. */
  readonly rssMbHighWater: number;
}

export interface MachineUsage {
  /** All cores: 100 = every core busy. */
  readonly busyPercent: number;
  readonly cores: number;
}

export class ProcessSampler {
  private readonly samples = new Map<string, Sample[]>();
  private readonly machine: Array<{ at: number; busy: number; total: number }> = [];
  private readonly pids = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs = 1000) {}

  watch(name: string, pid: number | undefined): void {
    if (pid === undefined || pid === 0) return;
    this.pids.set(name, pid);
    this.samples.set(name, []);
    this.sampleOne(name, pid);
  }

  start(): void {
    this.sampleAll();
    this.timer ??= setInterval(() => this.sampleAll(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** performance.now() of a moment, sampling right then so windows start and end on fresh figures. */
  mark(): number {
    this.sampleAll();
    return performance.now();
  }

  usage(name: string, from: number, to: number): ProcessUsage | null {
    const samples = (this.samples.get(name) ?? []).filter((sample) => sample.at >= from - 1 && sample.at <= to + 1);
    if (samples.length < 2) return null;
    const first = samples[0];
    const last = samples[samples.length - 1];
    let peak = 0;
    for (let index = 1; index < samples.length; index++) {
      const seconds = (samples[index].at - samples[index - 1].at) / 1000;
      if (seconds >= 0.5) peak = Math.max(peak, cpuPercent(samples[index].cpuTicks - samples[index - 1].cpuTicks, seconds));
    }
    return {
      cpuPercent: round(cpuPercent(last.cpuTicks - first.cpuTicks, (last.at - first.at) / 1000)),
      cpuPercentPeak: round(peak),
      rssMbPeak: mb(Math.max(...samples.map((sample) => sample.rssBytes))),
      rssMbEnd: mb(last.rssBytes),
      rssMbHighWater: mb(last.peakRssBytes),
    };
  }

  /** RSS of a process over time (seconds from `from`, MB), for growth checks. */
  rssSeries(name: string, from: number, to: number): Array<readonly [seconds: number, mb: number]> {
    return (this.samples.get(name) ?? [])
      .filter((sample) => sample.at >= from && sample.at <= to)
      .map((sample) => [round((sample.at - from) / 1000), mb(sample.rssBytes)] as const);
  }

  machineUsage(from: number, to: number): MachineUsage | null {
    const samples = this.machine.filter((sample) => sample.at >= from - 1 && sample.at <= to + 1);
    if (samples.length < 2) return null;
    const first = samples[0];
    const last = samples[samples.length - 1];
    return { busyPercent: round((100 * (last.busy - first.busy)) / (last.total - first.total)), cores: availableParallelism() };
  }

  private sampleAll(): void {
    for (const [name, pid] of this.pids) this.sampleOne(name, pid);
    const machine = readMachine();
    if (machine) this.machine.push({ at: performance.now(), ...machine });
  }

  private sampleOne(name: string, pid: number): void {
    const sample = readProcess(pid);
    if (sample) this.samples.get(name)?.push(sample);
  }
}

/** One process's CPU ticks and memory, or null once it has exited. */
export function readProcess(pid: number): Sample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses; the rest follows the last ')'. utime, stime: fields 14, 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      at: performance.now(),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      rssBytes: kib(status, 'VmRSS') * 1024,
      peakRssBytes: kib(status, 'VmHWM') * 1024,
    };
  } catch {
    return null;
  }
}

function readMachine(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are the idle part.
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - ticks[3] - ticks[4], total };
  } catch {
    return null;
  }
}

function kib(status: string, key: string): number {
  const match = new RegExp(`${key}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) : 0;
}

function cpuPercent(ticks: number, seconds: number): number {
  return seconds > 0 ? (100 * ticks) / CLOCK_TICKS / seconds : 0;
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * On a shared machine, waits (at most `maxWaitMs`) until the rest of the machine has been quiet for two seconds:
 * below `thresholdPercent` of one core in all. Returns what it saw, so a disturbed phase can be told apart.
 */
export async function waitForQuietMachine(maxWaitMs = 90_000, thresholdPercent = 25): Promise<{ waitedMs: number; busyPercentOfCore: number }> {
  const started = performance.now();
  const cores = availableParallelism();
  for (;;) {
    const before = readMachine();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = readMachine();
    const busy = before && after ? (100 * cores * (after.busy - before.busy)) / (after.total - before.total) : 0;
    const waitedMs = performance.now() - started;
    if (busy < thresholdPercent || waitedMs > maxWaitMs) return { waitedMs: Math.round(waitedMs), busyPercentOfCore: Math.round(busy) };
  }
}
