import { Logger, Provider } from '@nestjs/common';
import { ResolvedAlertPruner } from '@hub/alerts';
import { CommandRepository } from '@hub/commands';
import { packageVersion } from '@hub/store';
import { configuredVariables, type HubConfig } from '@hub/config';
import { DeadLetterRepository } from '@hub/pipeline';
import { AuditLogRepository, Store } from '@hub/store';
import { DataLifecycleJobs } from './data-lifecycle.jobs';
import { DataLifecycleMetrics } from './data-lifecycle-metrics';
import { pruneSteps } from './prune-steps';
import { PruningService } from './pruning.service';
import { ScheduledBackup } from './scheduled-backup';

/** Pruning old history (HUB_PRUNE_*) and scheduled backups (HUB_BACKUP_*) of the embedded database. */
export function dataLifecycleProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: PruningService,
      useFactory: (store: Store, deadLetters: DeadLetterRepository, audit: AuditLogRepository) =>
        new PruningService(
          pruneSteps(config.prune, { alerts: new ResolvedAlertPruner(store, config.alerts.lateDataMs), deadLetters, audit, commands: new CommandRepository(store), db: store.db }),
          config.prune,
          new Logger(PruningService.name),
        ),
      inject: [Store, DeadLetterRepository, AuditLogRepository],
    },
    {
      provide: ScheduledBackup,
      // The environment as the hub was given it, once at start: what config/hub.env of each backup holds.
      useFactory: (store: Store) =>
        new ScheduledBackup(store, config.dataDir, config.backup, configuredVariables(process.env), packageVersion(__dirname), new Logger(ScheduledBackup.name)),
      inject: [Store],
    },
    DataLifecycleJobs,
    DataLifecycleMetrics,
  ];
}
