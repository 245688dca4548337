/**
 * Lets one log line per key (a client, an address) through per interval and counts the rest, so a flood shows in
 * the log as one line a minute with a count instead of one line per message.
 */
export class OncePerInterval {
  private readonly reported = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly intervalMs: number) {}

  /**
   * Null: do not log this occurrence (it is counted). Otherwise log it now; the number is how many occurrences since
   * the previous line were not logged.
   */
  occurrence(key: string, now: number): number | null {
    const last = this.reported.get(key);
    if (last !== undefined && now - last.at < this.intervalMs) {
      last.suppressed++;
      return null;
    }
    this.reported.set(key, { at: now, suppressed: 0 });
    return last?.suppressed ?? 0;
  }

  /**
   * Forgets keys whose interval has passed (their next occurrence is logged at once anyway) and returns those that
   * had occurrences left unlogged, for a closing summary line.
   */
  sweep(now: number): Array<{ key: string; suppressed: number }> {
    const unreported: Array<{ key: string; suppressed: number }> = [];
    for (const [key, last] of this.reported) {
      if (now - last.at < this.intervalMs) continue;
      if (last.suppressed > 0) unreported.push({ key, suppressed: last.suppressed });
      this.reported.delete(key);
    }
    return unreported;
  }

  get size(): number {
    return this.reported.size;
  }
}
