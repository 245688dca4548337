import { formatDuration, parseDuration } from '@hub/common';
import { READING_RESOLUTIONS, type ReadingResolution } from '@hub/contract';
import { ConfigError, type ConfigReader } from './env-parsers';

export interface RetentionConfig {
  /** How long each resolution is kept (InfluxDB retention policy durations, whole hours). */
  readonly keepMs: Readonly<Record<ReadingResolution, number>>;
  /** Shrinks the operator has confirmed (HUB_RETENTION_CONFIRM): resolution → the new period it confirms. */
  readonly confirmed: Readonly<Partial<Record<ReadingResolution, number>>>;
  /** How often the downsampler runs. */
  readonly intervalMs: number;
  /** A minute is aggregated once it ended this long ago (readings still in flight land first). */
  readonly delayMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_PERIOD_MS = 36_525 * DAY;
const PERIOD_ALLOWED = 'whole hours such as 1h, 36h, 30d, from 1h (InfluxDB\'s shortest retention policy) to 100 years';
const CONFIRM_ALLOWED = 'comma-separated resolution=period pairs naming the new, shorter periods, e.g. raw=7d or raw=7d,1m=90d (resolutions raw, 1m, 1h)';

/**
 * HUB_RETENTION_*: how long raw readings and their aggregates are kept, and the downsampler's pace (InfluxDB v1; the
 * v2 path documents VictoriaMetrics' own -retentionPeriod instead). Each coarser resolution must be kept at least as
 * long as the finer one it is computed from.
 */
export function readRetentionConfig(read: ConfigReader): RetentionConfig {
  const period = (name: string, fallback: string, description: string): number => {
    const text = read.string(name, fallback, { description, allowed: PERIOD_ALLOWED });
    const ms = parseDuration(text);
    if (ms === undefined || ms < HOUR || ms > MAX_PERIOD_MS || ms % HOUR !== 0) {
      read.errors.push(new ConfigError(name, text, PERIOD_ALLOWED));
      return parseDuration(fallback) ?? HOUR;
    }
    return ms;
  };
  const keepMs = {
    raw: period('HUB_RETENTION_RAW', '35d', 'v1: raw readings are kept this long (the write retention policy\'s duration); a shorter value than InfluxDB holds needs HUB_RETENTION_CONFIRM. Monthly reports read raw readings: keep it above 31 days plus the longest outage after which reports should still catch up (the default leaves 4 days)'),
    '1m': period('HUB_RETENTION_MINUTE', '396d', 'v1: per-minute aggregates (sum, count, min, max of every metric) are kept this long, ~13 months by default'),
    '1h': period('HUB_RETENTION_HOURLY', '3653d', 'v1: per-hour aggregates are kept this long, 10 years by default'),
  };
  if (keepMs['1m'] < keepMs.raw) read.errors.push(new ConfigError('HUB_RETENTION_MINUTE', formatDuration(keepMs['1m']), `must be at least HUB_RETENTION_RAW (${formatDuration(keepMs.raw)})`));
  if (keepMs['1h'] < keepMs['1m']) read.errors.push(new ConfigError('HUB_RETENTION_HOURLY', formatDuration(keepMs['1h']), `must be at least HUB_RETENTION_MINUTE (${formatDuration(keepMs['1m'])})`));

  const confirmText = read.optionalString('HUB_RETENTION_CONFIRM', {
    description: 'v1: confirms a shorter retention than InfluxDB holds now, which drops the older data; the hub refuses to start with such a change until this names it (e.g. raw=7d)',
    allowed: CONFIRM_ALLOWED,
  });
  const confirmed = confirmText === undefined ? {} : parseConfirmations(confirmText);
  if (confirmed === undefined) read.errors.push(new ConfigError('HUB_RETENTION_CONFIRM', confirmText ?? '', CONFIRM_ALLOWED));

  return {
    keepMs,
    confirmed: confirmed ?? {},
    intervalMs: read.duration('HUB_DOWNSAMPLE_INTERVAL', '30s', 100, HOUR, 'v1: how often the hub aggregates closed minutes and hours and re-aggregates those late readings landed in'),
    delayMs: read.duration('HUB_DOWNSAMPLE_DELAY', '1m', 0, HOUR, 'v1: a minute is aggregated once it ended this long ago; a reading arriving later is still counted (its minute is re-aggregated)'),
  };
}

/** `raw=7d,1m=90d` → { raw: 7d, '1m': 90d } in ms; undefined when any part is not a resolution=period pair. */
export function parseConfirmations(text: string): Partial<Record<ReadingResolution, number>> | undefined {
  const confirmed: Partial<Record<ReadingResolution, number>> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (match === null || !(READING_RESOLUTIONS as readonly string[]).includes(match[1])) return undefined;
    const ms = parseDuration(match[2]);
    if (ms === undefined) return undefined;
    confirmed[match[1] as ReadingResolution] = ms;
  }
  return confirmed;
}
