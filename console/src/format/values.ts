/** A reading as an operator reads it: sensible precision for its size, and its unit. */
export function formatValue(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
  const text = value.toLocaleString(undefined, { maximumFractionDigits: digits });
  return unit === '' || unit === '1' ? text : `${text} ${unit}`;
}

export type Band = 'normal' | 'high' | 'low';

/** Where a value sits against the metric's typical band (what normal looks like on a healthy network). */
export function bandOf(value: number, typical: readonly [number, number]): Band {
  if (value > typical[1]) return 'high';
  if (value < typical[0]) return 'low';
  return 'normal';
}

/** "methane_pct_lel" → "Methane pct lel" when no description is at hand. */
export function humanize(name: string): string {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
