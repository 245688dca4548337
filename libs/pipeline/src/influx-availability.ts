/**
 * What the writer and the spool replayer know about InfluxDB right now. After a failed write the "circuit" stays
 * open for a back-off period: live batches then go straight to the spool instead of each waiting for its own
 * failure, and only the replayer probes InfluxDB until a write succeeds again.
 */
export class InfluxAvailability {
  failureStreak = 0;
  lastError: string | null = null;
  lastSuccessAt: number | null = null;
  private openUntil = 0;

  constructor(
    private readonly retryMinMs: number,
    private readonly retryMaxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get healthy(): boolean {
    return this.failureStreak === 0;
  }

  /** True while live batches should skip InfluxDB (it failed recently and the back-off has not run out). */
  get circuitOpen(): boolean {
    return this.failureStreak > 0 && this.now() < this.openUntil;
  }

  /** Milliseconds until the back-off runs out (0 when closed). */
  get waitMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  /** Records a failure; returns the back-off to wait before the next attempt. */
  recordFailure(error: unknown): number {
    this.failureStreak++;
    this.lastError = error instanceof Error ? error.message : String(error);
    const ceiling = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(this.failureStreak - 1, 20));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.openUntil = this.now() + delay;
    return delay;
  }

  /** Records a success; returns the length of the failure streak it ended. */
  recordSuccess(): number {
    const streak = this.failureStreak;
    this.failureStreak = 0;
    this.lastError = null;
    this.openUntil = 0;
    this.lastSuccessAt = this.now();
    return streak;
  }
}
