import type { HubLogger } from '@hub/common';
import type { RetentionConfig } from '@hub/config';
import { quoteIdentifier, type InfluxSeries } from '@hub/influx';
import { bucketRanges, hourAggregation, minuteAggregation, MINUTE_FIELD_KEYS } from './downsample-queries';
import type { DownsampleState } from './downsample-state';
import { HOUR, MINUTE, floorTo, type AggregateResolution } from './downsample-tiers';
import type { LateReadingWatch } from './late-readings';

/** Buckets aggregated per statement: an hour of minutes, a day of hours. */
const MINUTES_PER_QUERY = 60;
const HOURS_PER_QUERY = 24;
/** Statements per run and resolution at most, so catching up after an outage does not hold InfluxDB for long. */
const QUERIES_PER_RUN = 48;
const DIRTY_PER_RUN = 2000;

export interface DownsamplerDeps {
  readonly query: (influxql: string) => Promise<InfluxSeries[]>;
  readonly state: DownsampleState;
  readonly watch: LateReadingWatch;
  readonly rawPolicy: string;
  readonly config: Pick<RetentionConfig, 'delayMs' | 'keepMs'>;
  readonly logger: HubLogger;
  readonly now?: () => number;
}

/** How far each resolution is complete, for the readings API (and /metrics). */
export interface DownsampleProgress {
  readonly aggregatedUntil: Readonly<Record<AggregateResolution, number | null>>;
}

/**
 * The hub's own scheduled aggregation (no continuous queries: they neither catch up after a stop nor see late data).
 * Each run, in order:
 * 1. minutes ended HUB_DOWNSAMPLE_DELAY ago are aggregated from the raw and backfill policies, and the minute
 *    watermark (stored) moves past them;
 * 2. minutes that got readings after they were aggregated (marked by the write path) are aggregated again — INTO
 *    overwrites their points — and their hours, if already aggregated, are marked in turn;
 * 3. hours up to the minute watermark are aggregated from the minutes, then the marked hours again.
 * A failed statement stops the run; the next run starts from the same watermark, so nothing is skipped.
 */
export class Downsampler implements DownsampleProgress {
  constructor(private readonly deps: DownsamplerDeps) {}

  /**
   * How far each resolution is complete: its watermark, or the oldest bucket still waiting to be aggregated again if
   * that is earlier (a minute waiting makes its hour incomplete too). Readers take what is after it from the finer
   * resolutions, so a late reading shows at once, not only after the next run.
   */
  get aggregatedUntil(): Record<AggregateResolution, number | null> {
    const { state } = this.deps;
    // A bucket waiting to be aggregated again holds readers back to finer data from it on — except one older than the
    // raw period: raw readings cannot serve it (they are gone), so the aggregates, one run stale, still do.
    const rawFrom = this.now() - this.deps.config.keepMs.raw;
    const dirtyMinute = state.oldestDirty('1m', rawFrom);
    const minutes = earliest(state.watermark('1m'), dirtyMinute);
    const hours = earliest(earliest(state.watermark('1h'), state.oldestDirty('1h', rawFrom)), dirtyMinute === null ? null : floorTo(dirtyMinute, HOUR));
    return { '1m': minutes, '1h': hours };
  }

  /** First run of a fresh database: start where the raw readings start (all of them get aggregated), or now. */
  async start(): Promise<void> {
    const { state } = this.deps;
    if (state.watermark('1m') !== null) {
      this.deps.watch.claim(state.watermark('1m') ?? 0);
      return;
    }
    const oldest = await this.oldestRaw();
    const start = floorTo(oldest ?? this.now() - this.deps.config.delayMs, HOUR);
    await state.setWatermark('1m', start);
    await state.setWatermark('1h', start);
    this.deps.watch.claim(start);
  }

  async run(): Promise<void> {
    await this.advanceMinutes();
    await this.reaggregate('1m');
    await this.advanceHours();
    await this.reaggregate('1h');
  }

  private async advanceMinutes(): Promise<void> {
    const { state, watch } = this.deps;
    const target = floorTo(this.now() - this.deps.config.delayMs, MINUTE);
    let from = state.watermark('1m') ?? target;
    for (let queries = 0; from < target && queries < QUERIES_PER_RUN; queries++) {
      const to = Math.min(target, from + MINUTES_PER_QUERY * MINUTE);
      watch.claim(to);
      await this.deps.query(minuteAggregation(this.deps.rawPolicy, from, to));
      await state.setWatermark('1m', to);
      from = to;
    }
  }

  private async advanceHours(): Promise<void> {
    const { state } = this.deps;
    const target = floorTo(state.watermark('1m') ?? 0, HOUR);
    let from = state.watermark('1h') ?? target;
    for (let queries = 0; from < target && queries < QUERIES_PER_RUN; queries++) {
      const to = Math.min(target, from + HOURS_PER_QUERY * HOUR);
      const statement = hourAggregation(await this.minuteFields(), from, to);
      if (statement !== null) await this.deps.query(statement);
      await state.setWatermark('1h', to);
      from = to;
    }
  }

  /** Aggregates the marked buckets again, contiguous ones in one statement, and clears what that run covered. */
  private async reaggregate(resolution: AggregateResolution): Promise<void> {
    const { state } = this.deps;
    const dirty = state.dirty(resolution, DIRTY_PER_RUN);
    if (dirty.length === 0) return;
    const bucketMs = resolution === '1m' ? MINUTE : HOUR;
    const fields = resolution === '1h' ? await this.minuteFields() : undefined;
    for (const range of bucketRanges(dirty.map((bucket) => bucket.bucketMs), bucketMs, resolution === '1m' ? MINUTES_PER_QUERY : HOURS_PER_QUERY)) {
      if (fields === undefined) {
        await this.deps.query(minuteAggregation(this.deps.rawPolicy, range.from, range.to));
      } else {
        const statement = hourAggregation(fields, range.from, range.to);
        if (statement !== null) await this.deps.query(statement);
      }
    }
    if (resolution === '1m') {
      // Their hours are stale too once aggregated; those not yet aggregated will be, from the new minutes.
      const hoursUntil = state.watermark('1h') ?? Number.NEGATIVE_INFINITY;
      const hours = new Set(dirty.map((bucket) => floorTo(bucket.bucketMs, HOUR)).filter((hour) => hour < hoursUntil));
      if (hours.size > 0) await state.markDirty('1h', hours);
    }
    await state.clear(resolution, dirty);
    this.deps.logger.log({ msg: 'Re-aggregated buckets that got late readings', resolution, buckets: dirty.length, from: new Date(dirty[0].bucketMs).toISOString() });
  }

  private async minuteFields(): Promise<Map<string, string[]>> {
    const series = await this.deps.query(MINUTE_FIELD_KEYS);
    return new Map(series.map((entry) => [entry.name, entry.values.map((row) => String(row[0]))]));
  }

  private async oldestRaw(): Promise<number | null> {
    const series = await this.deps.query(`SELECT * FROM ${quoteIdentifier(this.deps.rawPolicy)}./.*/ LIMIT 1`);
    const times = series.filter((entry) => entry.values.length > 0).map((entry) => Number(entry.values[0][0]));
    return times.length === 0 ? null : Math.min(...times);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

/** The earlier of a watermark and a dirty bucket; null only without a watermark. */
function earliest(watermark: number | null, dirty: number | null): number | null {
  if (watermark === null) return null;
  return dirty === null ? watermark : Math.min(watermark, dirty);
}
