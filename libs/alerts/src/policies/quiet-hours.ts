import type { Severity } from '../rules/alert-rule';
import type { QuietHours } from './notification-policy';

const MINUTE = 60_000;

/**
 * When a message due at `at` may go: at once for a critical alert or outside the window, else at the window's end.
 * Minutes of the local day in the window's zone (Intl, so daylight saving zones are right too); the window may wrap
 * midnight (22:00–07:00).
 */
export function releaseTime(quiet: QuietHours | null, severity: Severity, at: number): number {
  if (quiet === null || severity === 'critical') return at;
  const now = localMinutes(at, quiet.timeZone);
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return at;
  const wait = (end - now + 24 * 60) % (24 * 60);
  // To the start of the minute the window ends at, local seconds dropped.
  return Math.floor(at / MINUTE) * MINUTE + wait * MINUTE;
}

export function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

function localMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value);
  return hour * 60 + minute;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
