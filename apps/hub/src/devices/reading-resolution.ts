import type { ReadingSource, ReadingResolution } from '@hub/api-types';
import type { BucketPlan } from './reading-buckets';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const BUCKET_MS = { '1h': HOUR, '1m': MINUTE } as const;
/** Coarsest first. */
const AGGREGATES = ['1h', '1m'] as const;

/** What is stored at which resolution: how far the aggregates are complete (null: none, e.g. InfluxDB v2). */
export interface StoredResolutions {
  readonly aggregatedUntil: Readonly<Record<'1m' | '1h', number | null>>;
}

/** The retention policies raw readings are in, for queries: the raw one (null: the database's default) and the backfill. */
export interface RawPolicies {
  readonly rawPolicy: string | null;
  /** Readings that arrived older than the raw period (null without downsampling). */
  readonly backfillPolicy: string | null;
}

/** A bucket plan with the sources that serve it: contiguous [from, to) parts, coarsest first, the range widened to them. */
export interface ResolutionPlan extends BucketPlan {
  /** The coarsest resolution used (that of the first source). */
  readonly resolution: ReadingResolution;
  readonly sources: readonly ReadingSource[];
}

/**
 * Picks the coarsest resolution that serves the requested buckets, and the finer ones for the recent part it does
 * not cover yet:
 * - an aggregate resolution can serve only buckets made of whole aggregate buckets: `every` a multiple of it, and for
 *   day and week buckets (which are the county's days) a time zone whose offset is a whole number of them;
 * - it serves from the start of the range (floored to its bucket: an aggregate bucket counts whole or not at all) up
 *   to where it is complete; the next finer one continues from there, and raw readings serve the rest up to `to`;
 * - where a range ends before an aggregate's complete part does, `to` is rounded up to its bucket likewise.
 * Aggregates expire later than raw readings, so the coarse head is also what is left of old data.
 */
export function planResolution(buckets: BucketPlan, stored: StoredResolutions, timeZone: string): ResolutionPlan {
  const usable = AGGREGATES.filter((resolution) => {
    const until = stored.aggregatedUntil[resolution];
    const size = BUCKET_MS[resolution];
    return until !== null && buckets.everyMs % size === 0 && floorTo(buckets.from, size) < until && zoneFits(buckets, size, timeZone);
  });
  if (usable.length === 0) return { ...buckets, resolution: 'raw', sources: [{ resolution: 'raw', from: buckets.from, to: buckets.to }] };

  const from = floorTo(buckets.from, BUCKET_MS[usable[0]]);
  const sources: ReadingSource[] = [];
  let cursor = from;
  for (const resolution of usable) {
    const until = stored.aggregatedUntil[resolution] as number;
    if (cursor >= until) continue;
    if (buckets.to <= until) {
      const to = ceilTo(buckets.to, BUCKET_MS[resolution]);
      sources.push({ resolution, from: cursor, to });
      return { from, to, everyMs: buckets.everyMs, resolution: usable[0], sources };
    }
    sources.push({ resolution, from: cursor, to: until });
    cursor = until;
  }
  sources.push({ resolution: 'raw', from: cursor, to: buckets.to });
  return { from, to: buckets.to, everyMs: buckets.everyMs, resolution: usable[0], sources };
}

/**
 * Day and week buckets start at the county's midnight (tz() in the query): aggregates serve them only when that
 * midnight is on their grid, i.e. the zone's offset from UTC is whole hours (or minutes) at both ends of the range.
 */
function zoneFits(buckets: BucketPlan, size: number, timeZone: string): boolean {
  if (buckets.everyMs % DAY !== 0) return true;
  return [buckets.from, buckets.to].every((at) => zoneOffsetMs(timeZone, at) % size === 0);
}

/** The zone's offset from UTC at a moment, e.g. +8h for Asia/Shanghai, +5h30m for Asia/Kolkata. */
export function zoneOffsetMs(timeZone: string, at: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * MINUTE);
}

function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}

function ceilTo(ms: number, size: number): number {
  return Math.ceil(ms / size) * size;
}
