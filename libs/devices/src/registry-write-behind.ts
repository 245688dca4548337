import type { HubLogger } from '@hub/common';
import type { RegistryDevice } from './registry-device';

/** How the writer stores what it was given: newcomers inserted (unless there already), the others updated. */
export interface WriteBehindTarget {
  insertNew(devices: readonly RegistryDevice[]): Promise<unknown>;
  /** Updates each row unless the stored one is newer or in another status (an operator's change since wins). */
  updateUnlessNewer(devices: readonly RegistryDevice[]): Promise<unknown>;
}

interface Queued {
  readonly device: RegistryDevice;
  /** Not in the table yet (a newcomer's first CONNECT): inserted, never upserted over a row written since. */
  readonly isNew: boolean;
}

export interface WriteBehindOptions {
  /** First wait after a failed write; doubled after each further failure up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Whether a device given earlier is still the one memory holds: rows memory has replaced or forgotten are not written. */
  readonly current?: (device: RegistryDevice) => boolean;
}

/**
 * The registry's writes from the broker's side (a quarantined device's CONNECT, a network server's unknown DevEUI):
 * memory changes at once and the caller never waits for the database; the rows are queued, one per device (a later
 * change replaces an unwritten earlier one), and written by one writer in batches. A failed write puts its rows back
 * (behind anything newer) and is retried with a growing pause, so nothing given is lost while the process runs;
 * `flush()` at shutdown writes the rest.
 */
export class RegistryWriteBehind {
  private readonly queued = new Map<string, Queued>();
  /** Ids of the batch being written. */
  private inFlight: ReadonlySet<string> = new Set();
  private writing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly current: (device: RegistryDevice) => boolean;

  constructor(
    private readonly target: WriteBehindTarget,
    private readonly logger: HubLogger,
    options: WriteBehindOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    this.current = options.current ?? (() => true);
  }

  /** Rows given and not written yet. */
  get pending(): number {
    return this.queued.size;
  }

  enqueue(device: RegistryDevice, isNew: boolean): void {
    const earlier = this.queued.get(device.deviceId);
    // A newcomer changed again before its first write is still a newcomer.
    this.queued.set(device.deviceId, { device, isNew: isNew || earlier?.isNew === true });
    this.start();
  }

  /** Whether the device has a row given and not written yet (memory's copy is then newer than the table's). */
  holds(deviceId: string): boolean {
    return this.queued.has(deviceId) || this.inFlight.has(deviceId);
  }

  /** Forgets a device's unwritten row: the caller is about to write (or delete) it in a transaction of its own. */
  drop(deviceId: string): void {
    this.queued.delete(deviceId);
  }

  /**
   * Takes a device's unwritten row out of the queue, for the caller to write in a transaction of its own (and to
   * give back with enqueue if that fails).
   */
  take(deviceId: string): { readonly device: RegistryDevice; readonly isNew: boolean } | undefined {
    const queued = this.queued.get(deviceId);
    this.queued.delete(deviceId);
    return queued;
  }

  /** Resolves when the write under way (if any) has ended, however it ended. */
  async settled(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  /** Writes everything queued now, waiting out a pending retry; rejects if a write fails. */
  async flush(): Promise<void> {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    await this.settled();
    while (this.queued.size > 0) await this.writeBatch(true);
  }

  /** Stops retrying (shutdown, after flush). */
  close(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private start(): void {
    if (this.writing !== null || this.retryTimer !== null) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.size > 0) {
      if (!(await this.writeBatch(false))) return;
    }
  }

  /** One batch: everything queued now. False when it failed (a retry is scheduled unless `rethrow`). */
  private async writeBatch(rethrow: boolean): Promise<boolean> {
    const batch = [...this.queued.values()].filter((entry) => this.current(entry.device));
    this.queued.clear();
    this.inFlight = new Set(batch.map((entry) => entry.device.deviceId));
    try {
      const inserts = batch.filter((entry) => entry.isNew).map((entry) => entry.device);
      const updates = batch.filter((entry) => !entry.isNew).map((entry) => entry.device);
      if (inserts.length > 0) await this.target.insertNew(inserts);
      if (updates.length > 0) await this.target.updateUnlessNewer(updates);
      this.failures = 0;
      this.inFlight = new Set();
      return true;
    } catch (error) {
      // Back in the queue, unless something newer for the same device came meanwhile.
      for (const entry of batch) {
        const newer = this.queued.get(entry.device.deviceId);
        this.queued.set(entry.device.deviceId, newer === undefined ? entry : { device: newer.device, isNew: newer.isNew || entry.isNew });
      }
      this.inFlight = new Set();
      this.failures += 1;
      if (rethrow) throw error;
      const wait = Math.min(this.maxRetryMs, this.retryMs * 2 ** (this.failures - 1));
      this.logger.error({ msg: 'Could not write registry rows from the broker; retrying', rows: batch.length, retryInMs: wait, error });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.start();
      }, wait);
      this.retryTimer.unref();
      return false;
    }
  }
}
