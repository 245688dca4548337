import { NoDataCondition } from '../rules/alert-rule';
import { evaluateNoData, NoDataDevice, silenceThreshold, usualInterval } from './no-data.evaluator';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const S = 1000;
const M = 60_000;
const H = 60 * M;
const CONTEXT = { now: NOW, baselineStart: NOW - H, runningSince: NOW - 2 * H };
const FIVE_MIN: NoDataCondition = { type: 'no-data', silentForMs: 5 * M, intervalMultiple: null, baselineMs: H };
const THREE_TIMES: NoDataCondition = { type: 'no-data', silentForMs: null, intervalMultiple: 3, baselineMs: H };

function device(deviceId: string, overrides: Partial<NoDataDevice> = {}): NoDataDevice {
  return { deviceId, storedLastTs: null, receivedLastTs: null, usualIntervalMs: null, ...overrides };
}

describe('evaluateNoData', () => {
  it('opens an episode from the last reading once silence passes the threshold, and clears when the device is recent', () => {
    const [silent, talking] = evaluateNoData(
      FIVE_MIN,
      [device('w-1', { storedLastTs: NOW - 6 * M, usualIntervalMs: 10 * S }), device('w-2', { storedLastTs: NOW - 10 * S, usualIntervalMs: 10 * S })],
      CONTEXT,
    );
    expect(silent).toEqual({
      deviceId: 'w-1',
      latestAt: NOW,
      latestValue: 360,
      facts: { thresholdMs: 5 * M, lastReadingAt: NOW - 6 * M },
      episodes: [{ start: NOW - 6 * M, end: null, value: 360, valueAt: NOW, peak: 360, peakScore: 360 }],
      clearSince: null,
    });
    expect(talking.episodes).toEqual([]);
    expect(talking.clearSince).toBe(NOW - 10 * S);
  });

  it('judges each device against its own usual interval', () => {
    // w-fast reports every 10 s, w-slow every 10 min; both last spoke 2 minutes ago.
    const evaluations = evaluateNoData(
      THREE_TIMES,
      [device('w-fast', { storedLastTs: NOW - 2 * M, usualIntervalMs: 10 * S }), device('w-slow', { storedLastTs: NOW - 2 * M, usualIntervalMs: 10 * M })],
      CONTEXT,
    );
    expect(evaluations.map((evaluation) => [evaluation.deviceId, evaluation.episodes.length, evaluation.facts?.thresholdMs])).toEqual([
      ['w-fast', 1, 30_000],
      ['w-slow', 0, 30 * M],
    ]);
  });

  it('counts readings the hub accepted but InfluxDB does not hold yet (writer backlog, outage spool)', () => {
    const [evaluation] = evaluateNoData(FIVE_MIN, [device('w-1', { storedLastTs: NOW - 20 * M, receivedLastTs: NOW - 5 * S })], CONTEXT);
    expect(evaluation.episodes).toEqual([]);
    expect(evaluation.facts?.lastReadingAt).toBe(NOW - 5 * S);
  });

  it('does not declare silence before the hub itself has run for the threshold (after a restart)', () => {
    const justStarted = { ...CONTEXT, runningSince: NOW - 3 * M };
    const [evaluation] = evaluateNoData(FIVE_MIN, [device('w-1', { receivedLastTs: NOW - 30 * M })], justStarted);
    expect(evaluation).toMatchObject({ episodes: [], clearSince: null });
    const later = evaluateNoData(FIVE_MIN, [device('w-1', { receivedLastTs: NOW - 30 * M })], { ...justStarted, runningSince: NOW - 5 * M });
    expect(later[0].episodes).toHaveLength(1);
  });

  it('leaves alone devices that never sent the metric', () => {
    expect(evaluateNoData(FIVE_MIN, [device('w-new')], CONTEXT)).toEqual([]);
  });

  it('measures the usual interval from the later of the baseline start and the device’s first appearance', () => {
    expect(usualInterval(NOW, 61, NOW - 24 * H, NOW - H)).toBe(M);
    expect(usualInterval(NOW, 11, NOW - 10 * M, NOW - H)).toBe(M);
    expect(usualInterval(NOW, 2, null, NOW - H)).toBeNull();
    expect(usualInterval(null, 50, null, NOW - H)).toBeNull();
  });

  it('takes the larger of silentFor and the multiple; with only a multiple and no interval, the whole baseline', () => {
    expect(silenceThreshold({ ...THREE_TIMES, silentForMs: 2 * M }, 10 * S, H)).toBe(2 * M);
    expect(silenceThreshold({ ...THREE_TIMES, silentForMs: 2 * M }, 5 * M, H)).toBe(15 * M);
    expect(silenceThreshold(THREE_TIMES, null, H)).toBe(H);
    expect(silenceThreshold({ ...THREE_TIMES, silentForMs: 2 * M }, null, H)).toBe(2 * M);
  });
});
