import type { ReadingSource } from '@hub/api-types';
import { coarsestOf, describeResolution, describeSources, RAW, readingsExportStatements, type ReadingsExportQuery } from './readings-export.query';

const FROM = Date.UTC(2026, 10, 1);
const TO = Date.UTC(2026, 10, 2);
const HOUR = 3_600_000;
const NO_POLICIES = { rawPolicy: null, backfillPolicy: null };
const DOWNSAMPLED = { rawPolicy: 'field', backfillPolicy: 'hub_backfill' };
const TAGS = `"device_id", "site", "town", "village"`;

describe('readingsExportStatements', () => {
  const base = { domain: 'water', timeZone: 'Asia/Shanghai', policies: NO_POLICIES, sources: [{ resolution: 'raw', from: FROM, to: TO }] } satisfies Partial<ReadingsExportQuery>;
  const statements = (query: ReadingsExportQuery): string[] => readingsExportStatements(query).map((statement) => statement.influxql);

  it('reads raw points of an area by its tags, grouped by the tags every row names', () => {
    expect(statements({ ...base, selection: { kind: 'area', town: '城关镇', village: null }, resolution: RAW })).toEqual([
      `SELECT *::field FROM "water" WHERE time >= ${FROM}ms AND time < ${TO}ms AND "town" = '城关镇' GROUP BY ${TAGS}`,
    ]);
    expect(statements({ ...base, selection: { kind: 'area', town: "O'Brien", village: '东街村' }, resolution: RAW })[0]).toContain(`AND "town" = 'O\\'Brien' AND "village" = '东街村' GROUP BY`);
  });

  it('names devices one by one (no regex to escape)', () => {
    expect(statements({ ...base, domain: 'gas', selection: { kind: 'devices', deviceIds: ['g-1', 'g-2'] }, resolution: RAW })[0]).toContain(`AND ("device_id" = 'g-1' OR "device_id" = 'g-2') GROUP BY`);
  });

  it('reads a raw export from the configured raw policy and the backfill, not grouped by the backfilled tag', () => {
    expect(statements({ ...base, policies: DOWNSAMPLED, selection: { kind: 'devices', deviceIds: ['w-1'] }, resolution: RAW })).toEqual([
      `SELECT *::field FROM "field"."water", "hub_backfill"."water" WHERE time >= ${FROM}ms AND time < ${TO}ms AND ("device_id" = 'w-1') GROUP BY ${TAGS}`,
    ]);
  });

  it('aggregates raw readings per bucket as sum, count, min and max of every metric; whole days are the county’s', () => {
    const selection = { kind: 'devices', deviceIds: ['w-1'] } as const;
    expect(statements({ ...base, selection, resolution: { kind: 'aggregate', everyMs: HOUR } })).toEqual([
      `SELECT sum(*), count(*), min(*), max(*) FROM "water" WHERE time >= ${FROM}ms AND time < ${TO}ms AND ("device_id" = 'w-1') GROUP BY time(3600000ms), ${TAGS} fill(none)`,
    ]);
    expect(statements({ ...base, selection, resolution: { kind: 'aggregate', everyMs: 86_400_000 } })[0]).toMatch(/GROUP BY time\(86400000ms\), .* fill\(none\) tz\('Asia\/Shanghai'\)$/);
  });

  it('reads one statement per source: hours and minutes combined from their sums, counts, mins and maxes, then raw readings of both raw policies', () => {
    const sources: ReadingSource[] = [
      { resolution: '1h', from: FROM, to: FROM + 20 * HOUR },
      { resolution: '1m', from: FROM + 20 * HOUR, to: FROM + 23 * HOUR + 37 * 60_000 },
      { resolution: 'raw', from: FROM + 23 * HOUR + 37 * 60_000, to: TO },
    ];
    const query = { ...base, policies: DOWNSAMPLED, sources, selection: { kind: 'area', town: '城关镇', village: null }, resolution: { kind: 'aggregate', everyMs: HOUR } } as const;
    const group = `GROUP BY time(3600000ms), ${TAGS} fill(none)`;
    expect(readingsExportStatements(query)).toEqual([
      { source: sources[0], influxql: `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM "hub_1h"."water" WHERE time >= ${FROM}ms AND time < ${FROM + 20 * HOUR}ms AND "town" = '城关镇' ${group}` },
      {
        source: sources[1],
        influxql: `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM "hub_1m"."water" WHERE time >= ${FROM + 20 * HOUR}ms AND time < ${sources[1].to}ms AND "town" = '城关镇' ${group}`,
      },
      { source: sources[2], influxql: `SELECT sum(*), count(*), min(*), max(*) FROM "field"."water", "hub_backfill"."water" WHERE time >= ${sources[2].from}ms AND time < ${TO}ms AND "town" = '城关镇' ${group}` },
    ]);
  });

  it('refuses to read aggregates for a raw export', () => {
    expect(() => readingsExportStatements({ ...base, sources: [{ resolution: '1m', from: FROM, to: TO }], selection: { kind: 'devices', deviceIds: ['w-1'] }, resolution: RAW })).toThrow(
      'A raw export reads raw readings, not 1m aggregates',
    );
  });
});

describe('how an export says its resolution', () => {
  it('says a resolution as the audit log and file names do', () => {
    expect([describeResolution(RAW), describeResolution({ kind: 'aggregate', everyMs: 60_000 }), describeResolution({ kind: 'aggregate', everyMs: 86_400_000 })]).toEqual(['raw', '1m', '1d']);
  });

  it('says the sources as ISO 8601 intervals, and the coarsest as the first one', () => {
    const sources: ReadingSource[] = [
      { resolution: '1m', from: FROM, to: FROM + HOUR },
      { resolution: 'raw', from: FROM + HOUR, to: TO },
    ];
    expect(describeSources(sources)).toBe('1m 2026-11-01T00:00:00.000Z/2026-11-01T01:00:00.000Z, raw 2026-11-01T01:00:00.000Z/2026-11-02T00:00:00.000Z');
    expect([coarsestOf(sources), coarsestOf([{ resolution: 'raw', from: FROM, to: TO }])]).toEqual(['1m', 'raw']);
  });
});
