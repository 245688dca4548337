import { Episode, StatusPoint } from './device-evaluation';

export interface EpisodeTiming {
  /** The condition must hold over buckets spanning at least this long before an episode begins. */
  readonly forMs: number;
  /** The clear condition must hold this long before an episode ends. */
  readonly clearForMs: number;
}

export interface DetectedEpisodes {
  readonly episodes: Episode[];
  /** Start of the trailing clear run once it has held for clearFor (whether or not an episode just ended). */
  readonly clearSince: number | null;
}

interface OpenEpisode {
  start: number;
  value: number;
  valueAt: number;
  peak: number;
  peakScore: number;
}

/**
 * Turns a device's per-bucket verdicts (in event-time order) into episodes, Prometheus-style but by event time:
 * pending until the condition has held for `forMs`, active until the clear condition has held for `clearForMs`.
 * Durations are measured between bucket starts, so they are honoured to within one bucket and never early.
 *
 * `activeSince` seeds the detector with an episode that began before the window (an alert whose condition was
 * still active at the previous evaluation), so a window that shows only its tail is read as "still active" and
 * its clearing is judged with clearFor, rather than starting from idle.
 */
export function detectEpisodes(points: readonly StatusPoint[], timing: EpisodeTiming, activeSince: number | null): DetectedEpisodes {
  const episodes: Episode[] = [];
  let open: OpenEpisode | null = null;
  let active = false;
  let clearingSince: number | null = null;
  let trailingClear: number | null = null;

  if (activeSince !== null && points.length > 0) {
    const first = points[0];
    open = { start: Math.min(activeSince, first.t), value: first.value, valueAt: first.t, peak: first.peak, peakScore: -Infinity };
    active = true;
  }

  const close = (end: number): void => {
    if (open !== null) episodes.push({ ...open, end });
    open = null;
    active = false;
    clearingSince = null;
  };

  for (const point of points) {
    trailingClear = point.status === 'clear' ? (trailingClear ?? point.t) : null;
    if (open === null) {
      if (point.status !== 'breach') continue;
      open = { start: point.t, value: point.value, valueAt: point.t, peak: point.peak, peakScore: point.score };
      active = timing.forMs === 0;
      continue;
    }
    const episode: OpenEpisode = open;
    if (!active) {
      // Pending: every bucket must breach until the for-duration has passed.
      if (point.status !== 'breach') {
        open = null;
        continue;
      }
      track(episode, point);
      if (point.t - episode.start >= timing.forMs) active = true;
      continue;
    }
    track(episode, point);
    if (point.status !== 'clear') {
      clearingSince = null;
      continue;
    }
    clearingSince ??= point.t;
    if (point.t - clearingSince >= timing.clearForMs) close(clearingSince);
  }

  const last = points[points.length - 1];
  const finalOpen = open as OpenEpisode | null;
  if (finalOpen !== null && active) episodes.push({ ...finalOpen, end: null });
  const clearSince = trailingClear !== null && last !== undefined && last.t - trailingClear >= timing.clearForMs ? trailingClear : null;
  return { episodes, clearSince };
}

function track(episode: OpenEpisode, point: StatusPoint): void {
  episode.value = point.value;
  episode.valueAt = point.t;
  if (point.status === 'breach' && point.score > episode.peakScore) {
    episode.peak = point.peak;
    episode.peakScore = point.score;
  }
}
