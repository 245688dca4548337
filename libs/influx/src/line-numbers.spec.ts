import { formatFloat, formatTimestamp } from './line-numbers';

/** A fixed pseudo-random sequence (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('formatFloat', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [410, '410'],
    [-40, '-40'],
    [2147483648, '2147483648'],
    [412.5, '412.5'],
    [0.3497, '0.3497'],
    [-0.5, '-0.5'],
    [6.411, '6.411'],
    [0.001, '0.001'],
    [0.0012345, '0.0012345'],
    [0.000999, '0.000999'],
    [1e-7, '1e-7'],
    [-2.5e-8, '-2.5e-8'],
    [123456.789012, '123456.789012'],
    [999999999.5, '999999999.5'],
    [1000000000.5, '1000000000.5'],
    [1e21, '1e+21'],
    [-1.7976931348623157e308, '-1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [230.1234567, '230.1234567'],
  ])('%p → %s', (value, text) => {
    expect(formatFloat(value)).toBe(text);
  });

  it('agrees with String() on a million values of every magnitude and up to 9 decimals', () => {
    const next = random(7);
    const mismatches: number[] = [];
    for (let n = 0; n < 1_000_000; n++) {
      const raw = (next() - 0.5) * 10 ** Math.floor(next() * 20 - 6);
      const decimals = n % 10;
      const value = n % 3 === 0 ? raw : Math.round(raw * 10 ** decimals) / 10 ** decimals;
      if (formatFloat(value) !== String(value)) mismatches.push(value);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('formatTimestamp', () => {
  it.each([
    [1_714_564_800_123, '1714564800123'],
    [1_714_564_000_001, '1714564000001'],
    [1_714_564_800_000, '1714564800000'],
    [999_999, '999999'],
    [1_000_000, '1000000'],
    [0, '0'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('%p → %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });

  it('agrees with String() across the epoch-millisecond range', () => {
    const next = random(11);
    const mismatches: number[] = [];
    for (let n = 0; n < 100_000; n++) {
      const ms = Math.floor(next() * 4_102_444_800_000);
      if (formatTimestamp(ms) !== String(ms)) mismatches.push(ms);
    }
    expect(mismatches).toEqual([]);
  });
});
