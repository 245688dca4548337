import type { Alert, AlertEvent, AlertFilter } from '@hub/alerts';
import { anAlert } from '@hub/alerts/testing';
import type { DeadLetter } from '@hub/api-types';
import type { DeadLetterFilter } from '@hub/pipeline';
import type { NewAuditEntry } from '@hub/store';
import { readCsv } from '@hub/test-harness';
import { alertsExport } from './alerts-export';
import { deadLettersExport } from './dead-letters-export';

const T = Date.parse('2026-11-01T00:00:00Z');
const dana = { name: 'dana', scope: { towns: ['城关镇'], domains: [] } };

async function text(pieces: AsyncGenerator<string>): Promise<string> {
  let all = '';
  for await (const piece of pieces) all += piece;
  return all;
}

describe('alertsExport', () => {
  it('pages through every matching alert newest first, within the caller’s scope, one row per history entry', async () => {
    const alerts = Array.from({ length: 1_203 }, (_, index) => anAlert({ id: index + 1, deviceId: `cg-${index + 1}`, town: '城关镇', village: index === 0 ? '东街村' : null, ruleName: '管网压力低', summary: '=1+1 压力 120 kPa' }));
    const filters: AlertFilter[] = [];
    const audit: NewAuditEntry[] = [];
    const csv = await alertsExport(
      {
        list: async (filter) => {
          filters.push(filter);
          return { items: alerts.filter((alert) => filter.beforeId === undefined || alert.id < filter.beforeId).sort((a, b) => b.id - a.id).slice(0, filter.limit) };
        },
        history: async (id): Promise<AlertEvent[]> => [
          { id: id * 10, alertId: id, at: T, kind: 'fired', actor: 'system', note: null, fromState: null, toState: 'firing', notify: true, silenceId: null },
          ...(id === 1 ? [{ id: 11, alertId: 1, at: T + 60_000, kind: 'commented' as const, actor: 'dana', note: '已派人, "阀门"\n明早复查', fromState: 'firing' as const, toState: 'firing' as const, notify: false, silenceId: null }] : []),
        ],
        audit: { record: async (entry) => audit.push(entry) },
        timeZone: 'Asia/Shanghai',
        now: () => T,
      },
      dana,
      { states: ['firing', 'acknowledged'], from: T - 86_400_000 },
    );
    expect(csv.fileName).toBe('alerts-2026-11-01T00-00-00Z.csv');
    expect(audit).toEqual([{ actor: 'dana', action: 'export.alerts', targetType: 'alert', targetId: null, detail: { states: ['firing', 'acknowledged'], from: '2026-10-31T00:00:00.000Z' } }]);
    const records = readCsv(await text(csv.pieces(new AbortController().signal)));
    expect(filters.map((filter) => [filter.beforeId, filter.limit, filter.within, filter.states])).toEqual([
      [undefined, 500, dana.scope, ['firing', 'acknowledged']],
      [704, 500, dana.scope, ['firing', 'acknowledged']],
      [204, 500, dana.scope, ['firing', 'acknowledged']],
    ]);
    expect(records).toHaveLength(1 + 1_203 + 1);
    const header = records[0];
    const row = (index: number): Record<string, string> => Object.fromEntries(header.map((name, column) => [name, records[index][column]]));
    expect(row(1)).toMatchObject({ alert_id: '1203', device_id: 'cg-1203', rule_name: '管网压力低', town: '城关镇', village: '', event: 'fired', summary: "'=1+1 压力 120 kPa" });
    expect(records.slice(-2).map((_, index) => row(records.length - 2 + index))).toEqual([
      expect.objectContaining({ alert_id: '1', village: '东街村', event_id: '10', event: 'fired', actor: 'system', from_state: '', to_state: 'firing', note: '', event_at_local: '2026-11-01T08:00:00.000+08:00' }),
      expect.objectContaining({ alert_id: '1', event_id: '11', event: 'commented', actor: 'dana', note: '已派人, "阀门"\n明早复查', event_at_utc: '2026-11-01T00:01:00.000Z' }),
    ]);
  });

  it('stops at once when the client has gone', async () => {
    const abort = new AbortController();
    abort.abort();
    const csv = await alertsExport({ list: async () => ({ items: [] as Alert[] }), history: async () => [], audit: { record: async () => undefined }, timeZone: 'UTC' }, dana, {});
    await expect(text(csv.pieces(abort.signal))).rejects.toThrow('This operation was aborted');
  });
});

describe('deadLettersExport', () => {
  const letter = (id: number): DeadLetter => ({
    id,
    receivedAt: T + id,
    reason: 'MALFORMED_JSON',
    detail: 'Unexpected token',
    topic: 'sensors/water/cg-1/telemetry',
    clientId: 'cg-1',
    deviceId: id % 2 === 0 ? 'cg-1' : null,
    domain: 'water',
    batchIndex: null,
    payload: id === 2_500 ? '@SUM(A1:A9)' : '{"metrics":{"pressure_kpa":"高"}}',
    payloadBytes: 40,
    payloadTruncated: false,
    payloadEncoding: 'utf8',
  });

  it('pages through every matching dead letter without counting, with the device’s town and village, formulas made inert', async () => {
    const stored = Array.from({ length: 2_500 }, (_, index) => letter(index + 1));
    const filters: DeadLetterFilter[] = [];
    const audit: NewAuditEntry[] = [];
    const csv = await deadLettersExport(
      {
        page: async (filter) => {
          filters.push(filter);
          return stored.filter((entry) => filter.beforeId === undefined || entry.id < filter.beforeId).sort((a, b) => b.id - a.id).slice(0, filter.limit);
        },
        areaOf: (deviceId) => (deviceId === 'cg-1' ? '城关镇/东街村' : null),
        audit: { record: async (entry) => audit.push(entry) },
        timeZone: 'Asia/Shanghai',
        now: () => T,
      },
      dana,
      { reason: 'MALFORMED_JSON', to: T + 10_000 },
    );
    expect(audit).toEqual([{ actor: 'dana', action: 'export.dead-letters', targetType: 'dead-letter', targetId: null, detail: { reason: 'MALFORMED_JSON', to: '2026-11-01T00:00:10.000Z' } }]);
    const records = readCsv(await text(csv.pieces(new AbortController().signal)));
    expect(filters.map((filter) => filter.beforeId)).toEqual([undefined, 1_501, 501]);
    expect(filters.every((filter) => filter.within === dana.scope && filter.reason === 'MALFORMED_JSON')).toBe(true);
    expect(records).toHaveLength(2_501);
    expect(records[1]).toEqual(['2500', '2026-11-01T00:00:02.500Z', '2026-11-01T08:00:02.500+08:00', 'MALFORMED_JSON', 'Unexpected token', 'cg-1', 'water', '城关镇', '东街村', 'sensors/water/cg-1/telemetry', 'cg-1', '', 'utf8', '40', 'false', "'@SUM(A1:A9)"]);
    expect(records[2]).toEqual(['2499', '2026-11-01T00:00:02.499Z', '2026-11-01T08:00:02.499+08:00', 'MALFORMED_JSON', 'Unexpected token', '', 'water', '', '', 'sensors/water/cg-1/telemetry', 'cg-1', '', 'utf8', '40', 'false', '{"metrics":{"pressure_kpa":"高"}}']);
  });
});
