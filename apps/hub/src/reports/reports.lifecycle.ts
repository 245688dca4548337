import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { LeaderJobs } from '@hub/cluster';
import { ReportRunner } from './report-runner';

const JOB = 'reports.check';

/**
 * The report check as a named interval in @nestjs/schedule's registry, and once right after start: reports of periods
 * that closed while the hub was down are made then. Stopped before shutdown, which waits for a check in flight to
 * finish while the database is still open (each of its InfluxDB requests is bounded by INFLUX_TIMEOUT).
 *
 * In a cluster only the leader checks (a leader job): two nodes would both email a report's pending deliveries.
 */
@Injectable()
export class ReportsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportsLifecycle.name);
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly runner: ReportRunner,
    private readonly registry: SchedulerRegistry,
    private readonly everyMs: number,
    private readonly leaderJobs: LeaderJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.leaderJobs.add({ name: 'reports', start: () => this.start(), stop: () => this.stop() });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private start(): void {
    if (!this.registry.doesExist('interval', JOB)) this.registry.addInterval(JOB, setInterval(() => this.tick(), this.everyMs));
    this.tick();
  }

  private async stop(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    await this.running;
  }

  private tick(): void {
    // One check at a time: a check that outlasts the interval is not joined by another, and the stop waits for it.
    if (this.busy) return;
    this.busy = true;
    this.running = this.runner
      .check()
      .catch((error: unknown) => this.logger.error({ msg: 'Report check failed', err: error }))
      .finally(() => (this.busy = false));
  }

  private busy = false;
}
