import { useLanguageForTests } from '../i18n/i18n.testing';
import { chooseTimeZone, formatAgo, formatDateTime, formatDuration, formatTicks, fromLocalInput, setCountyTimeZone, timeZoneLabel, toLocalInput } from './time';

beforeEach(() => {
  useLanguageForTests('en');
  chooseTimeZone('browser');
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it('shows the two largest units that matter', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(4 * MINUTE + 10_000)).toBe('4 min 10 s');
    expect(formatDuration(2 * HOUR + 5 * MINUTE + 7_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * DAY + 4 * HOUR + 59 * MINUTE)).toBe('3 d 4 h');
    expect(formatDuration(DAY + 30_000)).toBe('1 d');
  });
});

describe('formatAgo', () => {
  it('counts back from now in the largest unit', () => {
    const now = Date.UTC(2026, 10, 27, 12);
    expect(formatAgo(now - 2_000, now)).toBe('just now');
    expect(formatAgo(now - 3 * MINUTE, now)).toBe('3 min. ago');
    expect(formatAgo(now - 2 * HOUR, now)).toBe('2 hr. ago');
    expect(formatAgo(null, now)).toBe('never');
  });
});

describe('formatTicks', () => {
  it('names the day where it changes and otherwise only the time of day', () => {
    const start = new Date(2026, 10, 26, 22, 0).getTime(); // local time, whatever the zone of the test run
    const ticks = [start, start + HOUR, start + 2 * HOUR, start + 3 * HOUR];
    const labels = formatTicks(ticks, HOUR);
    expect(labels.map((label) => label.includes('\n'))).toEqual([true, false, true, false]);
  });

  it('shows only days when ticks are days apart', () => {
    const start = new Date(2026, 10, 20).getTime();
    expect(formatTicks([start, start + DAY], DAY).every((label) => !label.includes('\n') && !label.includes(':'))).toBe(true);
  });
});

describe('local date-time inputs', () => {
  it('round-trips a minute-aligned time through <input type="datetime-local">', () => {
    const at = new Date(2026, 10, 27, 8, 5).getTime();
    expect(toLocalInput(at)).toBe('2026-11-27T08:05');
    expect(fromLocalInput(toLocalInput(at))).toBe(at);
    expect([toLocalInput(undefined), fromLocalInput('')]).toEqual(['', undefined]);
  });
});

describe('the county’s time zone', () => {
  afterEach(() => chooseTimeZone('browser'));

  it('shows and takes times in the county’s zone, whatever the computer’s', () => {
    setCountyTimeZone('Asia/Shanghai');
    chooseTimeZone('county');
    const at = Date.UTC(2026, 11, 5, 15, 30); // 23:30 in Shanghai
    expect(toLocalInput(at)).toBe('2026-12-05T23:30');
    expect(fromLocalInput('2026-12-05T23:30')).toBe(at);
    expect(formatDateTime(at)).toBe('Dec 5, 2026, 11:30:00 PM');
    expect(timeZoneLabel()).toBe('Asia/Shanghai (GMT+8)');
    // Across a daylight-saving change: 02:30 on the morning Berlin's clocks go back is the first of the two.
    setCountyTimeZone('Europe/Berlin');
    expect(new Date(fromLocalInput('2026-03-29T03:30') ?? 0).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(toLocalInput(Date.UTC(2026, 6, 1, 10, 0))).toBe('2026-07-01T12:00');
  });

  it('writes dates, durations and “ago” in Chinese when the console is', () => {
    useLanguageForTests('zh-CN');
    setCountyTimeZone('Asia/Shanghai');
    chooseTimeZone('county');
    const now = Date.UTC(2026, 11, 5, 4, 0);
    expect(formatDuration(2 * HOUR + 5 * MINUTE)).toBe('2 小时 5 分');
    expect(formatAgo(now - 3 * MINUTE, now)).toBe('3分钟前');
    expect(formatAgo(now - 1000, now)).toBe('刚刚');
    expect(formatDateTime(now)).toBe('2026年12月5日 12:00:00');
  });
});
