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

/** "heat" → "Heat", "vehicle_count" → "Vehicle count". */
export function humanize(name: string): string {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Unit suffixes of metric names in the catalogue's naming scheme (`pressure_kpa`, `methane_pct_lel`). */
const UNIT_SUFFIXES = ['pct_lel', 'kpa', 'mpa', 'm3h', 'kmh', 'mgl', 'ntu', 'pct', 'kw', 'hz', 'm', 'v', 'a', 'c'];
const SPECIAL_LABELS: Record<string, string> = { ph: 'pH', avg_speed_kmh: 'Average speed', supply_temp_c: 'Supply temperature', return_temp_c: 'Return temperature', transformer_temp_c: 'Transformer temperature' };

/** A metric's short label without its unit (the unit is shown with the value): "methane_pct_lel" → "Methane". */
export function metricLabel(name: string): string {
  const special = SPECIAL_LABELS[name];
  if (special) return special;
  const suffix = UNIT_SUFFIXES.find((unit) => name.endsWith(`_${unit}`) && name.length > unit.length + 1);
  return humanize(suffix ? name.slice(0, -(suffix.length + 1)) : name);
}

/** 21061004288 → "19.6 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString(undefined, { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}
