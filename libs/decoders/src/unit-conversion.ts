/**
 * The units a vendor may send and the factor to each dimension's base unit, so a mapping can say "this field is in bar,
 * store kPa". Small on purpose: each entry is a unit seen in a county's meters, documented in the lib's README.
 * Temperature is affine, hence the offset: base = value × factor + offset.
 */
interface UnitSpec {
  readonly dimension: 'pressure' | 'flow' | 'temperature' | 'energy' | 'power' | 'volume' | 'length' | 'speed';
  readonly factor: number;
  readonly offset?: number;
}

export const UNITS: Readonly<Record<string, UnitSpec>> = {
  // Pressure, base Pa. 0.1kPa is the hectopascal-in-disguise of many Chinese pressure loggers.
  Pa: { dimension: 'pressure', factor: 1 },
  hPa: { dimension: 'pressure', factor: 100 },
  '0.1kPa': { dimension: 'pressure', factor: 100 },
  kPa: { dimension: 'pressure', factor: 1000 },
  MPa: { dimension: 'pressure', factor: 1e6 },
  mbar: { dimension: 'pressure', factor: 100 },
  bar: { dimension: 'pressure', factor: 1e5 },
  psi: { dimension: 'pressure', factor: 6894.757293168 },
  // Volumetric flow, base m³/h.
  'm³/h': { dimension: 'flow', factor: 1 },
  'm3/h': { dimension: 'flow', factor: 1 },
  'L/s': { dimension: 'flow', factor: 3.6 },
  'L/min': { dimension: 'flow', factor: 0.06 },
  'L/h': { dimension: 'flow', factor: 0.001 },
  'm³/s': { dimension: 'flow', factor: 3600 },
  // Temperature, base °C.
  '°C': { dimension: 'temperature', factor: 1 },
  '°F': { dimension: 'temperature', factor: 5 / 9, offset: -32 * (5 / 9) },
  K: { dimension: 'temperature', factor: 1, offset: -273.15 },
  // Energy, base kWh; power, base kW.
  Wh: { dimension: 'energy', factor: 0.001 },
  kWh: { dimension: 'energy', factor: 1 },
  MWh: { dimension: 'energy', factor: 1000 },
  W: { dimension: 'power', factor: 0.001 },
  kW: { dimension: 'power', factor: 1 },
  MW: { dimension: 'power', factor: 1000 },
  // Volume, base m³ (meter registers); length, base m; speed, base km/h.
  L: { dimension: 'volume', factor: 0.001 },
  'm³': { dimension: 'volume', factor: 1 },
  m3: { dimension: 'volume', factor: 1 },
  mm: { dimension: 'length', factor: 0.001 },
  cm: { dimension: 'length', factor: 0.01 },
  m: { dimension: 'length', factor: 1 },
  'km/h': { dimension: 'speed', factor: 1 },
  'm/s': { dimension: 'speed', factor: 3.6 },
};

export function isUnit(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(UNITS, name);
}

/** Why `from` cannot become `to`, or undefined when it can. */
export function unitMismatch(from: string, to: string): string | undefined {
  if (!isUnit(from)) return `unknown unit ${JSON.stringify(from)}; known: ${Object.keys(UNITS).join(', ')}`;
  if (!isUnit(to)) return `unknown unit ${JSON.stringify(to)}; known: ${Object.keys(UNITS).join(', ')}`;
  const [source, target] = [UNITS[from]!, UNITS[to]!];
  return source.dimension === target.dimension ? undefined : `${from} is a ${source.dimension} unit and ${to} a ${target.dimension} unit`;
}

/**
 * `value` in `from` expressed in `to` (both checked with unitMismatch first). Rounded to 12 significant digits: a
 * meter's resolution is far coarser, and without it 4125 × 0.1 kPa would print as 412.50000000000006.
 */
export function convertUnit(value: number, from: string, to: string): number {
  const [source, target] = [UNITS[from]!, UNITS[to]!];
  if (from === to) return value;
  const base = value * source.factor + (source.offset ?? 0);
  return roundSignificant((base - (target.offset ?? 0)) / target.factor);
}

export function roundSignificant(value: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(12)) : value;
}
