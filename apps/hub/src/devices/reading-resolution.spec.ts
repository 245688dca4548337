import { planResolution, zoneOffsetMs, type StoredResolutions } from './reading-resolution';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T18:37:20Z');
/** Minutes aggregated up to 18:35, hours up to 18:00. */
const STORED: StoredResolutions = { aggregatedUntil: { '1m': Date.parse('2026-12-06T18:35:00Z'), '1h': Date.parse('2026-12-06T18:00:00Z') } };
const NONE: StoredResolutions = { aggregatedUntil: { '1m': null, '1h': null } };
const at = (iso: string): number => Date.parse(iso);

describe('planResolution', () => {
  it('reads a year of hourly buckets from the hour aggregates, then minutes, then raw readings for the last minutes', () => {
    const from = NOW - 365 * DAY;
    const plan = planResolution({ from, to: NOW, everyMs: 6 * HOUR }, STORED, 'UTC');
    expect(plan.resolution).toBe('1h');
    expect(plan.from).toBe(at('2025-12-06T18:00:00Z'));
    expect(plan.to).toBe(NOW);
    expect(plan.sources).toEqual([
      { resolution: '1h', from: at('2025-12-06T18:00:00Z'), to: at('2026-12-06T18:00:00Z') },
      { resolution: '1m', from: at('2026-12-06T18:00:00Z'), to: at('2026-12-06T18:35:00Z') },
      { resolution: 'raw', from: at('2026-12-06T18:35:00Z'), to: NOW },
    ]);
  });

  it('takes minutes for whole-minute buckets that are not whole hours, and raw readings for seconds', () => {
    const from = NOW - 6 * HOUR;
    expect(planResolution({ from, to: NOW, everyMs: 5 * MINUTE }, STORED, 'UTC')).toEqual({
      from: at('2026-12-06T12:37:00Z'),
      to: NOW,
      everyMs: 5 * MINUTE,
      resolution: '1m',
      sources: [
        { resolution: '1m', from: at('2026-12-06T12:37:00Z'), to: at('2026-12-06T18:35:00Z') },
        { resolution: 'raw', from: at('2026-12-06T18:35:00Z'), to: NOW },
      ],
    });
    expect(planResolution({ from, to: NOW, everyMs: 30_000 }, STORED, 'UTC')).toEqual({ from, to: NOW, everyMs: 30_000, resolution: 'raw', sources: [{ resolution: 'raw', from, to: NOW }] });
    expect(planResolution({ from, to: NOW, everyMs: 90_000 }, STORED, 'UTC').resolution).toBe('raw');
  });

  it('rounds the end of a range up to a whole bucket when the aggregates cover it, and needs no raw readings then', () => {
    const plan = planResolution({ from: at('2026-12-01T08:20:00Z'), to: at('2026-12-02T08:20:00Z'), everyMs: HOUR }, STORED, 'UTC');
    expect(plan).toEqual({
      from: at('2026-12-01T08:00:00Z'),
      to: at('2026-12-02T09:00:00Z'),
      everyMs: HOUR,
      resolution: '1h',
      sources: [{ resolution: '1h', from: at('2026-12-01T08:00:00Z'), to: at('2026-12-02T09:00:00Z') }],
    });
  });

  it('skips a resolution not aggregated as far as the range starts: the last half hour per hour comes from minutes', () => {
    const plan = planResolution({ from: at('2026-12-06T18:05:00Z'), to: NOW, everyMs: HOUR }, STORED, 'UTC');
    expect(plan.resolution).toBe('1m');
    expect(plan.sources).toEqual([
      { resolution: '1m', from: at('2026-12-06T18:05:00Z'), to: at('2026-12-06T18:35:00Z') },
      { resolution: 'raw', from: at('2026-12-06T18:35:00Z'), to: NOW },
    ]);
  });

  it('serves everything raw when nothing is aggregated (InfluxDB v2, or before the first run)', () => {
    const request = { from: NOW - 365 * DAY, to: NOW, everyMs: DAY };
    expect(planResolution(request, NONE, 'UTC')).toEqual({ ...request, resolution: 'raw', sources: [{ resolution: 'raw', from: request.from, to: NOW }] });
  });

  it('serves the county\'s days from hours where its offset is whole hours, from minutes where it is not', () => {
    const request = { from: at('2026-11-05T16:00:00Z'), to: at('2026-12-05T16:00:00Z'), everyMs: DAY };
    expect(planResolution(request, STORED, 'Asia/Shanghai').resolution).toBe('1h');
    expect(planResolution(request, STORED, 'Asia/Kolkata').resolution).toBe('1m');
    expect(planResolution(request, STORED, 'Asia/Kathmandu').resolution).toBe('1m');
  });

  it('reads zone offsets, daylight saving included', () => {
    expect(zoneOffsetMs('Asia/Shanghai', NOW)).toBe(8 * HOUR);
    expect(zoneOffsetMs('Asia/Kolkata', NOW)).toBe(5.5 * HOUR);
    expect(zoneOffsetMs('America/New_York', at('2026-07-01T00:00:00Z'))).toBe(-4 * HOUR);
    expect(zoneOffsetMs('UTC', NOW)).toBe(0);
  });
});
