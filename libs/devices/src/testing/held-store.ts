import type { Store, Tx } from '@hub/store';

/**
 * A store whose next transaction, once `hold()` is called, waits before it begins until `release()`: where a change
 * that has checked memory would wait behind a slow query or a busy pool, so that a test can run another change there.
 */
export class HeldStore {
  readonly store: Store;
  private armed = false;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  private arrived: () => void = () => undefined;

  constructor(real: Store) {
    this.store = Object.create(real) as Store;
    this.store.tx = async <T>(work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> => {
      if (this.armed && outer === undefined) {
        this.armed = false;
        this.arrived();
        await this.gate;
      }
      return real.tx(work, outer);
    };
  }

  /** Holds the next transaction; resolves once it is waiting. */
  hold(start: () => void): Promise<void> {
    this.armed = true;
    this.gate = new Promise((resolve) => (this.open = resolve));
    const waiting = new Promise<void>((resolve) => (this.arrived = resolve));
    start();
    return waiting;
  }

  release(): void {
    this.open();
  }
}

/** Gives a rival change the time to finish, if nothing makes it wait (a change queued behind the held one never does). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([promise.then(() => undefined, () => undefined), new Promise((resolve) => setTimeout(resolve, ms))]);
}

