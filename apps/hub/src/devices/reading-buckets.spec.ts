import { bucketZone, planBuckets, timeBuckets } from './reading-buckets';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const LIMIT = { max: 1000, noun: 'buckets' };

describe('planBuckets', () => {
  it('defaults to the hour before now, in the smallest offered bucket that gives at most 720 of them (10 s)', () => {
    expect(planBuckets({}, LIMIT, NOW)).toEqual({ from: NOW - 3_600_000, to: NOW, everyMs: 10_000 });
  });

  it('takes the caller’s range and bucket size; from defaults to an hour before the given to', () => {
    expect(planBuckets({ from: 0, to: 86_400_000, everyMs: 3_600_000 }, LIMIT, NOW)).toEqual({ from: 0, to: 86_400_000, everyMs: 3_600_000 });
    expect(planBuckets({ to: 7_200_000 }, LIMIT, NOW)).toEqual({ from: 3_600_000, to: 7_200_000, everyMs: 10_000 });
    // A week: 15-minute buckets are the smallest offered within 720 (672 of them).
    expect(planBuckets({ from: 0, to: 7 * 86_400_000 }, LIMIT, NOW).everyMs).toBe(900_000);
  });

  it('refuses from not before to, naming both', () => {
    expect(() => planBuckets({ from: 5000, to: 5000 }, LIMIT, NOW)).toThrow('from (1970-01-01T00:00:05.000Z) must be before to (1970-01-01T00:00:05.000Z)');
  });

  it('refuses more buckets than the limit, in the caller’s words', () => {
    expect(() => planBuckets({ from: 0, to: 1_001_000, everyMs: 1000 }, LIMIT, NOW)).toThrow('every=1000ms over 1001000 ms gives more than 1000 buckets; choose a larger every');
    expect(planBuckets({ from: 0, to: 1_000_000, everyMs: 1000 }, LIMIT, NOW).everyMs).toBe(1000);
    expect(() => planBuckets({ from: 0, to: 10_001_000, everyMs: 1000 }, { max: 10_000, noun: 'points per metric' }, NOW)).toThrow('gives more than 10000 points per metric');
  });

  it('refuses times InfluxDB cannot hold, naming the parameter the caller sent', () => {
    expect(() => planBuckets({ to: 9_300_000_000_000 }, LIMIT, NOW)).toThrow(/^to \(2264-.*\) is outside InfluxDB's time range/);
    expect(() => planBuckets({ to: -9_223_372_000_000 }, LIMIT, NOW)).toThrow(/^from \(not given: to - 1h\) \(1677-.*\) is outside InfluxDB's time range/);
  });
});

describe('timeBuckets and bucketZone', () => {
  it('starts whole weeks on Monday and counts other sizes from the epoch', () => {
    expect(timeBuckets(3_600_000)).toBe('time(3600000ms)');
    expect(timeBuckets(86_400_000)).toBe('time(86400000ms)');
    expect(timeBuckets(7 * 86_400_000)).toBe('time(604800000ms, 4d)');
  });

  it('puts whole days and weeks in the county’s time zone, shorter buckets in UTC', () => {
    expect(bucketZone(3_600_000, 'Asia/Shanghai')).toBe('');
    expect(bucketZone(86_400_000, 'Asia/Shanghai')).toBe(" tz('Asia/Shanghai')");
    expect(bucketZone(14 * 86_400_000, 'Europe/London')).toBe(" tz('Europe/London')");
  });
});
