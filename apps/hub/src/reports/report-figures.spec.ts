import { alertFigures, availabilityOf, mean, median, metricFigures, totalUnitOf } from './report-figures';
import { activityFromSeries, edgesInfluxQl, metricSummaryInfluxQl, silencesInfluxQl, summaryFromSeries } from './report-queries';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('report figures', () => {
  it('takes means and medians (the middle two averaged for an even count)', () => {
    expect(mean([])).toBeNull();
    expect(median([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 10, 2])).toBe(3);
  });

  it('counts alerts by severity and times them from firing to acknowledgement and to resolution', () => {
    const fired = 1_000_000;
    const figures = alertFigures([
      { severity: 'critical', firedAt: fired, acknowledgedAt: fired + 5 * MINUTE, resolvedAt: fired + HOUR },
      { severity: 'critical', firedAt: fired, acknowledgedAt: fired + 15 * MINUTE, resolvedAt: fired + 3 * HOUR },
      { severity: 'warning', firedAt: fired, acknowledgedAt: fired + 40 * MINUTE, resolvedAt: null },
      { severity: 'info', firedAt: fired, acknowledgedAt: null, resolvedAt: fired + 2 * HOUR },
    ]);
    expect(figures).toEqual({
      total: 4,
      bySeverity: { critical: 2, warning: 1, info: 1 },
      acknowledged: 3,
      meanTimeToAcknowledgeMs: 20 * MINUTE,
      medianTimeToAcknowledgeMs: 15 * MINUTE,
      resolved: 3,
      meanTimeToResolveMs: 2 * HOUR,
      medianTimeToResolveMs: 2 * HOUR,
    });
    expect(alertFigures([])).toMatchObject({ total: 0, meanTimeToAcknowledgeMs: null, medianTimeToResolveMs: null });
  });

  it('finds devices silent longer than their expected interval, between readings and at either edge of the period', () => {
    const period = { start: 0, end: 10 * HOUR };
    const activity = new Map([
      // Every 10 minutes, all period: no gap against 15 minutes.
      ['steady', { first: 5 * MINUTE, last: 10 * HOUR - 5 * MINUTE, longestBetweenMs: 10 * MINUTE }],
      // Silent for an hour in the middle.
      ['holed', { first: 0, last: 10 * HOUR - MINUTE, longestBetweenMs: HOUR }],
      // Stopped two hours before the end: the silence runs to the period's end.
      ['stopped', { first: 0, last: 8 * HOUR, longestBetweenMs: 10 * MINUTE }],
      // Started late.
      ['late', { first: 3 * HOUR, last: 10 * HOUR - MINUTE, longestBetweenMs: 10 * MINUTE }],
      // No expected interval: never a gap.
      ['unknown', { first: 4 * HOUR, last: 4 * HOUR, longestBetweenMs: 0 }],
      // Not registered in the area: not counted.
      ['stranger', { first: 0, last: 0, longestBetweenMs: 0 }],
    ]);
    const devices = [
      { deviceId: 'steady', expectedIntervalS: 900 },
      { deviceId: 'holed', expectedIntervalS: 900 },
      { deviceId: 'stopped', expectedIntervalS: 900 },
      { deviceId: 'late', expectedIntervalS: 900 },
      { deviceId: 'unknown', expectedIntervalS: null },
      { deviceId: 'silent', expectedIntervalS: 900 },
    ];
    expect(availabilityOf('water', devices, activity, period)).toEqual({
      domain: 'water',
      devices: 6,
      reporting: 5,
      withGaps: 3,
      gaps: [
        { deviceId: 'late', longestSilenceMs: 3 * HOUR, expectedIntervalS: 900 },
        { deviceId: 'stopped', longestSilenceMs: 2 * HOUR, expectedIntervalS: 900 },
        { deviceId: 'holed', longestSilenceMs: HOUR, expectedIntervalS: 900 },
      ],
    });
  });

  it('totals a rate over the period’s hours from each device’s mean, and leaves other metrics without a total', () => {
    expect(totalUnitOf('m³/h')).toBe('m³');
    expect(totalUnitOf('kW')).toBe('kWh');
    expect(totalUnitOf('kPa')).toBeNull();
    const summary = { devices: 2, readings: 4, sum: 40, min: 4, max: 16, sumOfDeviceMeans: 22.5 };
    // A 30-day month: 720 hours at 22.5 m³/h.
    expect(metricFigures('water', 'flow_m3h', 'm³/h', summary, 720 * HOUR)).toEqual({ domain: 'water', metric: 'flow_m3h', unit: 'm³/h', devices: 2, readings: 4, mean: 10, min: 4, max: 16, total: 16_200, totalUnit: 'm³' });
    expect(metricFigures('water', 'pressure_kpa', 'kPa', summary, HOUR)).toMatchObject({ total: null, totalUnit: null });
  });
});

