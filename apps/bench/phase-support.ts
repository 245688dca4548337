import { HubProcess } from '@hub/test-harness';
import { ChildLink } from './child-link';
import { Cleanup } from './cleanup';
import { FleetOptions } from './bench-fleet';
import { LoadJob, LoadResult } from './load-protocol';
import { MachineUsage, ProcessSampler, ProcessUsage } from './process-stats';

/** What several phases share: the bench fleet, the load generator's life cycle, per-second figures. */

export const BENCH_DATABASE = 'bench';

/**
 * The bench's whole fleet connects from 127.0.0.1 (1,000 connections at once; 10,000 in ~11 s) and each device
 * publishes as fast as PUBACKs allow: far beyond the per-address and per-client defaults, which are sized for field
 * devices. Limits high enough never to bite keep the perimeter's code on the measured path without measuring it.
 */
export const BENCH_PERIMETER_ENV: Readonly<Record<string, string>> = {
  HUB_MQTT_CONNECT_RATE: '100000',
  HUB_MQTT_CONNECT_BURST: '100000',
  HUB_MQTT_RATE_LIMIT: '100000',
  HUB_MQTT_RATE_BURST: '100000',
};
export const HOUR_MS = 3_600_000;

export function benchFleet(devices: number): FleetOptions {
  return { devices, idPrefix: 'bench-', seed: 7 };
}

export interface UsageReport {
  readonly processes: Readonly<Record<string, ProcessUsage | null>>;
  readonly machine: MachineUsage | null;
  /** CPU of everything else on the machine in the window (100 = one core): a disturbed run shows here. */
  readonly otherCpuPercent: number | null;
}

export function usageReport(sampler: ProcessSampler, names: readonly string[], from: number, to: number): UsageReport {
  const processes = Object.fromEntries(names.map((name) => [name, sampler.usage(name, from, to)]));
  const machine = sampler.machineUsage(from, to);
  const ours = Object.values(processes).reduce((sum, usage) => sum + (usage?.cpuPercent ?? 0), 0);
  const otherCpuPercent = machine === null ? null : Math.max(0, Math.round(machine.busyPercent * machine.cores - ours));
  return { processes, machine, otherCpuPercent };
}

export interface PerSecond {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Spread of a per-second series, the first and last (partial) seconds left out. */
export function perSecond(values: readonly number[]): PerSecond | null {
  const full = values.slice(1, -1);
  if (full.length === 0) return null;
  const sorted = [...full].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

export const ratePerSecond = (count: number, ms: number): number => Math.round((count * 1000) / ms);

/**
 * Runs one load-generator job in a child process: `onReady` (after the MQTT connections are open, or at once for
 * line load) gets the child's pid; `go` marks the start of the measured window. Bounded by the job's duration.
 */
export async function runLoadJob<R extends LoadResult>(
  cleanup: Cleanup,
  job: LoadJob,
  hooks: { onReady?: (pid: number, connectMs: number) => void; onGo?: () => void; link?: (link: ChildLink) => void } = {},
): Promise<R> {
  return cleanup.around('load generator', new ChildLink('load-generator.js'), (child) => child.kill(), async (child) => {
    hooks.link?.(child);
    child.send({ type: 'job', job });
    let connectMs = 0;
    if (job.kind === 'mqtt') connectMs = (await child.next('connected', 120_000)).connectMs;
    hooks.onReady?.(child.pid, connectMs);
    hooks.onGo?.();
    child.send({ type: 'go' });
    const { result } = await child.next('result', job.durationMs + 120_000);
    await child.exit();
    return result as R;
  });
}

/** SIGTERM (the service writes what it holds and stops), SIGKILL after 20 s; then its data dir goes. Idempotent. */
export async function stopHub(hub: HubProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([hub.stop(), new Promise((done) => (timer = setTimeout(done, 20_000)))]);
  clearTimeout(timer);
  await hub.cleanup();
}
