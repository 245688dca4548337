/**
 * Runs async work one piece at a time, in the order given. A service whose rules check its in-memory copy before it
 * writes (an id is free, a town exists) runs each change through one, so no check sees memory that another change
 * is about to alter. Across processes the same is the store's `tx.lock`.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