describe('report queries', () => {
  const selection = { domain: 'water', area: { level: 'town', town: "O'Hara" } as const, start: 1000, end: 2000, rawPolicy: null };

  it('asks one statement per metric, per device inside and over the area outside, with the area’s tags quoted', () => {
    expect(metricSummaryInfluxQl(selection, 'flow_m3h')).toBe(
      `SELECT sum("s") AS "sum", sum("n") AS "readings", min("lo") AS "min", max("hi") AS "max", sum("m") AS "means", count("n") AS "devices" FROM (` +
        `SELECT sum("flow_m3h") AS "s", count("flow_m3h") AS "n", min("flow_m3h") AS "lo", max("flow_m3h") AS "hi", mean("flow_m3h") AS "m" FROM "water" WHERE time >= 1000ms AND time < 2000ms AND "town" = 'O\\'Hara' GROUP BY "device_id"` +
        `) WHERE time >= 1000ms AND time < 2000ms`,
    );
    expect(silencesInfluxQl(selection)).toBe(`SELECT max(*) FROM (SELECT elapsed(*, 1ms) FROM "water" WHERE time >= 1000ms AND time < 2000ms AND "town" = 'O\\'Hara' GROUP BY "device_id") WHERE time >= 1000ms AND time < 2000ms GROUP BY "device_id"`);
    expect(edgesInfluxQl(selection, ['a', 'b']).split('; ').map((statement) => statement.slice(0, 16))).toEqual(['SELECT first("a"', 'SELECT last("a")', 'SELECT first("b"', 'SELECT last("b")']);
  });

  it('reads raw readings in the policy the hub writes them to when INFLUX_RETENTION_POLICY names one', () => {
    const named = { ...selection, rawPolicy: 'raw "30d"' };
    expect(metricSummaryInfluxQl(named, 'flow_m3h')).toContain(`FROM "raw \\"30d\\""."water" WHERE`);
    expect(silencesInfluxQl(named)).toContain(`SELECT elapsed(*, 1ms) FROM "raw \\"30d\\""."water" WHERE`);
    expect(edgesInfluxQl(named, ['a'])).toBe(
      `SELECT first("a") FROM "raw \\"30d\\""."water" WHERE time >= 1000ms AND time < 2000ms AND "town" = 'O\\'Hara' GROUP BY "device_id"; ` +
        `SELECT last("a") FROM "raw \\"30d\\""."water" WHERE time >= 1000ms AND time < 2000ms AND "town" = 'O\\'Hara' GROUP BY "device_id"`,
    );
  });

  it('reads a summary, and none when nothing was read', () => {
    const series = [{ name: 'water', columns: ['time', 'sum', 'readings', 'min', 'max', 'means', 'devices'], values: [[1000, 40, 4, 4, 16, 22.5, 2]] }];
    expect(summaryFromSeries(series)).toEqual({ devices: 2, readings: 4, sum: 40, min: 4, max: 16, sumOfDeviceMeans: 22.5 });
    expect(summaryFromSeries([])).toBeNull();
  });

  it('takes a device’s first and last reading over its metrics, and its longest gap as its most regular field’s', () => {
    const edges = [
      { name: 'water', tags: { device_id: 'a' }, columns: ['time', 'first'], values: [[1200, 1]] },
      { name: 'water', tags: { device_id: 'a' }, columns: ['time', 'last'], values: [[1800, 1]] },
      { name: 'water', tags: { device_id: 'a' }, columns: ['time', 'first'], values: [[1100, 5]] },
      { name: 'water', tags: { device_id: 'a' }, columns: ['time', 'last'], values: [[1700, 5]] },
      { name: 'water', tags: { device_id: 'b' }, columns: ['time', 'first'], values: [[1500, 5]] },
      { name: 'water', tags: { device_id: 'b' }, columns: ['time', 'last'], values: [[1500, 5]] },
    ];
    const silences = [{ name: 'water', tags: { device_id: 'a' }, columns: ['time', 'max_elapsed_flow_m3h', 'max_elapsed_pressure_kpa'], values: [[1000, 300, 240]] }];
    expect(activityFromSeries(edges, silences)).toEqual(
      new Map([
        ['a', { first: 1100, last: 1800, longestBetweenMs: 240 }],
        ['b', { first: 1500, last: 1500, longestBetweenMs: 0 }],
      ]),
    );
  });
});
