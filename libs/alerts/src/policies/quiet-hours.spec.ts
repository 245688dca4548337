import { releaseTime } from './quiet-hours';

// 2026-01-15 23:30 in Shanghai (UTC+8) is 15:30 UTC.
const SHANGHAI_2330 = Date.UTC(2026, 0, 15, 15, 30, 0);
const NIGHT = { start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai' };

describe('releaseTime (quiet hours)', () => {
  it('holds a non-critical alert inside a window that wraps midnight until the window ends, local time', () => {
    expect(new Date(releaseTime(NIGHT, 'warning', SHANGHAI_2330 + 12_345)).toISOString()).toBe('2026-01-15T23:00:00.000Z'); // 07:00 in Shanghai
    expect(new Date(releaseTime(NIGHT, 'info', SHANGHAI_2330 + 6 * 3_600_000)).toISOString()).toBe('2026-01-15T23:00:00.000Z'); // 05:30 → 07:00
  });

  it('never holds a critical one, nor anything outside the window', () => {
    expect(releaseTime(NIGHT, 'critical', SHANGHAI_2330)).toBe(SHANGHAI_2330);
    const shanghai0700 = Date.UTC(2026, 0, 15, 23, 0, 0);
    expect(releaseTime(NIGHT, 'warning', shanghai0700)).toBe(shanghai0700); // the end is outside
    expect(releaseTime(NIGHT, 'warning', SHANGHAI_2330 - 2 * 3_600_000)).toBe(SHANGHAI_2330 - 2 * 3_600_000); // 21:30
    expect(releaseTime(null, 'warning', SHANGHAI_2330)).toBe(SHANGHAI_2330);
  });

  it('reads the window in its own zone', () => {
    const window = { start: '12:00', end: '14:00', timeZone: 'Europe/London' };
    const londonNoonThirty = Date.UTC(2026, 6, 1, 11, 30, 0); // BST: 12:30 local
    expect(new Date(releaseTime(window, 'warning', londonNoonThirty)).toISOString()).toBe('2026-07-01T13:00:00.000Z');
  });
});
