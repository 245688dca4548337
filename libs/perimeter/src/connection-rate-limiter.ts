import type { RateLimit } from '@hub/config';
import { TokenBucket } from './token-bucket';

/**
 * New connections per remote address: a token bucket each. Checked at TCP accept, before TLS or MQTT cost anything;
 * over the limit the socket is closed at once. A client behind the same address as many others (carrier-grade NAT,
 * a reverse proxy) shares their bucket, hence generous defaults.
 */
export class ConnectionRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  /** null: no limit. */
  constructor(private readonly limit: RateLimit | null) {}

  admit(address: string, now: number): boolean {
    if (this.limit === null) return true;
    let bucket = this.buckets.get(address);
    if (bucket === undefined) this.buckets.set(address, (bucket = new TokenBucket(this.limit, now)));
    return bucket.tryTake(now);
  }

  /** Forgets addresses whose bucket has refilled, so memory follows recent activity, not every address ever seen. */
  sweep(now: number): void {
    for (const [address, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(address);
  }

  get trackedAddresses(): number {
    return this.buckets.size;
  }
}
