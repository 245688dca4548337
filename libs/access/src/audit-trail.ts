import type { Executor, NewAuditEntry } from '@hub/store';

/** Where changes are recorded (AuditLogRepository); a port so services can be unit-tested against a list. */
export interface AuditTrail {
  record(entry: NewAuditEntry): unknown;
}

/**
 * The audit log of services on the Store (AuditLogRepository): an entry is written by the executor given, normally
 * the transaction of the change it records, so that the two commit or roll back together.
 */
export interface AuditRecorder {
  record(entry: NewAuditEntry, exec: Executor): Promise<unknown>;
}

/** The actor for things the hub does by itself (the initial admin, a failed login of someone unknown). */
export const SYSTEM_ACTOR = 'system';
export const ANONYMOUS_ACTOR = 'anonymous';
