import type { CommandStatus, CommandView } from '@hub/api-types';
import type { DeviceCommandsTable, Executor, Store } from '@hub/store';
import type { Selectable } from 'kysely';

/** A command as stored: the shape the API shows. */
export type DeviceCommand = CommandView;

const OPEN: readonly CommandStatus[] = ['queued', 'sent', 'delivered'];
const FINISHED: readonly CommandStatus[] = ['succeeded', 'failed', 'expired'];

/**
 * Commands to devices: what is still queued for a device survives a restart of the service. Commands given in the
 * same millisecond keep their order by id (time-ordered, see commandId): SQLite's rowid did that before, and
 * PostgreSQL has no rowid.
 */
export class CommandRepository {
  constructor(private readonly store: Store) {}

  async insert(command: DeviceCommand, exec: Executor = this.store.db): Promise<void> {
    await exec.insertInto('device_commands').values(toRow(command)).execute();
  }

  async update(command: DeviceCommand, exec: Executor = this.store.db): Promise<void> {
    const { status, sent_at, delivered_at, finished_at, result, error } = toRow(command);
    await exec.updateTable('device_commands').set({ status, sent_at, delivered_at, finished_at, result, error }).where('id', '=', command.id).execute();
  }

  async get(id: string, exec: Executor = this.store.db): Promise<DeviceCommand | undefined> {
    const row = await exec.selectFrom('device_commands').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  /** A device's commands, newest first. */
  async listForDevice(deviceId: string, limit: number, exec: Executor = this.store.db): Promise<DeviceCommand[]> {
    const rows = await exec.selectFrom('device_commands').selectAll().where('device_id', '=', deviceId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** A device's commands in these statuses, oldest first (the order they were given). */
  async forDevice(deviceId: string, statuses: readonly CommandStatus[], exec: Executor = this.store.db): Promise<DeviceCommand[]> {
    if (statuses.length === 0) return [];
    const rows = await exec.selectFrom('device_commands').selectAll().where('device_id', '=', deviceId).where('status', 'in', statuses).orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Ids of the devices with a command in one of these statuses: what the device-ready path must look at after a start. */
  async devicesWith(statuses: readonly CommandStatus[], exec: Executor = this.store.db): Promise<string[]> {
    if (statuses.length === 0) return [];
    const rows = await exec.selectFrom('device_commands').select('device_id').distinct().where('status', 'in', statuses).orderBy('device_id').execute();
    return rows.map((row) => row.device_id);
  }

  /** Open commands (queued, sent, delivered) whose expiry is at or before `now`. */
  async due(now: number, exec: Executor = this.store.db): Promise<DeviceCommand[]> {
    const rows = await exec.selectFrom('device_commands').selectAll().where('status', 'in', OPEN).where('expires_at', '<=', now).orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Removes every command of a device (it was deleted); returns how many. */
  async deleteForDevice(deviceId: string, exec: Executor = this.store.db): Promise<number> {
    const result = await exec.deleteFrom('device_commands').where('device_id', '=', deviceId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Deletes up to `limit` finished commands (succeeded, failed, expired) that finished before `cutoff` (epoch ms);
   * answers how many. A command still queued, sent or delivered is never touched, however old.
   */
  async pruneFinishedBefore(cutoff: number, limit: number, exec: Executor = this.store.db): Promise<number> {
    const batch = exec.selectFrom('device_commands').select('id').where('status', 'in', FINISHED).where('finished_at', '<', cutoff).orderBy('finished_at').limit(limit);
    const result = await exec.deleteFrom('device_commands').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRow(command: DeviceCommand): Selectable<DeviceCommandsTable> {
  return {
    id: command.id,
    device_id: command.deviceId,
    domain: command.domain,
    name: command.name,
    args: JSON.stringify(command.args),
    status: command.status,
    created_at: command.createdAt,
    created_by: command.createdBy,
    expires_at: command.expiresAt,
    sent_at: command.sentAt,
    delivered_at: command.deliveredAt,
    finished_at: command.finishedAt,
    result: command.result === null || command.result === undefined ? null : JSON.stringify(command.result),
    error: command.error,
  };
}

function fromRow(row: Selectable<DeviceCommandsTable>): DeviceCommand {
  return {
    id: row.id,
    deviceId: row.device_id,
    domain: row.domain,
    name: row.name,
    args: JSON.parse(row.args) as unknown,
    status: row.status as CommandStatus,
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
