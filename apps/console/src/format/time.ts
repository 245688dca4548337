/**
 * Dates as the operator reads them: in the browser's own time zone and locale, never UTC. The zone is shown in the
 * header, so a screenshot pasted into a report says which clock it used.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'always', style: 'short' });

export type TimeInput = number | string | null | undefined;

export function toMs(value: TimeInput): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Full local date and time, for titles and detail panes. */
export function formatDateTime(value: TimeInput): string {
  const ms = toMs(value);
  return ms === undefined ? '—' : dateTime.format(ms);
}

/** Compact: the time alone for today, day and time otherwise. */
export function formatShort(value: TimeInput, now = Date.now()): string {
  const ms = toMs(value);
  if (ms === undefined) return '—';
  return new Date(ms).toDateString() === new Date(now).toDateString() ? timeOnly.format(ms) : dayAndTime.format(ms);
}

/** "12 sec. ago", "3 min. ago", "2 hr. ago" in the browser's language. */
export function formatAgo(value: TimeInput, now = Date.now()): string {
  const ms = toMs(value);
  if (ms === undefined) return 'never';
  const elapsed = now - ms;
  if (Math.abs(elapsed) < 5 * SECOND) return 'just now';
  if (Math.abs(elapsed) < MINUTE) return relative.format(-Math.round(elapsed / SECOND), 'second');
  if (Math.abs(elapsed) < HOUR) return relative.format(-Math.round(elapsed / MINUTE), 'minute');
  if (Math.abs(elapsed) < DAY) return relative.format(-Math.round(elapsed / HOUR), 'hour');
  return relative.format(-Math.round(elapsed / DAY), 'day');
}

/** "4 min 10 s", "2 h 5 min", "3 d 4 h": how long something has lasted. */
export function formatDuration(ms: number): string {
  const parts: [number, string][] = [
    [Math.floor(ms / DAY), 'd'],
    [Math.floor((ms % DAY) / HOUR), 'h'],
    [Math.floor((ms % HOUR) / MINUTE), 'min'],
    [Math.floor((ms % MINUTE) / SECOND), 's'],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ');
}

/** The zone the console shows times in, e.g. "Europe/Vienna (GMT+1)". */
export function timeZoneLabel(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offset = new Intl.DateTimeFormat(undefined, { timeZoneName: 'shortOffset' }).formatToParts(Date.now()).find((part) => part.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}

/** For <input type="datetime-local">, which holds local time without a zone. */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const date = new Date(ms);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (value === '') return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

const tickTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const tickDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Chart time-axis labels in local time: the day where it changes (and on the first tick), the time of day otherwise. */
export function formatTicks(ticks: readonly number[], incrementMs: number): string[] {
  return ticks.map((tick, index) => {
    if (incrementMs >= DAY) return tickDay.format(tick);
    const newDay = index === 0 || new Date(ticks[index - 1]).toDateString() !== new Date(tick).toDateString();
    return newDay ? `${tickDay.format(tick)}\n${tickTime.format(tick)}` : tickTime.format(tick);
  });
}
