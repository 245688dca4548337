import { DomainError } from '@hub/common';
import { quoteString } from '@hub/influx';

/**
 * Time buckets of the readings API and the area roll-ups: the caller's from/to/every checked (a 400 naming what they
 * sent), defaults filled in, the number of buckets bounded, and the InfluxQL `GROUP BY time(…)` that makes them.
 */

/** Bucket sizes offered when the caller gives none: the smallest that keeps a chart under ~720 points. */
const AUTO_BUCKETS_MS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];
const TARGET_POINTS = 720;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** InfluxDB counts buckets from the epoch, a Thursday: weeks start on Monday four days later. */
const MONDAY_OFFSET = '4d';
/** InfluxDB's time range: int64 nanoseconds since the epoch, in whole milliseconds (1677-09-21 … 2262-04-11). */
const INFLUX_MAX_MS = 9_223_372_036_854;
const INFLUX_MIN_MS = -INFLUX_MAX_MS;

/** A from, to or every that cannot make buckets (400). */
export class ReadingRangeError extends DomainError {
  readonly kind = 'invalid';

  constructor(message: string) {
    super(message);
    this.name = 'ReadingRangeError';
  }
}

export interface BucketRequest {
  readonly from?: number;
  readonly to?: number;
  readonly everyMs?: number;
}

export interface BucketPlan {
  readonly from: number;
  readonly to: number;
  readonly everyMs: number;
}

export interface BucketLimit {
  /** At most this many buckets between from and to. */
  readonly max: number;
  /** What a bucket is to the caller, for the 400: "points per metric", "buckets". */
  readonly noun: string;
}

/** from defaults to `to` - 1h, to to now, every to the smallest offered size giving ≤ 720 buckets. */
export function planBuckets(request: BucketRequest, limit: BucketLimit, now = Date.now()): BucketPlan {
  // Past these InfluxDB's nanosecond times overflow int64 and the query fails (a 503 for what is bad input). The
  // caller's own values are checked first, so the 400 names what they sent, not a default derived from it.
  assertInfluxTime('from', request.from);
  assertInfluxTime('to', request.to);
  const to = request.to ?? now;
  const from = request.from ?? to - HOUR;
  assertInfluxTime(request.from === undefined ? 'from (not given: to - 1h)' : 'from', from);
  if (from >= to) throw new ReadingRangeError(`from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`);
  const span = to - from;
  const everyMs = request.everyMs ?? AUTO_BUCKETS_MS.find((bucket) => span / bucket <= TARGET_POINTS) ?? AUTO_BUCKETS_MS[AUTO_BUCKETS_MS.length - 1];
  if (span / everyMs > limit.max) {
    throw new ReadingRangeError(`every=${everyMs}ms over ${span} ms gives more than ${limit.max} ${limit.noun}; choose a larger every`);
  }
  return { from, to, everyMs };
}

/** `time(…)`: whole weeks start on Monday; other sizes count from the epoch as InfluxDB does. */
export function timeBuckets(everyMs: number): string {
  return everyMs % WEEK === 0 ? `time(${everyMs}ms, ${MONDAY_OFFSET})` : `time(${everyMs}ms)`;
}

/** Day and week buckets are the county's days (HUB_TIME_ZONE), not UTC's: midnight to midnight where the county is. */
export function bucketZone(everyMs: number, timeZone: string): string {
  return everyMs % DAY === 0 ? ` tz(${quoteString(timeZone)})` : '';
}

function assertInfluxTime(name: string, time: number | undefined): void {
  if (time !== undefined && (time < INFLUX_MIN_MS || time > INFLUX_MAX_MS)) {
    throw new ReadingRangeError(`${name} (${new Date(time).toISOString()}) is outside InfluxDB's time range, ${new Date(INFLUX_MIN_MS).toISOString()} to ${new Date(INFLUX_MAX_MS).toISOString()}`);
  }
}
