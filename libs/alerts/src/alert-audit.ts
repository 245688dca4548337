import type { Executor, NewAuditEntry } from '@hub/store';

/**
 * Where the alert services record changes: AuditLogRepository, always given the executor of the change's own
 * transaction so the entry commits or rolls back with it. A port so service specs can record into a list.
 */
export interface AlertAudit {
  record(entry: NewAuditEntry, exec: Executor): Promise<unknown>;
}
