import { DISTURBED_PERCENT, PhaseRecord } from './bench-report';
import { waitForQuietMachine } from './process-stats';

/**
 * Runs the phases one after another on a machine that may be shared: before each, waits (bounded) for other
 * processes to calm down; a phase whose measured windows other processes disturbed (over DISTURBED_PERCENT of a
 * core) is run again, up to `attempts` times, and the least disturbed attempt is kept. Every attempt is recorded.
 */
export class PhaseRunner {
  readonly records: PhaseRecord[] = [];

  constructor(private readonly attempts: number) {}

  async run<T>(name: string, measure: (attempt: number) => Promise<T>, disturbanceOf: (result: T) => number | null = () => null): Promise<T> {
    let best: { result: T; disturbance: number } | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      process.stderr.write(`==> ${name}${attempt > 1 ? `, attempt ${attempt} of ${this.attempts}` : ''}\n`);
      const quiet = await waitForQuietMachine();
      if (quiet.waitedMs > 2500) {
        process.stderr.write(`    waited ${Math.round(quiet.waitedMs / 1000)} s for other processes to calm down (now ${quiet.busyPercentOfCore} % of a core)\n`);
      }
      const started = Date.now();
      const result = await measure(attempt);
      const seconds = Math.round((Date.now() - started) / 1000);
      const disturbance = disturbanceOf(result);
      this.records.push({
        name,
        attempt,
        seconds,
        waitedForQuietSeconds: Math.round(quiet.waitedMs / 1000),
        otherCpuPercentAtStart: quiet.busyPercentOfCore,
        otherCpuPercentDuring: disturbance,
      });
      process.stderr.write(`    done in ${seconds} s${disturbance === null ? '' : `; other processes used ${disturbance} % of a core meanwhile`}\n`);
      if (best === undefined || (disturbance ?? 0) < best.disturbance) best = { result, disturbance: disturbance ?? 0 };
      if ((disturbance ?? 0) <= DISTURBED_PERCENT) break;
    }
    return (best as { result: T }).result;
  }
}
