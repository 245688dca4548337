import { closedPeriodsSince, isoWeek, lastClosedPeriod, nextPeriod, parseCalendarDate, periodContaining, periodOfDate, startOfDate } from './report-period';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;
const utc = (text: string): number => Date.parse(text);

describe('report periods in the county’s time zone', () => {
  it('takes a Shanghai month from the 1st’s midnight there (16:00 UTC the day before) to the next 1st', () => {
    const november = periodContaining('monthly', utc('2026-11-15T12:00:00Z'), SHANGHAI);
    expect(november).toEqual({ kind: 'monthly', start: utc('2026-10-31T16:00:00Z'), end: utc('2026-11-30T16:00:00Z'), label: '2026-11' });
    // 20:00 UTC on 30 November is 04:00 on 1 December in Shanghai: December's.
    expect(periodContaining('monthly', utc('2026-11-30T20:00:00Z'), SHANGHAI).label).toBe('2026-12');
    expect(periodContaining('monthly', utc('2026-11-30T15:59:59.999Z'), SHANGHAI).label).toBe('2026-11');
  });

  it('answers the last closed month, December into January across the year', () => {
    expect(lastClosedPeriod('monthly', utc('2026-12-06T18:20:00Z'), SHANGHAI)).toEqual({ kind: 'monthly', start: utc('2026-10-31T16:00:00Z'), end: utc('2026-11-30T16:00:00Z'), label: '2026-11' });
    expect(lastClosedPeriod('monthly', utc('2027-01-01T00:00:00Z'), SHANGHAI)).toEqual({ kind: 'monthly', start: utc('2026-11-30T16:00:00Z'), end: utc('2026-12-31T16:00:00Z'), label: '2026-12' });
    // Before Shanghai's midnight on 1 January, December is still open.
    expect(lastClosedPeriod('monthly', utc('2026-12-31T15:59:59Z'), SHANGHAI).label).toBe('2026-11');
    // February of a leap year has 29 days.
    const february = periodOfDate('monthly', { year: 2028, month: 2, day: 10 }, SHANGHAI);
    expect((february.end - february.start) / HOUR).toBe(29 * 24);
  });

  it('gives a Berlin day 23 hours when the clocks go forward and 25 when they go back', () => {
    const spring = periodOfDate('daily', { year: 2026, month: 3, day: 29 }, BERLIN);
    expect(spring).toEqual({ kind: 'daily', start: utc('2026-03-28T23:00:00Z'), end: utc('2026-03-29T22:00:00Z'), label: '2026-03-29' });
    expect((spring.end - spring.start) / HOUR).toBe(23);
    const autumn = periodOfDate('daily', { year: 2026, month: 10, day: 25 }, BERLIN);
    expect(autumn).toEqual({ kind: 'daily', start: utc('2026-10-24T22:00:00Z'), end: utc('2026-10-25T23:00:00Z'), label: '2026-10-25' });
    expect((autumn.end - autumn.start) / HOUR).toBe(25);
    const october = periodOfDate('monthly', { year: 2026, month: 10, day: 1 }, BERLIN);
    expect((october.end - october.start) / HOUR).toBe(31 * 24 + 1);
    expect(startOfDate({ year: 2026, month: 7, day: 1 }, BERLIN)).toBe(utc('2026-06-30T22:00:00Z'));
  });

  it('starts weeks on Monday and labels them by ISO week', () => {
    // Sunday 6 December 2026 in Shanghai: the week of Monday 30 November, ISO week 49.
    expect(periodContaining('weekly', utc('2026-12-06T10:00:00Z'), SHANGHAI)).toEqual({ kind: 'weekly', start: utc('2026-11-29T16:00:00Z'), end: utc('2026-12-06T16:00:00Z'), label: '2026-W49' });
    expect(isoWeek({ year: 2027, month: 1, day: 1 })).toEqual({ year: 2026, week: 53 });
    expect(isoWeek({ year: 2026, month: 1, day: 1 })).toEqual({ year: 2026, week: 1 });
    expect(isoWeek({ year: 2024, month: 12, day: 30 })).toEqual({ year: 2025, week: 1 });
    // The week holding Berlin's autumn change lasts 169 hours.
    const week = periodOfDate('weekly', { year: 2026, month: 10, day: 25 }, BERLIN);
    expect((week.end - week.start) / HOUR).toBe(7 * 24 + 1);
    expect(week.label).toBe('2026-W43');
  });

  it('lists the closed periods since a start, oldest first, at most the most recent few', () => {
    const now = utc('2026-12-06T18:20:00Z');
    const since = periodOfDate('monthly', { year: 2026, month: 8, day: 1 }, SHANGHAI).start;
    expect(closedPeriodsSince('monthly', since, now, SHANGHAI, 12).map((period) => period.label)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(closedPeriodsSince('monthly', since, now, SHANGHAI, 2).map((period) => period.label)).toEqual(['2026-10', '2026-11']);
    expect(closedPeriodsSince('daily', utc('2026-12-06T00:00:00Z'), now, SHANGHAI, 10)).toEqual([]);
    expect(nextPeriod(periodOfDate('monthly', { year: 2026, month: 12, day: 3 }, SHANGHAI), SHANGHAI).label).toBe('2027-01');
  });

  it('reads only dates that exist', () => {
    expect(parseCalendarDate('2026-11-30')).toEqual({ year: 2026, month: 11, day: 30 });
    expect(parseCalendarDate('2026-02-30')).toBeUndefined();
    expect(parseCalendarDate('2026-1-3')).toBeUndefined();
  });
});
