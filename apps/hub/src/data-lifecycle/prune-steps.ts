import type { ResolvedAlertPruner } from '@hub/alerts';
import type { CommandRepository } from '@hub/commands';
import type { PruneConfig } from '@hub/config';
import type { DeadLetterRepository } from '@hub/pipeline';
import type { AuditLogRepository, Executor } from '@hub/store';
import type { PruneStep } from './pruning.service';

export interface PrunedStores {
  readonly alerts: ResolvedAlertPruner;
  readonly deadLetters: DeadLetterRepository;
  readonly audit: AuditLogRepository;
  readonly commands: CommandRepository;
  /** Where the audit log's own batches and its entry about them run: the store. */
  readonly db: Executor;
}

/** The hub's prunable history, in the order pruned; the audit log last, so its own entry about pruning is the newest. */
export function pruneSteps(config: PruneConfig, stores: PrunedStores): PruneStep[] {
  return [
    {
      name: 'resolved alerts',
      periodMs: config.resolvedAlertsMs,
      batch: async (cutoff, limit) => {
        const pruned = await stores.alerts.pruneResolvedBefore(cutoff, limit);
        return { rows: pruned.alerts, removed: { alerts: pruned.alerts, alert_events: pruned.alertEvents, delivery_log: pruned.deliveryLog } };
      },
    },
    {
      name: 'dead letters',
      periodMs: config.deadLettersMs,
      batch: async (cutoff, limit) => {
        const rows = await stores.deadLetters.pruneReceivedBefore(cutoff, limit);
        return { rows, removed: { dead_letters: rows } };
      },
    },
    {
      name: 'finished commands',
      periodMs: config.commandsMs,
      batch: async (cutoff, limit) => {
        const rows = await stores.commands.pruneFinishedBefore(cutoff, limit);
        return { rows, removed: { commands: rows } };
      },
    },
    {
      name: 'audit log',
      periodMs: config.auditLogMs,
      batch: async (cutoff, limit) => {
        const rows = await stores.audit.pruneBefore(cutoff, limit, stores.db);
        return { rows, removed: { audit_log: rows } };
      },
      // Deleting audit entries is itself a change someone should be able to find.
      after: (removed, cutoff) =>
        stores.audit.record({ actor: 'system', action: 'audit.prune', targetType: 'audit_log', targetId: null, detail: { removed: removed.audit_log ?? 0, before: new Date(cutoff).toISOString(), setting: 'HUB_PRUNE_AUDIT_AFTER' } }, stores.db),
    },
  ];
}
