import { ConditionStatus, StatusPoint } from './device-evaluation';
import { detectEpisodes } from './episode.detector';

const S = 1000;

/** One verdict per second from t = 0: B breach, C clear, - between, with value = peak = score = the second. */
function points(pattern: string, start = 0): StatusPoint[] {
  const status: Record<string, ConditionStatus> = { B: 'breach', C: 'clear', '-': 'between' };
  return [...pattern].map((char, index) => {
    const t = start + index * S;
    return { t, status: status[char], value: index, peak: index, score: index };
  });
}

describe('detectEpisodes', () => {
  it('fires on the first breach when there is no for-duration, and ends on the first clear', () => {
    expect(detectEpisodes(points('CCBBBCC'), { forMs: 0, clearForMs: 0 }, null)).toEqual({
      episodes: [{ start: 2 * S, end: 5 * S, value: 5, valueAt: 5 * S, peak: 4, peakScore: 4 }],
      clearSince: 5 * S,
    });
  });

  it('waits for the for-duration between bucket starts, and forgets a breach that did not last', () => {
    // 3 s of breach (2..4) is not the 4 s asked for; 10..15 is.
    const { episodes } = detectEpisodes(points('CCBBBCCCCCBBBBBBC'), { forMs: 4 * S, clearForMs: 0 }, null);
    expect(episodes).toEqual([{ start: 10 * S, end: 16 * S, value: 16, valueAt: 16 * S, peak: 15, peakScore: 15 }]);
  });

  it('breaks the pending run on a bucket that is not wholly beyond the trigger', () => {
    expect(detectEpisodes(points('BB-BB'), { forMs: 2 * S, clearForMs: 0 }, null).episodes).toEqual([]);
  });

  it('holds an active episode through the hysteresis band and ends it only after clearFor', () => {
    const { episodes, clearSince } = detectEpisodes(points('BB--CC-CCCC'), { forMs: 0, clearForMs: 2 * S }, null);
    // The clear run 4..5 is interrupted at 6; the run from 7 holds 2 s at 9.
    expect(episodes).toEqual([{ start: 0, end: 7 * S, value: 9, valueAt: 9 * S, peak: 1, peakScore: 1 }]);
    expect(clearSince).toBe(7 * S);
  });

  it('leaves the last episode open while the condition still holds at the end of the window', () => {
    const { episodes, clearSince } = detectEpisodes(points('CBB-BC'), { forMs: 0, clearForMs: 3 * S }, null);
    expect(episodes).toEqual([{ start: S, end: null, value: 5, valueAt: 5 * S, peak: 4, peakScore: 4 }]);
    expect(clearSince).toBeNull();
  });

  it('finds every occurrence in a window, in order (a late batch holding several)', () => {
    const { episodes } = detectEpisodes(points('BCCBBCCB'), { forMs: 0, clearForMs: 0 }, null);
    expect(episodes.map((episode) => [episode.start / S, episode.end === null ? null : episode.end / S])).toEqual([
      [0, 1],
      [3, 5],
      [7, null],
    ]);
  });

  it('continues an alert active since before the window, judging its end with clearFor', () => {
    const { episodes } = detectEpisodes(points('--CCCC', 100 * S), { forMs: 60 * S, clearForMs: 2 * S }, 40 * S);
    expect(episodes).toEqual([{ start: 40 * S, end: 102 * S, value: 4, valueAt: 104 * S, peak: 0, peakScore: -Infinity }]);
  });

  it('reports a held clear run even when no episode ended in the window', () => {
    expect(detectEpisodes(points('--CCC'), { forMs: 0, clearForMs: 2 * S }, null)).toEqual({ episodes: [], clearSince: 2 * S });
    expect(detectEpisodes(points('--CC'), { forMs: 0, clearForMs: 2 * S }, null)).toEqual({ episodes: [], clearSince: null });
    expect(detectEpisodes([], { forMs: 0, clearForMs: 0 }, 5)).toEqual({ episodes: [], clearSince: null });
  });
});
