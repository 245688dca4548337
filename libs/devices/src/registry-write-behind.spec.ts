import { RecordingLogger } from '@hub/common/testing';
import type { RegistryDevice } from './registry-device';
import { RegistryWriteBehind, type WriteBehindTarget } from './registry-write-behind';

const device = (deviceId: string, connectAttempts: number): RegistryDevice => ({ deviceId, connectAttempts }) as RegistryDevice;

/** A store that fails while `down`, and records what reached it. */
class FlakyTarget implements WriteBehindTarget {
  down = false;
  calls = 0;
  readonly inserted: string[] = [];
  readonly updated: string[] = [];
  insertNew(devices: readonly RegistryDevice[]): Promise<void> {
    this.calls++;
    if (this.down) return Promise.reject(new Error('database unavailable'));
    this.inserted.push(...devices.map((entry) => `${entry.deviceId}#${entry.connectAttempts}`));
    return Promise.resolve();
  }
  updateUnlessNewer(devices: readonly RegistryDevice[]): Promise<void> {
    this.calls++;
    if (this.down) return Promise.reject(new Error('database unavailable'));
    this.updated.push(...devices.map((entry) => `${entry.deviceId}#${entry.connectAttempts}`));
    return Promise.resolve();
  }
}

describe('RegistryWriteBehind', () => {
  it('writes in the background, one row per device (the latest), a newcomer inserted even when changed again before its write', async () => {
    const target = new FlakyTarget();
    const writer = new RegistryWriteBehind(target, new RecordingLogger());
    writer.enqueue(device('q-1', 1), true);
    writer.enqueue(device('q-1', 2), false);
    writer.enqueue(device('q-2', 4), false);
    writer.enqueue(device('q-2', 5), false);
    await writer.flush();
    expect([target.inserted, target.updated, writer.pending]).toEqual([['q-1#1'], ['q-1#2', 'q-2#5'], 0]);
  });

  it('loses nothing while the database is down: retries with a growing pause, newer rows winning, until a write succeeds', async () => {
    jest.useFakeTimers();
    try {
      const target = new FlakyTarget();
      const logger = new RecordingLogger();
      const writer = new RegistryWriteBehind(target, logger, { retryMs: 100, maxRetryMs: 250 });
      target.down = true;
      writer.enqueue(device('q-1', 1), true);
      await jest.advanceTimersByTimeAsync(0);
      expect([target.calls, writer.pending]).toEqual([1, 1]);
      writer.enqueue(device('q-1', 2), false);
      writer.enqueue(device('q-2', 1), true);
      await jest.advanceTimersByTimeAsync(99);
      expect(target.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect([target.calls, writer.pending]).toEqual([2, 2]);
      // Second failure: 200 ms; third and later: capped at 250 ms.
      await jest.advanceTimersByTimeAsync(200);
      expect(target.calls).toBe(3);
      target.down = false;
      await jest.advanceTimersByTimeAsync(250);
      expect([target.inserted.sort(), target.updated, writer.pending]).toEqual([['q-1#2', 'q-2#1'], [], 0]);
      expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => (entry.message as { retryInMs: number }).retryInMs)).toEqual([100, 200, 250]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('skips rows memory has replaced or forgotten, and a dropped row; flush reports a failure to its caller', async () => {
    const target = new FlakyTarget();
    const current = new Set(['q-1#1', 'q-3#1']);
    const writer = new RegistryWriteBehind(target, new RecordingLogger(), { current: (entry) => current.has(`${entry.deviceId}#${entry.connectAttempts}`) });
    target.down = true;
    writer.enqueue(device('q-1', 1), true);
    writer.enqueue(device('q-2', 1), true);
    writer.enqueue(device('q-3', 1), true);
    await expect(writer.flush()).rejects.toThrow('database unavailable');
    writer.drop('q-3');
    target.down = false;
    await writer.flush();
    writer.close();
    expect([target.inserted, writer.pending]).toEqual([['q-1#1'], 0]);
  });
});
