/** Durations as people write them in configuration, query strings and rule documents: `500ms`, `90s`, `5m`, `2h`, `7d`. */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `"90s"` → 90000; undefined for anything that is not a number followed by one of ms, s, m, h, d. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2]]) : undefined;
}

const LARGEST_FIRST: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The shortest exact spelling: 90000 → "90s", 300000 → "5m", 1500 → "1500ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of LARGEST_FIRST) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
