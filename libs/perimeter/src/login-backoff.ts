import type { LoginBackoffSettings } from '@hub/config';

interface AddressRecord {
  /** Times of the recent refused logins, oldest first, at most `failures` of them. */
  failures: number[];
  blockedUntil: number;
}

/**
 * Failed-login back-off per address: after `failures` refused CONNECTs within the window the address is refused for
 * `blockMs`. Attempts during the block are not counted as failures, so a misconfigured device retrying forever is let
 * back in to try once the block ends rather than being locked out for good.
 */
export class LoginBackoff {
  private readonly addresses = new Map<string, AddressRecord>();

  /** null: no back-off. */
  constructor(private readonly settings: LoginBackoffSettings | null) {}

  isBlocked(address: string, now: number): boolean {
    const record = this.addresses.get(address);
    return record !== undefined && record.blockedUntil > now;
  }

  /** Records a refused login; true when it puts the address in back-off. */
  recordFailure(address: string, now: number): boolean {
    const settings = this.settings;
    if (settings === null) return false;
    let record = this.addresses.get(address);
    if (record === undefined) this.addresses.set(address, (record = { failures: [], blockedUntil: 0 }));
    const recent = record.failures;
    while (recent.length > 0 && recent[0] <= now - settings.windowMs) recent.shift();
    recent.push(now);
    if (recent.length < settings.failures) return false;
    record.failures = [];
    record.blockedUntil = now + settings.blockMs;
    return true;
  }

  /** Addresses in back-off now. */
  blockedAddresses(now: number): number {
    let blocked = 0;
    for (const record of this.addresses.values()) if (record.blockedUntil > now) blocked++;
    return blocked;
  }

  /** Forgets addresses with no block and no failure left within the window. */
  sweep(now: number): void {
    const windowMs = this.settings?.windowMs ?? 0;
    for (const [address, record] of this.addresses) {
      const lastFailure = record.failures[record.failures.length - 1] ?? 0;
      if (record.blockedUntil <= now && lastFailure <= now - windowMs) this.addresses.delete(address);
    }
  }
}
