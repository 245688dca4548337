import { currentLanguage, t } from '../i18n/i18n';

/**
 * Dates as the operator reads them: in the display time zone — the county's (HUB_TIME_ZONE, from the hub) unless the
 * operator chose this computer's — and in the console's language, never UTC. The zone is shown in the header, so a
 * screenshot pasted into a report says which clock it used.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type TimeInput = number | string | null | undefined;
export type ZoneChoice = 'county' | 'browser';

const ZONE_KEY = 'hub.timeZone';
let countyZone = browserTimeZone();
let zoneChoice: ZoneChoice = savedZoneChoice();

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function savedZoneChoice(): ZoneChoice {
  try {
    return globalThis.localStorage?.getItem(ZONE_KEY) === 'browser' ? 'browser' : 'county';
  } catch {
    return 'county';
  }
}

/** The county's zone, as the hub says (MeView.countyTimeZone). */
export function setCountyTimeZone(zone: string): void {
  countyZone = zone;
}

export function countyTimeZone(): string {
  return countyZone;
}

export function timeZoneChoice(): ZoneChoice {
  return zoneChoice;
}

const zoneListeners = new Set<() => void>();

/** The operator's choice, kept in this browser; the console redraws in it. */
export function chooseTimeZone(choice: ZoneChoice): void {
  zoneChoice = choice;
  try {
    globalThis.localStorage?.setItem(ZONE_KEY, choice);
  } catch {
    // Not kept across visits.
  }
  for (const listener of zoneListeners) listener();
}

export function onTimeZoneChange(listener: () => void): () => void {
  zoneListeners.add(listener);
  return () => void zoneListeners.delete(listener);
}

/** The zone times are shown and taken in now. */
export function displayTimeZone(): string {
  return zoneChoice === 'browser' ? browserTimeZone() : countyZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per language, zone and style, made when first needed. */
function formatter(style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const zone = displayTimeZone();
  const key = `${currentLanguage()}|${zone}|${style}`;
  let made = formatters.get(key);
  if (made === undefined) {
    made = new Intl.DateTimeFormat(currentLanguage(), { ...options, timeZone: zone });
    formatters.set(key, made);
  }
  return made;
}

const dateTime = (): Intl.DateTimeFormat => formatter('dateTime', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOnly = (): Intl.DateTimeFormat => formatter('time', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndTime = (): Intl.DateTimeFormat => formatter('dayTime', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const tickTime = (): Intl.DateTimeFormat => formatter('tickTime', { hour: '2-digit', minute: '2-digit' });
const tickDay = (): Intl.DateTimeFormat => formatter('tickDay', { month: 'short', day: 'numeric' });
const calendarDay = (): Intl.DateTimeFormat => formatter('calendarDay', { year: 'numeric', month: '2-digit', day: '2-digit' });

export function toMs(value: TimeInput): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Full date and time, for titles and detail panes. */
export function formatDateTime(value: TimeInput): string {
  const ms = toMs(value);
  return ms === undefined ? '—' : dateTime().format(ms);
}

/** The time of day alone. */
export function formatClock(value: TimeInput): string {
  const ms = toMs(value);
  return ms === undefined ? '—' : timeOnly().format(ms);
}

/** Whether two instants fall on the same day in the display zone. */
function sameDay(a: number, b: number): boolean {
  return calendarDay().format(a) === calendarDay().format(b);
}

/** Compact: the time alone for today, day and time otherwise. */
export function formatShort(value: TimeInput, now = Date.now()): string {
  const ms = toMs(value);
  if (ms === undefined) return '—';
  return sameDay(ms, now) ? timeOnly().format(ms) : dayAndTime().format(ms);
}

/** "12 sec. ago", "3 min. ago", "2 hr. ago" ("3分钟前") in the console's language. */
export function formatAgo(value: TimeInput, now = Date.now()): string {
  const ms = toMs(value);
  if (ms === undefined) return t('time.never');
  const elapsed = now - ms;
  const relative = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'always', style: 'short' });
  if (Math.abs(elapsed) < 5 * SECOND) return t('time.justNow');
  if (Math.abs(elapsed) < MINUTE) return relative.format(-Math.round(elapsed / SECOND), 'second');
  if (Math.abs(elapsed) < HOUR) return relative.format(-Math.round(elapsed / MINUTE), 'minute');
  if (Math.abs(elapsed) < DAY) return relative.format(-Math.round(elapsed / HOUR), 'hour');
  return relative.format(-Math.round(elapsed / DAY), 'day');
}

/** "4 min 10 s", "2 h 5 min", "3 d 4 h" ("2 小时 5 分"): how long something has lasted. */
export function formatDuration(ms: number): string {
  const parts: [number, string][] = [
    [Math.floor(ms / DAY), t('time.unit.d')],
    [Math.floor((ms % DAY) / HOUR), t('time.unit.h')],
    [Math.floor((ms % HOUR) / MINUTE), t('time.unit.min')],
    [Math.floor((ms % MINUTE) / SECOND), t('time.unit.s')],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) return `0 ${t('time.unit.s')}`;
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ');
}

/** The zone's offset from UTC at that instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(ms / SECOND) * SECOND;
}

/** The display zone, e.g. "Asia/Shanghai (GMT+8)". */
export function timeZoneLabel(): string {
  const zone = displayTimeZone();
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(Date.now()).find((part) => part.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}

/** For <input type="datetime-local">, which holds a wall-clock time without a zone: in the display zone. */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const wall = new Date(ms + offsetAt(ms, displayTimeZone()));
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

/** A wall-clock time typed in the display zone, as an instant. */
export function fromLocalInput(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const zone = displayTimeZone();
  // The offset at the guess, then at the result (they differ only next to a daylight-saving change).
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}

/** Chart time-axis labels: the day where it changes (and on the first tick), the time of day otherwise. */
export function formatTicks(ticks: readonly number[], incrementMs: number): string[] {
  return ticks.map((tick, index) => {
    if (incrementMs >= DAY) return tickDay().format(tick);
    const newDay = index === 0 || !sameDay(ticks[index - 1], tick);
    return newDay ? `${tickDay().format(tick)}\n${tickTime().format(tick)}` : tickTime().format(tick);
  });
}
