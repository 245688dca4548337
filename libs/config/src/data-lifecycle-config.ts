import { parseDuration } from '@hub/common';
import { ConfigError, ConfigReader } from './env-parsers';

/**
 * How long the embedded database keeps each kind of history (null: for ever). Ages are wall-clock times of the row's
 * last change: an alert's resolution, a dead letter's arrival, an audit entry, a command's end.
 */
export interface PruneConfig {
  /** How often the pruning job runs. */
  readonly everyMs: number;
  /** Rows deleted per transaction: the SQLite write lock is held for one batch, then ingest and the API get a turn. */
  readonly batchRows: number;
  /** Resolved alerts with their history and delivery log rows. Open (firing or acknowledged) alerts are never pruned. */
  readonly resolvedAlertsMs: number | null;
  readonly deadLettersMs: number | null;
  /** Kept longest: the audit log is what a regulator or an inquiry asks for. */
  readonly auditLogMs: number | null;
  /** Finished commands (succeeded, failed, expired); queued, sent and delivered ones are never pruned. */
  readonly commandsMs: number | null;
}

export interface BackupConfig {
  /** Where `npm run backup` and the scheduled backup write their timestamped folders. */
  readonly dir: string;
  /** How often the hub backs itself up; null: only when someone runs `npm run backup`. */
  readonly everyMs: number | null;
  /** Newest backups kept in `dir`; older ones are deleted after each new one. */
  readonly keep: number;
}

const SECOND = 1000;
const DAY = 86_400_000;
const YEAR = 365 * DAY;

/**
 * A period or `off`. The floor is one second so that tests can watch a prune happen; a county sets days or years.
 * Defaults: a year and a month of resolved alerts (a year's reports plus the month they are written in), 30 days of
 * dead letters (their reasons are counted for ever in hub_readings_rejected_total), seven years of audit log (the
 * usual keeping period for public records), 180 days of finished commands.
 */
function periodOrOff(read: ConfigReader, name: string, fallback: string, description: string): number | null {
  return durationOrOff(read, name, fallback, SECOND, 100 * YEAR, { description: `${description}; off keeps them for ever`, default: fallback, allowed: 'a duration like 30s, 12h or 90d, from 1s to 36500d, or off' });
}

/** A duration within [min, max] or `off` (null); a bad value is reported in the words the documentation uses. */
function durationOrOff(read: ConfigReader, name: string, fallback: string, min: number, max: number, notes: { description: string; default: string; allowed: string }): number | null {
  const value = read.optionalString(name, notes) ?? fallback;
  if (value.toLowerCase() === 'off') return null;
  const ms = parseDuration(value);
  if (ms !== undefined && ms >= min && ms <= max) return ms;
  read.errors.push(new ConfigError(name, value, notes.allowed));
  return parseDuration(fallback) ?? null;
}

export function readPruneConfig(read: ConfigReader): PruneConfig {
  return {
    everyMs: read.duration('HUB_PRUNE_EVERY', '1h', SECOND, DAY, 'how often old history is pruned from the embedded database (resolved alerts, dead letters, audit log, finished commands)'),
    batchRows: read.int('HUB_PRUNE_BATCH_ROWS', 500, 1, 100_000, 'rows deleted per transaction while pruning: the database is locked for writes one batch at a time, so ingest and operators are not held up'),
    resolvedAlertsMs: periodOrOff(read, 'HUB_PRUNE_RESOLVED_ALERTS_AFTER', '395d', 'resolved alerts (with their history and notification delivery log) are deleted this long after they were resolved; open alerts never are'),
    deadLettersMs: periodOrOff(read, 'HUB_PRUNE_DEAD_LETTERS_AFTER', '30d', 'dead letters are deleted this long after they arrived (HUB_DEAD_LETTER_MAX_ROWS bounds them by count as well)'),
    auditLogMs: periodOrOff(read, 'HUB_PRUNE_AUDIT_AFTER', '2555d', 'audit log entries are deleted this long after they were written (default seven years); each prune of it is itself audited'),
    commandsMs: periodOrOff(read, 'HUB_PRUNE_COMMANDS_AFTER', '180d', 'finished commands (succeeded, failed, expired) are deleted this long after they finished; queued and sent ones never are'),
  };
}

export function readBackupConfig(read: ConfigReader): BackupConfig {
  const dir = read.string('HUB_BACKUP_DIR', './backups', 'where `npm run backup` and scheduled backups write their timestamped folders (best on another disk than HUB_DATA_DIR)');
  const everyMs = durationOrOff(read, 'HUB_BACKUP_EVERY', 'off', 60 * SECOND, 30 * DAY, {
    description: 'how often the running hub backs itself up into HUB_BACKUP_DIR; off: only `npm run backup`',
    default: 'off',
    allowed: 'a duration like 6h or 1d, from 1m to 30d, or off',
  });
  return { dir, everyMs, keep: read.int('HUB_BACKUP_KEEP', 7, 1, 1000, 'backups kept in HUB_BACKUP_DIR; after each new one the oldest beyond this many are deleted') };
}
