import type { CommandStatus } from '@hub/api-types';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { commandId } from './command-id';
import { CommandRepository, type DeviceCommand } from './command.repository';
import { DeviceConfigRepository } from './device-config.repository';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

function aCommand(id: string, status: CommandStatus, finishedAt: number | null, changes: Partial<DeviceCommand> = {}): DeviceCommand {
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
    ...changes,
  };
}

describe.each(TEST_STORES)('CommandRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: CommandRepository;

  beforeEach(async () => {
    test = await open();
    repository = new CommandRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('deletes finished commands that finished before the cutoff, in batches; never an open one, however old', async () => {
    const commands = [
      aCommand('ok-old', 'succeeded', T0 - 2),
      aCommand('failed-old', 'failed', T0 - 1),
      aCommand('expired-old', 'expired', T0 - 3),
      aCommand('ok-at-cutoff', 'succeeded', T0),
      aCommand('queued-ancient', 'queued', null),
      aCommand('sent-ancient', 'sent', null),
      aCommand('delivered-ancient', 'delivered', null),
    ];
    for (const command of commands) await repository.insert(command);
    expect(await repository.pruneFinishedBefore(T0, 2)).toBe(2);
    expect(await repository.get('expired-old')).toBeUndefined();
    expect(await repository.get('ok-old')).toBeUndefined();
    expect(await repository.pruneFinishedBefore(T0, 2)).toBe(1);
    expect(await repository.pruneFinishedBefore(T0, 2)).toBe(0);
    expect((await repository.listForDevice('w-1', 10)).map((command) => command.id).sort()).toEqual(['delivered-ancient', 'ok-at-cutoff', 'queued-ancient', 'sent-ancient']);
  });

  it('keeps the order commands were given within one millisecond (ids made in order), oldest first for sending, newest first for history', async () => {
    const ids = Array.from({ length: 5 }, () => commandId(T0));
    // Inserted out of order: the order comes from created_at and the id, not from the insert (PostgreSQL has no rowid).
    for (const id of [ids[3], ids[0], ids[4], ids[2], ids[1]]) await repository.insert(aCommand(id, 'queued', null, { createdAt: T0, expiresAt: T0 + 60_000 }));
    await repository.insert(aCommand('earlier', 'queued', null, { createdAt: T0 - 1, expiresAt: T0 + 60_000 }));
    expect((await repository.forDevice('w-1', ['queued', 'sent'])).map((command) => command.id)).toEqual(['earlier', ...ids]);
    expect((await repository.listForDevice('w-1', 3)).map((command) => command.id)).toEqual([ids[4], ids[3], ids[2]]);
  });

  it('stores a command whole and its progress, JSON arguments and results included', async () => {
    const command = aCommand('c-1', 'queued', null, { args: { valve: 'closed', levels: [1, 2.5], note: '城关镇' }, expiresAt: T0 + 60_000 });
    await repository.insert(command);
    expect(await repository.get('c-1')).toEqual(command);
    const done = { ...command, status: 'succeeded' as const, sentAt: T0 + 1, deliveredAt: T0 + 2, finishedAt: T0 + 3, result: { applied: true, at: [T0] } };
    await repository.update(done);
    expect(await repository.get('c-1')).toEqual(done);
    await repository.update({ ...done, status: 'failed', result: null, error: 'valve stuck' });
    expect(await repository.get('c-1')).toMatchObject({ status: 'failed', result: null, error: 'valve stuck' });
  });

  it('answers which devices have commands waiting, which are due to expire, and removes one device’s commands only', async () => {
    await repository.insert(aCommand('a', 'queued', null, { deviceId: 'w-2', expiresAt: T0 + 10 }));
    await repository.insert(aCommand('b', 'sent', null, { deviceId: 'W-1', expiresAt: T0 }));
    await repository.insert(aCommand('c', 'delivered', null, { deviceId: 'w-1', expiresAt: T0 - 1 }));
    await repository.insert(aCommand('d', 'succeeded', T0 - 5, { deviceId: 'w-3', expiresAt: T0 - 100 }));
    // Case-sensitive and in code-point order on both ('W' < 'w').
    expect(await repository.devicesWith(['queued', 'sent'])).toEqual(['W-1', 'w-2']);
    expect(await repository.devicesWith([])).toEqual([]);
    expect((await repository.due(T0)).map((command) => command.id).sort()).toEqual(['b', 'c']);
    expect(await repository.deleteForDevice('w-1')).toBe(1);
    expect(await repository.deleteForDevice('w-1')).toBe(0);
    expect(await repository.get('b')).toMatchObject({ deviceId: 'W-1' });
  });

  it('writes inside a transaction: gone when it rolls back', async () => {
    await expect(
      test.store.tx(async (tx) => {
        await repository.insert(aCommand('rolled', 'queued', null), tx.exec);
        expect(await repository.get('rolled', tx.exec)).toMatchObject({ id: 'rolled' });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await repository.get('rolled')).toBeUndefined();
  });
});

describe.each(TEST_STORES)('DeviceConfigRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let configs: DeviceConfigRepository;

  beforeEach(async () => {
    test = await open();
    configs = new DeviceConfigRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('keeps desired and reported configuration per device, replacing the row on save, and deletes it', async () => {
    const record = { deviceId: 'w-1', domain: 'water', desired: { intervalS: 30, mode: 'eco' }, desiredAt: T0, desiredBy: 'alice', reported: null, reportedAt: null };
    await configs.save(record);
    expect(await configs.get('w-1')).toEqual(record);
    const reported = { ...record, reported: { intervalS: 30, nested: { a: [1, 2] } }, reportedAt: T0 + 5 };
    await configs.save(reported);
    expect(await configs.get('w-1')).toEqual(reported);
    await configs.save({ deviceId: 'w-2', domain: 'water', desired: null, desiredAt: null, desiredBy: null, reported: { intervalS: 60 }, reportedAt: T0 });
    expect(await configs.devicesWithDesired()).toEqual(['w-1']);
    expect(await configs.delete('w-1')).toBe(1);
    expect(await configs.delete('w-1')).toBe(0);
    expect(await configs.get('w-1')).toBeUndefined();
    expect(await configs.get('w-2')).toMatchObject({ desired: null, reported: { intervalS: 60 } });
  });
});
