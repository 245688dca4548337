import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('starts full, then refills at the rate up to the burst', () => {
    const bucket = new TokenBucket({ perSecond: 10, burst: 3 }, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, true, false]);
    expect(bucket.msUntilToken(0)).toBe(100);
    expect(bucket.tryTake(99)).toBe(false);
    expect(bucket.tryTake(100)).toBe(true);
    // A long quiet spell refills only up to the burst.
    expect(bucket.isFull(10_000)).toBe(true);
    expect([1, 2, 3, 4].map(() => bucket.tryTake(10_000))).toEqual([true, true, true, false]);
  });

  it('accumulates fractions, so rates below one per second work', () => {
    const bucket = new TokenBucket({ perSecond: 0.5, burst: 1 }, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(1000)).toBe(false);
    expect(bucket.msUntilToken(1000)).toBe(1000);
    expect(bucket.tryTake(2000)).toBe(true);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, 5000);
    expect(bucket.tryTake(5000)).toBe(true);
    expect(bucket.tryTake(1000)).toBe(false);
    expect(bucket.tryTake(6000)).toBe(true);
  });
});
