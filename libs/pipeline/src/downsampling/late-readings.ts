import type { LineSink } from '@hub/influx';
import { MINUTE, floorTo } from './downsample-tiers';

/** Where late readings' minutes are recorded, and how far minutes are aggregated (DownsampleStateRepository). */
export interface DirtyMinutes {
  markDirty(resolution: '1m', buckets: Iterable<number>): Promise<void>;
  watermark(resolution: '1m'): number | null;
}

/**
 * Readings older than the raw period by less than this still go to the raw policy: InfluxDB checks the cutoff with
 * its own clock when the write arrives, and a reading a little late for the raw policy is aggregated from the backfill
 * just the same.
 */
const BACKFILL_MARGIN_MS = 5 * MINUTE;

/**
 * What the write path shares with the downsampler: how far minutes may already be aggregated, and how old a reading
 * must be to go to the backfill policy. Until the downsampler has set up the policies it is inactive and the write
 * path is what it was.
 */
export class LateReadingWatch {
  private claimedUntil: number;
  private rawKeepMs: number | null = null;

  /**
   * Claims at once what an earlier process aggregated (the stored watermark): from the first write on — the spool
   * replaying, devices coming in — a reading for such a minute is marked, even while InfluxDB is down and the
   * downsampler not set up yet.
   */
  constructor(private readonly dirty: DirtyMinutes) {
    this.claimedUntil = dirty.watermark('1m') ?? Number.NEGATIVE_INFINITY;
  }

  activate(rawKeepMs: number): void {
    this.rawKeepMs = rawKeepMs;
  }

  /**
   * Called before a minute aggregation query is sent: from then on a reading before `untilMs` that finishes writing
   * may have been missed by it, so it marks its minute. Checked after each write completes, this leaves no gap: a
   * write that completed before the claim was seen by the query.
   */
  claim(untilMs: number): void {
    if (untilMs > this.claimedUntil) this.claimedUntil = untilMs;
  }

  /** Readings before this go to the backfill policy (InfluxDB would drop them from the raw one); null when inactive. */
  backfillBefore(now: number): number | null {
    return this.rawKeepMs === null ? null : now - this.rawKeepMs + BACKFILL_MARGIN_MS;
  }

  /**
   * Marks the minutes of the lines in `body` that are before the claim (after their write, whatever its outcome):
   * one transaction for the whole batch, and none at all for a batch of current readings, the usual case.
   */
  async written(body: string, oldestMs: number): Promise<void> {
    if (oldestMs >= this.claimedUntil) return;
    const minutes = new Set<number>();
    forEachLine(body, (_start, _end, time) => {
      if (time < this.claimedUntil) minutes.add(floorTo(time, MINUTE));
    });
    if (minutes.size > 0) await this.dirty.markDirty('1m', minutes);
  }
}

/**
 * The raw write path with downsampling: lines older than the raw period go to the backfill policy instead of being
 * dropped by InfluxDB, and lines whose minute may already be aggregated have it marked for re-aggregation. Wraps the
 * sink every writer uses (the writer, its bisection, the spool replayer), so no write path can bypass it.
 */
export class DownsamplingLineSink implements LineSink {
  readonly kind: string;

  constructor(
    private readonly raw: LineSink,
    private readonly backfill: LineSink,
    private readonly watch: LateReadingWatch,
  ) {
    this.kind = raw.kind;
  }

  prepare(): Promise<void> {
    return this.raw.prepare();
  }

  ping(): Promise<void> {
    return this.raw.ping();
  }

  async write(body: string): Promise<void> {
    const backfillBefore = this.watch.backfillBefore(Date.now());
    let oldest = Number.POSITIVE_INFINITY;
    let backfilled = false;
    forEachLine(body, (_start, _end, time) => {
      if (time < oldest) oldest = time;
      if (backfillBefore !== null && time < backfillBefore) backfilled = true;
    });
    try {
      if (!backfilled || backfillBefore === null) {
        await this.raw.write(body);
      } else {
        const current: string[] = [];
        const old: string[] = [];
        forEachLine(body, (start, end, time) => {
          if (time < backfillBefore) old.push(withBackfillTag(body.slice(start, end)));
          else current.push(body.slice(start, end));
        });
        if (current.length > 0) await this.raw.write(current.join('\n'));
        await this.backfill.write(old.join('\n'));
      }
    } catch (error) {
      // Even a failed write may have stored some lines (InfluxDB 1.x keeps the good lines of a refused body): marked
      // too. The write's own error is what the writer acts on (bisection, retry, spool), and every line that gets
      // stored is sent again on one of those paths, which marks it then: a marking failure here loses nothing.
      await this.watch.written(body, oldest).catch(() => undefined);
      throw error;
    }
    // Marked before the write counts as done: a store that cannot take the mark fails the write, so the writer
    // spools the batch and its replay marks the minutes again — a late reading never ends up stored but unmarked.
    await this.watch.written(body, oldest);
  }
}

/** The tag that keeps backfilled readings' series (and so their minute aggregates) apart from the raw ones. */
export const BACKFILL_TAG = 'backfilled=true';

/**
 * A line with the backfill tag after its measurement and tags. The writer escapes every space inside them with a
 * backslash (line-protocol.ts), so the first space not after one ends them.
 */
export function withBackfillTag(line: string): string {
  let space = line.indexOf(' ');
  while (space > 0 && line[space - 1] === '\\') space = line.indexOf(' ', space + 1);
  return space < 0 ? line : `${line.slice(0, space)},${BACKFILL_TAG}${line.slice(space)}`;
}

/**
 * Calls `visit` with each non-empty line's bounds and timestamp: the last space-separated token, epoch milliseconds
 * (the writer's precision). Digits are read in place; a batch of 5,000 lines allocates nothing here.
 */
export function forEachLine(body: string, visit: (start: number, end: number, time: number) => void): void {
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    if (end > start) {
      let time = 0;
      let digit = body.lastIndexOf(' ', end - 1) + 1;
      const negative = body.charCodeAt(digit) === 45;
      if (negative) digit++;
      for (; digit < end; digit++) time = time * 10 + (body.charCodeAt(digit) - 48);
      visit(start, end, negative ? -time : time);
    }
    start = end + 1;
  }
}
