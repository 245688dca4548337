import { ConnectionRateLimiter } from './connection-rate-limiter';

describe('ConnectionRateLimiter', () => {
  it('admits the burst per address, then the rate, and keeps addresses apart', () => {
    const limiter = new ConnectionRateLimiter({ perSecond: 2, burst: 3 });
    expect([0, 0, 0, 0, 0].map((now) => limiter.admit('192.0.2.1', now))).toEqual([true, true, true, false, false]);
    expect(limiter.admit('192.0.2.2', 0)).toBe(true);
    expect(limiter.admit('192.0.2.1', 499)).toBe(false);
    expect(limiter.admit('192.0.2.1', 500)).toBe(true);
  });

  it('forgets an address once its bucket has refilled', () => {
    const limiter = new ConnectionRateLimiter({ perSecond: 1, burst: 2 });
    limiter.admit('192.0.2.1', 0);
    limiter.admit('192.0.2.2', 0);
    limiter.admit('192.0.2.2', 0);
    limiter.sweep(1000);
    expect(limiter.trackedAddresses).toBe(1);
    limiter.sweep(2000);
    expect(limiter.trackedAddresses).toBe(0);
  });

  it('admits everything without a limit', () => {
    const limiter = new ConnectionRateLimiter(null);
    expect(Array.from({ length: 1000 }, () => limiter.admit('192.0.2.1', 0)).every(Boolean)).toBe(true);
    expect(limiter.trackedAddresses).toBe(0);
  });
});
