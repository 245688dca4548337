import { ZonedTimeFormatter } from './zoned-time';

describe('ZonedTimeFormatter', () => {
  it('writes the local time of the zone with its offset, to the millisecond', () => {
    const shanghai = new ZonedTimeFormatter('Asia/Shanghai');
    expect(shanghai.format(Date.parse('2026-12-06T18:20:24.123Z'))).toBe('2026-12-07T02:20:24.123+08:00');
    expect(new ZonedTimeFormatter('UTC').format(Date.parse('2026-12-06T18:20:24Z'))).toBe('2026-12-06T18:20:24.000+00:00');
    expect(new ZonedTimeFormatter('Asia/Kolkata').format(Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-01-01T05:30:00.000+05:30');
    expect(new ZonedTimeFormatter('America/St_Johns').format(Date.parse('2026-01-01T00:00:00Z'))).toBe('2025-12-31T20:30:00.000-03:30');
  });

  it('follows daylight saving across a change, on both sides of the instant it happens', () => {
    // Europe/London goes from GMT to BST at 01:00 UTC on 2026-03-29.
    const london = new ZonedTimeFormatter('Europe/London');
    expect(london.format(Date.parse('2026-03-29T00:59:59.999Z'))).toBe('2026-03-29T00:59:59.999+00:00');
    expect(london.format(Date.parse('2026-03-29T01:00:00.000Z'))).toBe('2026-03-29T02:00:00.000+01:00');
    // And back at 01:00 UTC on 2026-10-25: 01:30 local happens twice, told apart by the offset.
    expect(london.format(Date.parse('2026-10-25T00:30:00Z'))).toBe('2026-10-25T01:30:00.000+01:00');
    expect(london.format(Date.parse('2026-10-25T01:30:00Z'))).toBe('2026-10-25T01:30:00.000+00:00');
  });

  it('agrees with Intl for every hour of a year in a zone with daylight saving (the quarter-hour cache is exact)', () => {
    const zone = 'America/New_York';
    const formatter = new ZonedTimeFormatter(zone);
    const intl = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let ms = start; ms < start + 365 * 86_400_000; ms += 3_600_000 + 7_000) {
      expect(formatter.format(ms).slice(0, 19).replace('T', ' ')).toBe(intl.format(ms));
    }
  });

  it('writes UTC exactly as toISOString does, in and out of time order, before 1970 too', () => {
    const formatter = new ZonedTimeFormatter('Asia/Shanghai');
    const instants = [Date.parse('2026-11-01T00:00:59.999Z'), Date.parse('2026-11-01T00:01:00.000Z'), Date.parse('2026-11-01T00:00:00.007Z'), -1, -60_001, 0, 1_000_000_000_042, Date.parse('1969-12-31T23:59:59.5Z')];
    for (const ms of instants) {
      expect(formatter.formatUtc(ms)).toBe(new Date(ms).toISOString());
      expect(formatter.format(ms)).toBe(`${new Date(ms + 8 * 3_600_000).toISOString().slice(0, -1)}+08:00`);
    }
  });

  it('refuses a zone Intl does not know', () => {
    expect(() => new ZonedTimeFormatter('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
