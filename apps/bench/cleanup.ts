/**
 * What the benchmark has started (influxd, the service, child processes, temp dirs) and how to undo it, so that a
 * failure or Ctrl-C leaves nothing behind. Each phase registers what it starts and releases it when done.
 */
export class Cleanup {
  private readonly tasks = new Map<number, { readonly what: string; readonly undo: () => Promise<void> }>();
  private nextId = 0;
  /** Set once Ctrl-C or SIGTERM started undoing everything; the process exits when it is done. */
  interrupted = false;

  /** Runs `undo` at the end of `use`, however it ends; on Ctrl-C, runAll() runs it instead. */
  async around<T, R>(what: string, resource: T, undo: (resource: T) => Promise<void>, use: (resource: T) => Promise<R>): Promise<R> {
    const id = this.nextId++;
    this.tasks.set(id, { what, undo: () => undo(resource) });
    try {
      return await use(resource);
    } finally {
      this.tasks.delete(id);
      await undo(resource);
    }
  }

  /** Newest first, each bounded in time; errors are reported, not thrown, so every task gets its turn. */
  async runAll(timeoutMs = 15_000): Promise<void> {
    const tasks = [...this.tasks.values()].reverse();
    this.tasks.clear();
    for (const task of tasks) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([
        task.undo().catch((error: unknown) => process.stderr.write(`cleanup of ${task.what} failed: ${String(error)}\n`)),
        timeout,
      ]);
      clearTimeout(timer);
    }
  }
}

/** Ctrl-C / SIGTERM: undo everything, then exit 130 / 143. A second signal exits at once. */
export function cleanUpOnSignals(cleanup: Cleanup): void {
  let stopping = false;
  // The phase that was running fails once its processes are gone; it must not exit before the cleanup is done.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    cleanup.interrupted = true;
    process.stderr.write(`\n${signal}: stopping the benchmark and cleaning up…\n`);
    void cleanup.runAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
