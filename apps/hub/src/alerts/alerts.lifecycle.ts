import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AlertEngine } from '@hub/alerts';
import { LeaderJobs, LeaderLease } from '@hub/cluster';

/**
 * Starts the alert engine once the service is up, and stops it before anything else shuts down
 * (beforeApplicationShutdown runs ahead of every onApplicationShutdown, so evaluations in flight finish — or are
 * abandoned, to be redone at the next start — while the database is still open).
 *
 * Evaluation and notifications run on one node of a cluster, the holder of the 'alerts' leader lease (on one node:
 * this one, from the start): the engine leads while the lease is held. The start waits for the first try for the
 * lease, so a single node evaluates from its first moment as before; a graceful stop stops the leader's jobs, then
 * gives the lease up so that another node takes over at once.
 */
@Injectable()
export class AlertsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly engine: AlertEngine,
    private readonly lease: LeaderLease,
    private readonly leaderJobs: LeaderJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
    this.leaderJobs.add({ name: 'alert-evaluation-and-notifications', start: () => this.engine.lead(), stop: () => this.engine.follow() });
    await this.lease.start();
    await this.leaderJobs.settled();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.leaderJobs.stop();
    await this.engine.stop();
  }
}
