import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { HubConfig } from '@hub/config';
import { HUB_CONFIG } from '../hub.tokens';
import { PruningService } from './pruning.service';
import { ScheduledBackup } from './scheduled-backup';

/**
 * Pruning every HUB_PRUNE_EVERY and, when HUB_BACKUP_EVERY is set, a backup: named intervals in @nestjs/schedule's
 * registry. A run still going when the next is due is not doubled; the stop waits for one in progress, which must not
 * find the database closed under it.
 */
@Injectable()
export class DataLifecycleJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly registry: SchedulerRegistry,
    private readonly pruning: PruningService,
    private readonly backup: ScheduledBackup,
  ) {}

  onApplicationBootstrap(): void {
    this.every('prune-history', this.config.prune.everyMs, () => this.pruning.run());
    if (this.config.backup.everyMs !== null) this.every('scheduled-backup', this.config.backup.everyMs, () => this.backup.run());
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const name of ['prune-history', 'scheduled-backup']) if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    await Promise.all(this.running.values());
  }

  private every(name: string, everyMs: number, run: () => Promise<unknown>): void {
    this.registry.addInterval(
      name,
      setInterval(() => {
        if (this.running.has(name)) return;
        // Both jobs log and count their own failures; nothing reaches here.
        const job = run().finally(() => this.running.delete(name));
        this.running.set(name, job);
      }, everyMs),
    );
  }
}
