/** How many failures a key may have before back-off starts, and how back-off grows. */
export interface ThrottlePolicy {
  /** Failures allowed before the first lock. */
  readonly freeFailures: number;
  /** First lock; each further failure doubles it … */
  readonly baseLockMs: number;
  /** … up to this. */
  readonly maxLockMs: number;
  /** Failures are forgotten after this long without a new one (and without a lock in force). */
  readonly forgetAfterMs: number;
}

/**
 * Per username: 5 tries (typos, caps lock), then 1 s, 2 s, 4 s … up to 15 min between tries. Guessing one account
 * then costs about 100 tries a day at most. Someone hammering a colleague's name can lock them out for up to 15 min:
 * the price of not letting a password be guessed, and it shows in the log, the metrics and the audit log.
 */
export const USERNAME_THROTTLE: ThrottlePolicy = { freeFailures: 5, baseLockMs: 1000, maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };
/** Per address: a town office behind one NAT address has several people mistyping, so more room before back-off. */
export const ADDRESS_THROTTLE: ThrottlePolicy = { freeFailures: 20, baseLockMs: 1000, maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };

interface Entry {
  failures: number;
  lockedUntil: number;
  /** The lock's end plus the policy's forgetAfterMs: a long lock is not shortened by waiting it out. */
  forgetAt: number;
}

/**
 * Failed-login back-off, in memory (a restart forgets it: it takes minutes, and the hashing cost still applies).
 * Keys are opaque (`user:alice`, `addr:10.0.0.7`); at most `maxKeys` are remembered, the oldest unlocked ones going
 * first, so a flood of made-up usernames cannot grow it without bound.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Milliseconds until `key` may try again (0: now). */
  retryAfterMs(key: string, now: number): number {
    const entry = this.current(key, now);
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - now);
  }

  /** Records a failure; returns the lock it started (0 when still within the free failures). */
  fail(key: string, policy: ThrottlePolicy, now: number): number {
    const entry = this.current(key, now) ?? { failures: 0, lockedUntil: 0, forgetAt: 0 };
    entry.failures++;
    const over = entry.failures - policy.freeFailures;
    const lockMs = over <= 0 ? 0 : Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over - 1, 30));
    entry.lockedUntil = now + lockMs;
    entry.forgetAt = entry.lockedUntil + policy.forgetAfterMs;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bound(now);
    return lockMs;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private current(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.forgetAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private bound(now: number): void {
    if (this.entries.size <= this.maxKeys) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys) return;
      if (entry.lockedUntil <= now) this.entries.delete(key);
    }
    // Everything is locked: drop the oldest anyway (memory wins over one attacker's lock).
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) return;
      this.entries.delete(key);
    }
  }
}
