/**
 * Instants as ISO-8601 local times of one time zone with their offset, `2026-12-07T02:20:24.000+08:00`: what exports
 * write next to UTC for people in the county (HUB_TIME_ZONE). Intl does the zone rules; its formatting costs
 * microseconds per call, too much for millions of rows, so the offset is looked up once per quarter hour of UTC and
 * the text built from it. Every zone's offset changes only at whole quarter hours of UTC (offsets are multiples of
 * 15 minutes and transitions happen at whole local hours or half hours).
 */
const QUARTER_HOUR = 900_000;
const MAX_CACHED = 4_096;

export class ZonedTimeFormatter {
  private readonly offsetFormat: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  /** Throws RangeError for a zone Intl does not know (the config has already checked HUB_TIME_ZONE). */
  constructor(readonly timeZone: string) {
    this.offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  /** `2026-12-07T02:20:24.000+08:00` for 2026-12-06T18:20:24Z in Asia/Shanghai; `…Z` offsets are written `+00:00`. */
  format(ms: number): string {
    const offsetMinutes = this.offsetMinutesAt(ms);
    const local = new Date(ms + offsetMinutes * 60_000).toISOString();
    const sign = offsetMinutes < 0 ? '-' : '+';
    const absolute = Math.abs(offsetMinutes);
    return `${local.slice(0, -1)}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
  }

  /** Minutes east of UTC at the instant. */
  offsetMinutesAt(ms: number): number {
    const slot = Math.floor(ms / QUARTER_HOUR);
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = this.lookUp(slot * QUARTER_HOUR);
      if (this.offsets.size >= MAX_CACHED) this.offsets.clear();
      this.offsets.set(slot, offset);
    }
    return offset;
  }

  private lookUp(ms: number): number {
    // `GMT+08:00`, `GMT-03:30`, plain `GMT` for UTC itself; local mean times before ~1900 add seconds (`GMT+08:05:43`),
    // which are dropped: such a time is written to the minute's offset.
    const name = this.offsetFormat.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /^GMT([+-])(\d{2}):(\d{2})(?::\d{2})?$/.exec(name);
    if (match === null) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
  }
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
