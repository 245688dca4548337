import type { CommandStatus, CommandView } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

/** A command as stored: the shape the API shows. */
export type DeviceCommand = CommandView;

interface CommandRow {
  id: string;
  device_id: string;
  domain: string;
  name: string;
  args: string;
  status: CommandStatus;
  created_at: number;
  created_by: string;
  expires_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
}

/** Commands to devices in SQLite: what is still queued for a device survives a restart of the service. */
export class CommandRepository {
  private readonly insertStatement: Statement;
  private readonly updateStatement: Statement;
  private readonly byId: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.insertStatement = db.prepare(
      `INSERT INTO device_commands (id, device_id, domain, name, args, status, created_at, created_by, expires_at, sent_at, delivered_at, finished_at, result, error)
       VALUES (@id, @deviceId, @domain, @name, @args, @status, @createdAt, @createdBy, @expiresAt, @sentAt, @deliveredAt, @finishedAt, @result, @error)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE device_commands SET status = @status, sent_at = @sentAt, delivered_at = @deliveredAt, finished_at = @finishedAt, result = @result, error = @error WHERE id = @id`,
    );
    this.byId = db.prepare('SELECT * FROM device_commands WHERE id = ?');
  }

  insert(command: DeviceCommand): void {
    this.insertStatement.run(toParams(command));
  }

  update(command: DeviceCommand): void {
    this.updateStatement.run(toParams(command));
  }

  get(id: string): DeviceCommand | undefined {
    const row = this.byId.get(id) as CommandRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** A device's commands, newest first. */
  listForDevice(deviceId: string, limit: number): DeviceCommand[] {
    return (this.db.prepare('SELECT * FROM device_commands WHERE device_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(deviceId, limit) as CommandRow[]).map(fromRow);
  }

  /** A device's commands in these statuses, oldest first (the order they were given). */
  forDevice(deviceId: string, statuses: readonly CommandStatus[]): DeviceCommand[] {
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT * FROM device_commands WHERE device_id = ? AND status IN (${marks}) ORDER BY created_at, rowid`).all(deviceId, ...statuses) as CommandRow[]).map(fromRow);
  }

  /** Open commands (queued, sent, delivered) whose expiry is at or before `now`. */
  due(now: number): DeviceCommand[] {
    return (this.db.prepare(`SELECT * FROM device_commands WHERE status IN ('queued', 'sent', 'delivered') AND expires_at <= ?`).all(now) as CommandRow[]).map(fromRow);
  }

  /** Removes every command of a device (it was deleted); returns how many. */
  deleteForDevice(deviceId: string): number {
    return this.db.prepare('DELETE FROM device_commands WHERE device_id = ?').run(deviceId).changes;
  }

  /**
   * Deletes up to `limit` finished commands (succeeded, failed, expired) that finished before `cutoff` (epoch ms);
   * answers how many. A command still queued, sent or delivered is never touched, however old.
   */
  pruneFinishedBefore(cutoff: number, limit: number): number {
    return this.db
      .prepare(`DELETE FROM device_commands WHERE rowid IN (SELECT rowid FROM device_commands WHERE status IN ('succeeded', 'failed', 'expired') AND finished_at < ? ORDER BY finished_at LIMIT ?)`)
      .run(cutoff, limit).changes;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function toParams(command: DeviceCommand): Record<string, unknown> {
  return {
    ...command,
    args: JSON.stringify(command.args),
    result: command.result === null || command.result === undefined ? null : JSON.stringify(command.result),
  };
}

function fromRow(row: CommandRow): DeviceCommand {
  return {
    id: row.id,
    deviceId: row.device_id,
    domain: row.domain,
    name: row.name,
    args: JSON.parse(row.args) as unknown,
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
    finishedAt: row.finished_at,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error,
  };
}
