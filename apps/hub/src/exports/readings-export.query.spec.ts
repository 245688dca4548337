import { describeResolution, RAW, readingsExportInfluxQl } from './readings-export.query';

describe('readingsExportInfluxQl', () => {
  const range = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 2), timeZone: 'Asia/Shanghai' };

  it('reads raw points of an area by its tags, grouped by the tags every row names', () => {
    expect(readingsExportInfluxQl({ ...range, domain: 'water', selection: { kind: 'area', town: '城关镇', village: null }, resolution: RAW })).toBe(
      `SELECT *::field FROM "water" WHERE time >= ${range.from}ms AND time < ${range.to}ms AND "town" = '城关镇' GROUP BY "device_id", "site", "town", "village"`,
    );
    expect(readingsExportInfluxQl({ ...range, domain: 'water', selection: { kind: 'area', town: "O'Brien", village: '东街村' }, resolution: RAW })).toContain(
      `AND "town" = 'O\\'Brien' AND "village" = '东街村' GROUP BY`,
    );
  });

  it('names devices one by one (no regex to escape)', () => {
    expect(readingsExportInfluxQl({ ...range, domain: 'gas', selection: { kind: 'devices', deviceIds: ['g-1', 'g-2'] }, resolution: RAW })).toContain(`AND ("device_id" = 'g-1' OR "device_id" = 'g-2') GROUP BY`);
  });

  it('aggregates per bucket with mean, min, max and count of every metric; whole days are the county’s', () => {
    const selection = { kind: 'devices', deviceIds: ['w-1'] } as const;
    expect(readingsExportInfluxQl({ ...range, domain: 'water', selection, resolution: { kind: 'aggregate', everyMs: 3_600_000 } })).toBe(
      `SELECT mean(*), min(*), max(*), count(*) FROM "water" WHERE time >= ${range.from}ms AND time < ${range.to}ms AND ("device_id" = 'w-1') ` +
        `GROUP BY time(3600000ms), "device_id", "site", "town", "village" fill(none)`,
    );
    expect(readingsExportInfluxQl({ ...range, domain: 'water', selection, resolution: { kind: 'aggregate', everyMs: 86_400_000 } })).toMatch(/GROUP BY time\(86400000ms\), .* fill\(none\) tz\('Asia\/Shanghai'\)$/);
  });

  it('says a resolution as the audit log and file names do', () => {
    expect([describeResolution(RAW), describeResolution({ kind: 'aggregate', everyMs: 60_000 }), describeResolution({ kind: 'aggregate', everyMs: 86_400_000 })]).toEqual(['raw', '1m', '1d']);
  });
});
