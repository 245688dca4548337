import { describeValue as describe } from './describe-value';

/**
 * A vendor's reading time into epoch ms. Zone-less local times ("2024-03-05 14:30:00" from a Chinese DTU) are read in
 * the IANA zone the profile names, through Intl (the ICU data Node ships), so no date library and no guessing from
 * the server's own zone.
 */
export type TimestampFormat = 'epoch-s' | 'epoch-ms' | 'iso8601' | 'local';

export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['epoch-s', 'epoch-ms', 'iso8601', 'local'];

// As the contract: a zone designator is required, or the time would be read in whatever zone the server runs in.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const DIGITS = /^\d{1,16}(\.\d+)?$/;

export type TimeOrProblem = { readonly ms: number } | { readonly problem: string };

/** Whether `zone` is an IANA zone name Intl knows (checked when a profile is saved). */
export function isTimeZone(zone: string): boolean {
  try {
    zoneFormat(zone);
    return true;
  } catch {
    return false;
  }
}

export function parseVendorTime(value: unknown, format: TimestampFormat, zone?: string): TimeOrProblem {
  switch (format) {
    case 'epoch-s':
    case 'epoch-ms': {
      // Numeric strings are common ("ts":"1733400000"); anything else that is not a number is a mistake.
      const number = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
        return { problem: `${describe(value)} is not ${format === 'epoch-s' ? 'epoch seconds' : 'epoch milliseconds'}` };
      }
      return { ms: Math.round(format === 'epoch-s' ? number * 1000 : number) };
    }
    case 'iso8601': {
      if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
        return { problem: `${describe(value)} is not an ISO 8601 date-time with a zone` };
      }
      const ms = Date.parse(value);
      return Number.isNaN(ms) || !calendarDateExists(value) ? { problem: `${describe(value)} is not a real date` } : { ms };
    }
    case 'local':
      return parseLocal(value, zone ?? 'UTC');
  }
}

function parseLocal(value: unknown, zone: string): TimeOrProblem {
  const match = typeof value === 'string' ? LOCAL_DATE_TIME.exec(value) : null;
  if (match === null) return { problem: `${describe(value)} is not YYYY-MM-DD HH:mm:ss` };
  const [year, month, day, hour, minute, second, millis] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, millis!);
  const fields = new Date(wall);
  if (fields.getUTCMonth() !== month! - 1 || fields.getUTCDate() !== day! || hour! > 23 || minute! > 59 || second! > 59) {
    return { problem: `${describe(value)} is not a real date and time` };
  }
  // The zone's offset at the wall time read as UTC is right except within a day of a DST change; one more step
  // corrects that. A wall time that a spring-forward skipped maps back to a different wall time and is refused.
  let ms = wall - zoneOffset(wall, zone);
  ms = wall - zoneOffset(ms, zone);
  if (ms + zoneOffset(ms, zone) !== wall) return { problem: `${describe(value)} does not exist in ${zone} (a daylight-saving gap)` };
  return { ms };
}

const formats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (format === undefined) {
    // Throws RangeError for an unknown zone; constructing one costs tens of µs, so each zone's is kept.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

/** Milliseconds the zone's wall clock is ahead of UTC at the instant `ms`. */
function zoneOffset(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(zone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

function calendarDateExists(value: string): boolean {
  const [year, month, day] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
