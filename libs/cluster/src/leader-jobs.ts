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

/**
 * Starts every job when the lease is gained and stops them when it is lost, one transition at a time in the order
 * they happened (a loss while the jobs are still starting stops them once started). A job that fails to start is
 * logged and stopped again at the loss like the others.
 */
export class LeaderJobs {
  private readonly jobs: LeaderJob[] = [];
  private readonly running = new Set<LeaderJob>();
  private leading = false;
  private transitions: Promise<void> = Promise.resolve();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly lease: Leadership,
    private readonly logger: HubLogger,
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
    this.logger.log({ msg: 'Leading: starting the jobs that run on one node', epoch, jobs: this.jobs.map((job) => job.name) });
    for (const job of this.jobs) await this.startOne(job);
  }

  private async startOne(job: LeaderJob): Promise<void> {
    if (this.running.has(job)) return;
    this.running.add(job);
    try {
      await job.start();
    } catch (error) {
      this.logger.error({ msg: 'Leader job did not start', job: job.name, error });
    }
  }

  private async stopAll(epoch: number): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
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
