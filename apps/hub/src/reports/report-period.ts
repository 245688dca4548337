import type { ReportPeriodKind } from '@hub/api-types';

/**
 * Report periods in the county's time zone (HUB_TIME_ZONE): a day runs from the county's midnight to the next, a week
 * from Monday's midnight, a month from the 1st's midnight. The instants are found with Intl (no time-zone library):
 * a zone's offset at an instant is what Intl formats that instant as, minus the instant.
 */
export { REPORT_PERIODS, type ReportPeriodKind } from '@hub/api-types';

export interface ReportPeriod {
  readonly kind: ReportPeriodKind;
  /** First instant of the period (epoch ms), inclusive. */
  readonly start: number;
  /** First instant after it, exclusive. */
  readonly end: number;
  /** 2026-11-30 (daily), 2026-W48 (ISO week, weekly), 2026-11 (monthly): in the county's calendar. */
  readonly label: string;
}

/** A calendar date, month 1–12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at `instant`, as if it were UTC (ms): instant + the zone's offset. */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + (instant % 1000 + 1000) % 1000;
}

/** The county's date at an instant. */
export function dateIn(instant: number, timeZone: string): CalendarDate {
  const wall = new Date(wallClock(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant of the county's midnight starting a date. Midnight exists on every date in the zones counties use
 * (DST moves happen at 01:00–03:00); were it skipped, this answers the first instant of the day.
 */
export function startOfDate(date: CalendarDate, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  // Two rounds settle the offset, which may differ between the guess and the answer across a DST change.
  let instant = wall - (wallClock(wall, timeZone) - wall);
  instant = wall - (wallClock(instant, timeZone) - instant);
  return instant;
}

/** The date `days` after `date` (negative: before), on the proleptic calendar. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** The first day of the period of `kind` holding `date`. */
function firstDay(kind: ReportPeriodKind, date: CalendarDate): CalendarDate {
  switch (kind) {
    case 'daily':
      return date;
    case 'weekly':
      // getUTCDay: Sunday 0; weeks start on Monday (ISO 8601), as the roll-ups' week buckets do.
      return addDays(date, -((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7));
    case 'monthly':
      return { year: date.year, month: date.month, day: 1 };
  }
}

/** The first day of the next period. */
function nextFirstDay(kind: ReportPeriodKind, first: CalendarDate): CalendarDate {
  switch (kind) {
    case 'daily':
      return addDays(first, 1);
    case 'weekly':
      return addDays(first, 7);
    case 'monthly':
      return first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { year: first.year, month: first.month + 1, day: 1 };
  }
}

const two = (n: number): string => String(n).padStart(2, '0');

function labelOf(kind: ReportPeriodKind, first: CalendarDate): string {
  switch (kind) {
    case 'daily':
      return `${first.year}-${two(first.month)}-${two(first.day)}`;
    case 'weekly': {
      const { year, week } = isoWeek(first);
      return `${year}-W${two(week)}`;
    }
    case 'monthly':
      return `${first.year}-${two(first.month)}`;
  }
}

/** ISO 8601 week number and its year of a date (the week holding the year's first Thursday is week 1). */
export function isoWeek(date: CalendarDate): { year: number; week: number } {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const weekday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the Thursday of its week
  const year = day.getUTCFullYear();
  const week = 1 + Math.floor((day.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return { year, week };
}

function periodFrom(kind: ReportPeriodKind, first: CalendarDate, timeZone: string): ReportPeriod {
  return { kind, start: startOfDate(first, timeZone), end: startOfDate(nextFirstDay(kind, first), timeZone), label: labelOf(kind, first) };
}

/** The period of `kind` holding `instant`, in the county's calendar. */
export function periodContaining(kind: ReportPeriodKind, instant: number, timeZone: string): ReportPeriod {
  return periodFrom(kind, firstDay(kind, dateIn(instant, timeZone)), timeZone);
}

/** The period holding a county date. */
export function periodOfDate(kind: ReportPeriodKind, date: CalendarDate, timeZone: string): ReportPeriod {
  return periodFrom(kind, firstDay(kind, date), timeZone);
}

/** The latest period that has ended by `now` (the one before the period holding now). */
export function lastClosedPeriod(kind: ReportPeriodKind, now: number, timeZone: string): ReportPeriod {
  return previousPeriod(periodContaining(kind, now, timeZone), timeZone);
}

export function previousPeriod(period: ReportPeriod, timeZone: string): ReportPeriod {
  return periodContaining(period.kind, period.start - 1, timeZone);
}

export function nextPeriod(period: ReportPeriod, timeZone: string): ReportPeriod {
  return periodContaining(period.kind, period.end, timeZone);
}

/**
 * The closed periods from the one starting at `firstStart` through the last closed one, oldest first, at most the
 * `max` most recent of them: what a definition is due after downtime.
 */
export function closedPeriodsSince(kind: ReportPeriodKind, firstStart: number, now: number, timeZone: string, max: number): ReportPeriod[] {
  const periods: ReportPeriod[] = [];
  for (let period = lastClosedPeriod(kind, now, timeZone); period.start >= firstStart && periods.length < max; period = previousPeriod(period, timeZone)) {
    periods.unshift(period);
  }
  return periods;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD date that exists, or undefined. */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : undefined;
}
