import type { SilenceView } from '@hub/api-types';
import { areaCovers, areaPathOf } from '@hub/common';
import type { Domain } from '@hub/contract';
import type { Episode } from '../evaluation/device-evaluation';

/**
 * A silence (maintenance window): while active, matching devices raise no alerts, and changes of their open alerts
 * are recorded but not notified. It matches on every field that is set: a device, a town, a domain, optionally
 * narrowed to one rule.
 */
export interface AlertSilence {
  readonly id: number;
  readonly domain: Domain | null;
  /** An area path: `Ashford` covers the town and its villages, `Ashford/Millbrook` only that village. */
  readonly town: string | null;
  readonly deviceId: string | null;
  readonly ruleId: string | null;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: number;
}

export type NewAlertSilence = Omit<AlertSilence, 'id'>;

export interface SilenceTarget {
  readonly domain: Domain;
  readonly town: string | null;
  readonly village?: string | null;
  readonly deviceId: string;
  readonly ruleId: string;
}

export function silenceMatches(silence: AlertSilence, target: SilenceTarget): boolean {
  return (
    (silence.domain === null || silence.domain === target.domain) &&
    (silence.town === null || areaCovers(silence.town, areaPathOf(target))) &&
    (silence.deviceId === null || silence.deviceId === target.deviceId) &&
    (silence.ruleId === null || silence.ruleId === target.ruleId)
  );
}

export function isActiveAt(silence: AlertSilence, at: number): boolean {
  return silence.startsAt <= at && at < silence.endsAt;
}

/** The silence covering `target` at `at` (the one ending last, when several do). */
export function activeSilence(silences: readonly AlertSilence[], target: SilenceTarget, at: number): AlertSilence | undefined {
  let found: AlertSilence | undefined;
  for (const silence of silences) {
    if (isActiveAt(silence, at) && silenceMatches(silence, target) && (found === undefined || silence.endsAt > found.endsAt)) found = silence;
  }
  return found;
}

/**
 * Whether an occurrence must not raise an alert: the target is silenced now, or the occurrence ended while a
 * silence covered it. The second case matters when a silence has just expired: the evaluation window still holds
 * what happened during the maintenance, and that must not come out as a burst of alerts afterwards. An occurrence
 * still going on after the silence ended does raise — the device is still not right.
 */
export function suppressingSilence(silences: readonly AlertSilence[], target: SilenceTarget, episode: Episode, now: number): AlertSilence | undefined {
  const current = activeSilence(silences, target, now);
  if (current !== undefined || episode.end === null) return current;
  return activeSilence(silences, target, episode.end);
}

/** A silence as the API shows it: times as ISO-8601, and whether it is in force at `now`. */
export function toSilenceView(silence: AlertSilence, now: number): SilenceView {
  return {
    id: silence.id,
    domain: silence.domain,
    town: silence.town,
    deviceId: silence.deviceId,
    ruleId: silence.ruleId,
    startsAt: new Date(silence.startsAt).toISOString(),
    endsAt: new Date(silence.endsAt).toISOString(),
    reason: silence.reason,
    createdBy: silence.createdBy,
    createdAt: new Date(silence.createdAt).toISOString(),
    active: silence.startsAt <= now && now < silence.endsAt,
  };
}
