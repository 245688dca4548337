import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { PRUNED_KINDS, PruningService } from './pruning.service';
import { ScheduledBackup } from './scheduled-backup';

/** Pruning and scheduled backups, read from their counts at scrape time. */
@Injectable()
export class DataLifecycleMetrics {
  constructor(registry: Registry, pruning: PruningService, backup: ScheduledBackup) {
    new Counter({
      name: 'hub_pruned_rows_total',
      help: 'Rows deleted from the embedded database because they outlived their HUB_PRUNE_* period, by kind: alerts (resolved), alert_events (their history), delivery_log (their notification delivery rows), dead_letters, audit_log, commands (finished)',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const kind of PRUNED_KINDS) this.inc({ kind }, pruning.removed(kind));
      },
    });
    new Counter({
      name: 'hub_backups_total',
      help: 'Scheduled backups (HUB_BACKUP_EVERY) since the start, by outcome: written, failed',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'written' }, backup.written);
        this.inc({ outcome: 'failed' }, backup.failed);
      },
    });
    new Gauge({
      name: 'hub_backup_last_success_timestamp_seconds',
      help: 'When the last scheduled backup was written (0: none since the start); alert when it falls behind HUB_BACKUP_EVERY',
      registers: [registry],
      collect() {
        this.set(backup.lastWrittenAt / 1000);
      },
    });
  }
}
