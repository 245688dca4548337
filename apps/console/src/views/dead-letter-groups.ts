import type { DeadLetter } from '@hub/api-types';

export interface DeadLetterGroup {
  readonly deviceId: string | null;
  readonly topic: string;
  readonly reason: DeadLetter['reason'];
  readonly count: number;
  readonly latest: number;
  /** The newest detail, e.g. "supply_temp_c 250 °C is outside [0, 200]". */
  readonly example: string;
}

/** Refused messages per (device, reason), the biggest problem first: one misconfigured meter is one row, not a thousand. */
export function groupDeadLetters(items: readonly DeadLetter[]): DeadLetterGroup[] {
  const groups = new Map<string, { deviceId: string | null; topic: string; reason: DeadLetter['reason']; count: number; latest: number; example: string }>();
  for (const letter of items) {
    const key = `${letter.deviceId ?? `topic:${letter.topic}`}|${letter.reason}`;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { deviceId: letter.deviceId, topic: letter.topic, reason: letter.reason, count: 1, latest: letter.receivedAt, example: letter.detail });
    } else {
      group.count++;
      if (letter.receivedAt > group.latest) {
        group.latest = letter.receivedAt;
        group.example = letter.detail;
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.latest - a.latest);
}
