import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AlertEngine } from '@hub/alerts';

/**
 * Starts the alert engine once the service is up, and stops it before anything else shuts down
 * (beforeApplicationShutdown runs ahead of every onApplicationShutdown, so evaluations in flight finish — or are
 * abandoned, to be redone at the next start — while the database is still open).
 */
@Injectable()
export class AlertsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly engine: AlertEngine) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.engine.stop();
  }
}
