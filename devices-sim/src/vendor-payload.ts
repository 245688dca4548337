import { convertUnit, roundSignificant } from '@hub/decoders';

/**
 * Payloads in vendors' own formats, published on the device's normal telemetry topic for the hub to decode with the
 * device's profile (docs/operations.md#simulator shows each profile; vendor-payload.spec.ts decodes through them):
 * - `vendor-json`: a 4G RTU's JSON, `{"T":"2026-12-06 18:00:00","P1":4125,"unit":"0.1kPa","Q1":3429}` — pressure
 *   in 0.1 kPa (the unit named beside it), flow Q1 in 0.01 L/s, local time of a clock set to RTU_CLOCK_ZONE;
 * - `hex`: a PL-9 NB-IoT pressure logger's 9-byte frame as the carrier platform forwards it, a hex string
 *   (codecs/pressure-logger.codec.js has the layout and its decoder).
 * Both model water-network loggers, so they carry water metrics only; `stored` is what the profile turns the
 * payload into — the numbers and the time the hub should store — computed the way its decoders compute them.
 */
export type PayloadFormat = 'contract' | 'vendor-json' | 'hex';
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['contract', 'vendor-json', 'hex'];
export type VendorPayloadFormat = Exclude<PayloadFormat, 'contract'>;

/** The water metrics each vendor format carries (a fault's metric must be one of them). */
export const VENDOR_FORMAT_METRICS: Readonly<Record<VendorPayloadFormat, readonly string[]>> = {
  'vendor-json': ['pressure_kpa', 'flow_m3h'],
  hex: ['pressure_kpa'],
};

/**
 * The RTU's clock runs in its factory zone, UTC+8 all year (no daylight saving, so every wall time names one
 * instant); the profile names the zone so the hub reads it right.
 */
export const RTU_CLOCK_ZONE = 'Asia/Shanghai';
/** The largest pressure the PL-9's uint16 of 0.1 kPa holds. */
export const PRESSURE_LOGGER_MAX_KPA = 6553.5;

export interface VendorPayload {
  readonly payload: string;
  readonly stored: { readonly ts: number; readonly metrics: Readonly<Record<string, number>> };
}

export function encodeVendorPayload(format: VendorPayloadFormat, ts: number, metrics: Readonly<Record<string, number>>): VendorPayload {
  return format === 'vendor-json' ? encodeRtuJson(ts, metrics) : encodePressureLoggerHex(ts, metrics);
}

/** Pressure in 0.1 kPa with its unit beside it, flow in 0.01 L/s, the time to the second on the RTU's local clock. */
export function encodeRtuJson(ts: number, metrics: Readonly<Record<string, number>>): VendorPayload {
  const p1 = Math.round(metric(metrics, 'pressure_kpa') * 10);
  const q1 = Math.round((metric(metrics, 'flow_m3h') / 3.6) * 100);
  const payload = JSON.stringify({ T: localTime(ts, RTU_CLOCK_ZONE), P1: p1, unit: '0.1kPa', Q1: q1 });
  return {
    payload,
    stored: {
      ts: Math.floor(ts / 1000) * 1000,
      // As the mapping decoder computes them: raw × scale (+ offset), rounded, then converted to the catalogue's unit.
      metrics: { pressure_kpa: convertUnit(p1, '0.1kPa', 'kPa'), flow_m3h: convertUnit(roundSignificant(q1 * 0.01), 'L/s', 'm³/h') },
    },
  };
}

/** The PL-9 frame as upper-case hex, as carrier platforms forward it. */
export function encodePressureLoggerHex(ts: number, metrics: Readonly<Record<string, number>>): VendorPayload {
  const pressure = Math.round(metric(metrics, 'pressure_kpa') * 10);
  if (pressure < 0 || pressure > 0xffff) throw new RangeError(`pressure_kpa ${metrics.pressure_kpa} does not fit the PL-9 frame (0 to ${PRESSURE_LOGGER_MAX_KPA} kPa)`);
  const seconds = Math.floor(ts / 1000);
  const frame = Buffer.alloc(9);
  frame.writeUInt8(0x02, 0);
  frame.writeUInt32BE(seconds, 1);
  frame.writeUInt16BE(pressure, 5);
  // A lithium cell's plateau: the battery is not a water metric, the profile leaves it out.
  frame.writeUInt16BE(3600, 7);
  return { payload: frame.toString('hex').toUpperCase(), stored: { ts: seconds * 1000, metrics: { pressure_kpa: pressure / 10 } } };
}

function metric(metrics: Readonly<Record<string, number>>, name: string): number {
  const value = metrics[name];
  if (value === undefined) throw new RangeError(`the vendor payload needs ${name}, which the reading lacks`);
  return value;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` on a clock set to `zone`. */
export function localTime(ts: number, zone: string): string {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(ts)).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}
