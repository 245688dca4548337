import type { HubLogger } from '@hub/common';

/** What LeaderJobs needs of a lease (LeaderLease): its transitions, and giving it up. */
export interface Leadership {
  readonly isLeader: boolean;
  readonly epoch: number | null;
  onGained(listener: (epoch: number) => void): () => void;
  onLost(listener: (epoch: number) => void): () => void;
  stop(): Promise<void>;
}

/** Work that must run on one node of the cluster at a time: started when this node takes the lease, stopped when it loses it. */
export interface LeaderJob {
  readonly name: string;
  /** Starts from what the database holds (as after a restart): the previous leader may have died mid-way. */
  start(): Promise<void> | void;
  /** Stops and waits for what is in flight; called only after start(). */
  stop(): Promise<void> | void;
}

/** Back-off between tries to start a job that failed to start, while the lease is held. */
export interface LeaderJobsRetry {
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_JOB_RETRY: LeaderJobsRetry = { minMs: 1_000, maxMs: 30_000 };

/**
 * Starts every job when the lease is gained and stops them when it is lost, one transition at a time in the order
 * they happened (a loss while the jobs are still starting stops them once started).
 *
 * A job that fails to start (its database connection went stale in a failover, say) is stopped again at once — what
 * it did start must not run half-way — and started anew with back-off for as long as the lease is held. The lease is
 * kept rather than given up: the cause is most often the database, which every other node shares, and the other jobs
 * go on meanwhile; a retry after the database is back takes less time than a new leader would.
 */
export class LeaderJobs {
  private readonly jobs: LeaderJob[] = [];
  private readonly running = new Set<LeaderJob>();
  private readonly retries = new Map<LeaderJob, NodeJS.Timeout>();
  private leading = false;
  /** Bumped at every gain and loss: a retry scheduled in an earlier term does nothing. */
  private term = 0;
  private transitions: Promise<void> = Promise.resolve();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly lease: Leadership,
    private readonly logger: HubLogger,
    private readonly retry: LeaderJobsRetry = DEFAULT_JOB_RETRY,
  ) {
    this.unsubscribe = [
      lease.onGained((epoch) => this.enqueue(() => this.startAll(epoch))),
      lease.onLost((epoch) => this.enqueue(() => this.stopAll(epoch))),
    ];
  }

  /** Adds a job; started at once (queued behind any transition) when this node leads already. */
  add(job: LeaderJob): void {
    this.jobs.push(job);
    this.enqueue(async () => {
      if (this.leading) await this.startOne(job);
    });
  }

  /** Resolves once every transition so far has run (the start's "leading or not" is settled). */
  settled(): Promise<void> {
    return this.transitions;
  }

  /** A graceful stop: the jobs stop while this node still holds the lease, then the lease is given up for the next node. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.enqueue(() => this.stopAll(this.lease.epoch ?? 0));
    await this.transitions;
    await this.lease.stop();
  }

  private enqueue(step: () => Promise<void>): void {
    this.transitions = this.transitions.then(step).catch((error: unknown) => this.logger.error({ msg: 'Leader job transition failed', error }));
  }

  private async startAll(epoch: number): Promise<void> {
    if (this.leading) return;
    this.leading = true;
    this.term++;
    this.logger.log({ msg: 'Leading: starting the jobs that run on one node', epoch, jobs: this.jobs.map((job) => job.name) });
    for (const job of this.jobs) await this.startOne(job);
  }

  private async startOne(job: LeaderJob, failures = 0): Promise<void> {
    if (this.running.has(job)) return;
    this.running.add(job);
    try {
      await job.start();
    } catch (error) {
      this.running.delete(job);
      const retryInMs = Math.min(this.retry.maxMs, this.retry.minMs * 2 ** Math.min(failures, 30));
      this.logger.error({ msg: 'Leader job did not start: stopped, started again later while leading', job: job.name, attempt: failures + 1, retryInMs, error });
      try {
        await job.stop();
      } catch (stopError) {
        this.logger.error({ msg: 'Leader job did not stop cleanly after a failed start', job: job.name, error: stopError });
      }
      const term = this.term;
      const timer = setTimeout(() => {
        this.retries.delete(job);
        this.enqueue(async () => {
          if (this.leading && this.term === term) await this.startOne(job, failures + 1);
        });
      }, retryInMs);
      timer.unref();
      this.retries.set(job, timer);
    }
  }

  private async stopAll(epoch: number): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.term++;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.logger.log({ msg: 'Not leading: stopping the jobs that run on one node', epoch, jobs: [...this.running].map((job) => job.name) });
    for (const job of [...this.running].reverse()) {
      this.running.delete(job);
      try {
        await job.stop();
      } catch (error) {
        this.logger.error({ msg: 'Leader job did not stop cleanly', job: job.name, error });
      }
    }
  }
}
