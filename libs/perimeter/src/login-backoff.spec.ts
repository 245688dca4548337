import { LoginBackoff } from './login-backoff';

describe('LoginBackoff', () => {
  const settings = { failures: 3, windowMs: 10_000, blockMs: 60_000 };

  it('blocks an address after the given number of refused logins within the window, for the block time', () => {
    const backoff = new LoginBackoff(settings);
    expect(backoff.recordFailure('a', 0)).toBe(false);
    expect(backoff.recordFailure('a', 1000)).toBe(false);
    expect(backoff.isBlocked('a', 1000)).toBe(false);
    expect(backoff.recordFailure('a', 2000)).toBe(true);
    expect(backoff.isBlocked('a', 2000)).toBe(true);
    expect(backoff.isBlocked('b', 2000)).toBe(false);
    expect(backoff.blockedAddresses(2000)).toBe(1);
    expect(backoff.isBlocked('a', 61_999)).toBe(true);
    expect(backoff.isBlocked('a', 62_000)).toBe(false);
    // The count starts again after a block.
    expect(backoff.recordFailure('a', 62_000)).toBe(false);
  });

  it('does not block for failures spread wider than the window', () => {
    const backoff = new LoginBackoff(settings);
    expect([0, 6000, 12_000, 18_000, 24_000].map((now) => backoff.recordFailure('a', now))).toEqual([false, false, false, false, false]);
    expect(backoff.recordFailure('a', 25_000)).toBe(true);
  });

  it('forgets addresses with nothing recent', () => {
    const backoff = new LoginBackoff(settings);
    backoff.recordFailure('a', 0);
    for (const now of [0, 1, 2]) backoff.recordFailure('b', now);
    backoff.sweep(10_001);
    expect(backoff.isBlocked('b', 10_001)).toBe(true);
    expect(backoff.recordFailure('a', 10_001)).toBe(false);
    backoff.sweep(62_003);
    expect(backoff.blockedAddresses(62_003)).toBe(0);
  });

  it('never blocks when switched off', () => {
    const backoff = new LoginBackoff(null);
    expect(Array.from({ length: 100 }, () => backoff.recordFailure('a', 0)).some(Boolean)).toBe(false);
    expect(backoff.isBlocked('a', 0)).toBe(false);
  });
});
