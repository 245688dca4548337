import type { CommandStatus } from '@hub/api-types';
import { openSqliteDatabase } from '@hub/store';
import { CommandRepository, type DeviceCommand } from './command.repository';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

function aCommand(id: string, status: CommandStatus, finishedAt: number | null): DeviceCommand {
  return {
    id,
    deviceId: 'w-1',
    domain: 'water',
    name: 'reboot',
    args: {},
    status,
    createdAt: T0 - 60_000,
    createdBy: 'alice',
    expiresAt: T0 - 30_000,
    sentAt: null,
    deliveredAt: null,
    finishedAt,
    result: null,
    error: null,
  };
}

describe('CommandRepository pruning', () => {
  it('deletes finished commands that finished before the cutoff, in batches; never an open one, however old', () => {
    const db = openSqliteDatabase(':memory:');
    const repository = new CommandRepository(db);
    const commands = [
      aCommand('ok-old', 'succeeded', T0 - 2),
      aCommand('failed-old', 'failed', T0 - 1),
      aCommand('expired-old', 'expired', T0 - 3),
      aCommand('ok-at-cutoff', 'succeeded', T0),
      aCommand('queued-ancient', 'queued', null),
      aCommand('sent-ancient', 'sent', null),
      aCommand('delivered-ancient', 'delivered', null),
    ];
    for (const command of commands) repository.insert(command);
    expect(repository.pruneFinishedBefore(T0, 2)).toBe(2);
    expect(repository.get('expired-old')).toBeUndefined();
    expect(repository.get('ok-old')).toBeUndefined();
    expect(repository.pruneFinishedBefore(T0, 2)).toBe(1);
    expect(repository.pruneFinishedBefore(T0, 2)).toBe(0);
    expect(repository.listForDevice('w-1', 10).map((command) => command.id).sort()).toEqual(['delivered-ancient', 'ok-at-cutoff', 'queued-ancient', 'sent-ancient']);
    db.close();
  });
});
