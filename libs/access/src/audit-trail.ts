import type { NewAuditEntry } from '@hub/store';

/** Where changes are recorded (AuditLogRepository); a port so services can be unit-tested against a list. */
export interface AuditTrail {
  record(entry: NewAuditEntry): unknown;
}

/** The actor for things the hub does by itself (the initial admin, a failed login of someone unknown). */
export const SYSTEM_ACTOR = 'system';
export const ANONYMOUS_ACTOR = 'anonymous';
