import { heapGrowingPercent, nextGrowingPercent } from './heap-settings';

const MIB = 1024 * 1024;

describe('heapGrowingPercent', () => {
  it.each([
    // Full ingest load: little is live, the heap may grow as far as V8 would let it.
    [50, 192, 284],
    [40, 192, 300],
    // 10,000 connections: much is live, growth is held to what the budget leaves.
    [130, 192, 47],
    [150, 192, 28],
    // Live beyond the budget: still 10 %, so a full GC is not run after every little allocation.
    [180, 192, 10],
    [400, 192, 10],
    [0, 192, 300],
  ])('%i MiB live, %i MiB budget → %i %', (live, budget, percent) => {
    expect(heapGrowingPercent(live * MIB, budget * MIB)).toBe(percent);
  });
});

describe('nextGrowingPercent', () => {
  it('rises by at most 50 points per full GC while the live size holds, and falls at once', () => {
    expect(nextGrowingPercent(50, 300, false)).toBe(100);
    expect(nextGrowingPercent(100, 151, false)).toBe(150);
    expect(nextGrowingPercent(150, 151, false)).toBe(151);
    expect(nextGrowingPercent(151, 47, false)).toBe(47);
    expect(nextGrowingPercent(47, 47, false)).toBe(47);
  });

  it('does not rise while the live size climbs, but still falls', () => {
    expect(nextGrowingPercent(50, 300, true)).toBe(50);
    expect(nextGrowingPercent(150, 300, true)).toBe(150);
    expect(nextGrowingPercent(150, 60, true)).toBe(60);
  });
});
