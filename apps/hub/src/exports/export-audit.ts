import type { NewAuditEntry } from '@hub/store';

/** Where an export is audited: recorded (committed) before its first byte is sent. */
export interface ExportAudit {
  record(entry: NewAuditEntry): Promise<unknown>;
}
