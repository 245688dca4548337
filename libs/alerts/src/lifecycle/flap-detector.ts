import { FLAP_OPENINGS } from '../rules/alert-rule';

/**
 * Flapping, judged on event time: an alert whose condition has started FLAP_OPENINGS times (the first firing
 * included) within the flap window is flapping. It is then held open and its further open/clear cycles are recorded
 * but not notified; it settles once nothing has changed for a whole flap window.
 */
export class FlapDetector {
  constructor(
    private readonly windowMs: number,
    private readonly openingsToFlap: number = FLAP_OPENINGS,
  ) {}

  /** The openings to keep after one more at `at`: those within the window before it, plus it. */
  record(openings: readonly number[], at: number): number[] {
    return [...openings.filter((time) => time > at - this.windowMs && time <= at), at].sort((a, b) => a - b);
  }

  isFlapping(openings: readonly number[]): boolean {
    return openings.length >= this.openingsToFlap;
  }

  /** True once `latestAt` is a whole window past the last change (last opening or last clear). */
  hasSettled(openings: readonly number[], conditionEndedAt: number | null, latestAt: number): boolean {
    const lastChange = Math.max(openings[openings.length - 1] ?? -Infinity, conditionEndedAt ?? -Infinity);
    return latestAt - lastChange >= this.windowMs;
  }
}
