import { currentLanguage, t, type MessageId } from '../i18n/i18n';

/** A reading as an operator reads it: sensible precision for its size, and its unit. */
export function formatValue(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
  const text = value.toLocaleString(currentLanguage(), { maximumFractionDigits: digits });
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

/** The built-in domains, which have a name in every language; one an admin added is shown as it is spelt. */
const DOMAIN_WORDS: ReadonlySet<string> = new Set(['water', 'power', 'gas', 'heat', 'traffic']);

/** A domain as a word in the console's language: "water" → "Water" / "供水"; an added one humanized. */
export function domainLabel(domain: string): string {
  return DOMAIN_WORDS.has(domain) ? t(`domain.${domain}` as MessageId) : humanize(domain);
}

/** Unit suffixes of metric names in the catalogue's naming scheme (`pressure_kpa`, `methane_pct_lel`). */
const UNIT_SUFFIXES = ['pct_lel', 'kpa', 'mpa', 'm3h', 'kmh', 'mgl', 'ntu', 'pct', 'kw', 'hz', 'm', 'v', 'a', 'c'];
/** The built-in catalogue's metrics, by name without unit, which have a label in every language. */
const METRIC_WORDS: ReadonlySet<string> = new Set([
  'active_power', 'avg_speed', 'chlorine', 'current', 'flow', 'frequency', 'level', 'methane', 'occupancy', 'ph', 'power_factor',
  'pressure', 'queue_length', 'return_temp', 'supply_temp', 'temperature', 'transformer_temp', 'turbidity', 'vehicle_count', 'voltage',
]);

/** A metric's short label without its unit (the unit is shown with the value): "methane_pct_lel" → "Methane". */
export function metricLabel(name: string): string {
  const suffix = UNIT_SUFFIXES.find((unit) => name.endsWith(`_${unit}`) && name.length > unit.length + 1);
  const base = suffix ? name.slice(0, -(suffix.length + 1)) : name;
  return METRIC_WORDS.has(base) ? t(`values.metric.${base}` as MessageId) : humanize(base);
}

/** A count as the console's language writes it: 12345 → "12,345". */
export function formatCount(value: number): string {
  return value.toLocaleString(currentLanguage());
}

/** 21061004288 → "19.6 GiB". */
export function formatBytes(bytes: number): string {
  const units = [t('values.bytes'), 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString(currentLanguage(), { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}
